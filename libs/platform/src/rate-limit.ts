/**
 * Fixed-window request counters per key (a user, an IP): at most `limit` hits per `windowMs`.
 * Keys idle for a window are forgotten on the next sweep, so memory follows the active keys.
 */
export class WindowRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts a hit for `key`; false when the key is over its limit in the current window. */
  hit(key: string, nowMs: number): boolean {
    if (nowMs - this.lastSweep > this.windowMs) this.sweep(nowMs);
    let window = this.windows.get(key);
    if (!window || nowMs - window.start >= this.windowMs) {
      window = { start: nowMs, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count <= this.limit;
  }

  /** Whether `key` used up its hits in the current window (without counting one). */
  exhausted(key: string, nowMs: number): boolean {
    const window = this.windows.get(key);
    return (
      window !== undefined && nowMs - window.start < this.windowMs && window.count >= this.limit
    );
  }

  /** Ms until `key` may try again (0 when it may now). */
  retryAfterMs(key: string, nowMs: number): number {
    const window = this.windows.get(key);
    if (!window || window.count <= this.limit) return 0;
    return Math.max(0, window.start + this.windowMs - nowMs);
  }

  private sweep(nowMs: number): void {
    this.lastSweep = nowMs;
    for (const [key, window] of this.windows)
      if (nowMs - window.start >= this.windowMs) this.windows.delete(key);
  }
}
