import { WindowRateLimit } from './rate-limit';

describe('WindowRateLimit', () => {
  it('allows `limit` hits per key per window, then refuses until the window ends', () => {
    const limit = new WindowRateLimit(2, 1_000);
    expect([limit.hit('a', 0), limit.hit('a', 10), limit.hit('a', 20)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(limit.hit('b', 20)).toBe(true);
    expect(limit.exhausted('a', 30)).toBe(true);
    expect(limit.retryAfterMs('a', 30)).toBe(970);
    expect(limit.hit('a', 1_000)).toBe(true);
    expect(limit.exhausted('a', 1_001)).toBe(false);
  });
});
