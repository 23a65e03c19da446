import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first defined value', async () => {
    let calls = 0;
    await expect(
      waitFor(() => (++calls >= 3 ? calls : undefined), { intervalMs: 1 }),
    ).resolves.toBe(3);
  });

  it('keeps polling while the probe says false or null', async () => {
    let calls = 0;
    await expect(
      waitFor(() => (++calls >= 3 ? 'done' : calls === 1 ? false : null), { intervalMs: 1 }),
    ).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('times out naming what it waited for and the last error', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 20, intervalMs: 5, what: 'the gateway' },
      ),
    ).rejects.toThrow('timed out waiting for the gateway: not yet');
  });
});
