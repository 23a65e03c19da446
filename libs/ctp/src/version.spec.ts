import { abiProblem } from './version';

describe('library version guard', () => {
  it('lets 6.3.x up to 6.3.15 and version-less strings through, refuses the rest with the reason', () => {
    expect(abiProblem('qautlra-fake-md v6.3.15')).toBeUndefined();
    expect(abiProblem('openctp-sina v6.3.15')).toBeUndefined();
    expect(abiProblem('v6.3.13_20181119 10:07:44')).toBeUndefined();
    expect(abiProblem('some library')).toBeUndefined();
    expect(abiProblem('v6.3.19_P1_20200106 15:20:56.4003')).toMatch(/6\.3\.15 ABI/);
    expect(abiProblem('v6.6.7_20220613 14:52:04.1708')).toMatch(/reports "v6\.6\.7_20220613/);
    expect(abiProblem('v6.7.11_20250617 16:22:00.10369')).toMatch(/misread/);
  });
});
