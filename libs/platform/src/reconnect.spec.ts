import { Reconnector } from './reconnect';

describe('Reconnector', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('connects at once, then after doubling delays capped; a success starts over', () => {
    let connects = 0;
    const loop = new Reconnector(() => (connects += 1), { baseMs: 100, capMs: 300 });
    loop.start();
    expect(connects).toBe(1);
    expect([loop.failed()]).toEqual([100]);
    jest.advanceTimersByTime(99);
    expect(connects).toBe(1);
    jest.advanceTimersByTime(1);
    expect(connects).toBe(2);
    expect([loop.failed(), loop.attempts]).toEqual([200, 2]);
    jest.advanceTimersByTime(200);
    expect([loop.failed(), loop.failed()]).toEqual([300, 300]);
    jest.advanceTimersByTime(300);
    expect(connects).toBe(4);
    loop.succeeded();
    expect(loop.failed()).toBe(100);
  });

  it('after stop nothing is scheduled and a pending attempt does not run', () => {
    let connects = 0;
    const loop = new Reconnector(() => (connects += 1), { baseMs: 100 });
    loop.start();
    loop.failed();
    loop.stop();
    jest.advanceTimersByTime(1_000);
    expect(connects).toBe(1);
    expect(loop.failed()).toBe(0);
    expect(loop.stopped).toBe(true);
  });
});
