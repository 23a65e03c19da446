import { abiProblem, layoutForVersion } from './version';

describe('library version guard', () => {
  it('picks the 6.3.15 layout up to 6.3.15 and for version-less strings, 6.5.1 for 6.5.x–6.7.x', () => {
    expect(layoutForVersion('qautlra-fake-md v6.3.15').layout).toBe('6.3.15');
    expect(layoutForVersion('openctp-sina v6.3.15').layout).toBe('6.3.15');
    expect(layoutForVersion('v6.3.13_20181119 10:07:44').layout).toBe('6.3.15');
    expect(layoutForVersion('some library').layout).toBe('6.3.15');
    expect(layoutForVersion('v6.5.1_20200908 10:25:08').layout).toBe('6.5.1');
    expect(layoutForVersion('v6.6.7_20220613 14:52:04.1708').layout).toBe('6.5.1');
    expect(layoutForVersion('v6.7.11_20250617 16:22:00.10369').layout).toBe('6.5.1');
  });

  it('refuses versions without a layout here, and a library of the other layout than the one set', () => {
    expect(abiProblem('qautlra-fake-md v6.3.15', '6.3.15')).toBeUndefined();
    expect(abiProblem('v6.7.8_20240918 14:34:34.8082', '6.5.1')).toBeUndefined();
    expect(abiProblem('v6.3.19_P1_20200106 15:20:56.4003')).toMatch(/6\.3\.16–6\.3\.19/);
    expect(abiProblem('v6.3.19_P1_20200106 15:20:56.4003', '6.5.1')).toMatch(/misread/);
    expect(abiProblem('v6.8.1_20270101 10:00:00', '6.5.1')).toMatch(/reports "v6\.8\.1.*not known/);
    expect(abiProblem('v5.2.0', '6.3.15')).toMatch(/not known/);
    expect(abiProblem('v6.6.7_20220613 14:52:04.1708', '6.3.15')).toMatch(
      /has the 6\.5\.1 layout.*set to 6\.3\.15/,
    );
    expect(abiProblem('openctp-sina v6.3.15', '6.5.1')).toMatch(
      /has the 6\.3\.15 layout.*set to 6\.5\.1/,
    );
  });
});
