import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 6, 7, 100].map((n) => backoffDelay(n))).toEqual([
      0, 1_000, 2_000, 4_000, 30_000, 30_000, 30_000,
    ]);
    expect([1, 2, 5, 6].map((n) => backoffDelay(n, 200, 5_000))).toEqual([200, 400, 3_200, 5_000]);
  });
});
