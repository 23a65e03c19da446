import { RiskLimits } from './risk-limits';
import { RISK_RULE_CODES, RiskVerdict } from './pre-trade-check';

export type RateKind = 'order' | 'cancel';

/**
 * Order and cancel counts of one account: per rolling second and per trading day. Time comes in as
 * an argument (epoch ms), the trading day as a string; a new trading day starts new daily counts.
 */
export class OrderRateLimiter {
  private readonly recent: Record<RateKind, number[]> = { order: [], cancel: [] };
  private readonly daily: Record<RateKind, number> = { order: 0, cancel: 0 };
  private day = '';

  /** Whether one more `kind` is allowed at `nowMs` on `tradingDay` (nothing is recorded). */
  check(kind: RateKind, nowMs: number, tradingDay: string, limits: RiskLimits): RiskVerdict {
    this.roll(nowMs, tradingDay);
    const perSecond = kind === 'order' ? limits.maxOrdersPerSecond : limits.maxCancelsPerSecond;
    const perDay = kind === 'order' ? limits.maxOrdersPerDay : limits.maxCancelsPerDay;
    if (this.recent[kind].length >= perSecond) {
      const rule = kind === 'order' ? 'ORDER_RATE' : 'CANCEL_RATE';
      return {
        ok: false,
        rule,
        code: RISK_RULE_CODES[rule],
        message: `more than ${perSecond} ${kind}s in one second`,
      };
    }
    if (this.daily[kind] >= perDay) {
      const rule = kind === 'order' ? 'DAILY_ORDER_CAP' : 'DAILY_CANCEL_CAP';
      return {
        ok: false,
        rule,
        code: RISK_RULE_CODES[rule],
        message: `the daily cap of ${perDay} ${kind}s is reached`,
      };
    }
    return { ok: true };
  }

  /** Counts one `kind` at `nowMs`. */
  record(kind: RateKind, nowMs: number, tradingDay: string): void {
    this.roll(nowMs, tradingDay);
    this.recent[kind].push(nowMs);
    this.daily[kind] += 1;
  }

  /** Counts so far today (for status pages). */
  counts(): Readonly<Record<RateKind, number>> {
    return { ...this.daily };
  }

  private roll(nowMs: number, tradingDay: string): void {
    if (tradingDay !== this.day) {
      this.day = tradingDay;
      this.daily.order = 0;
      this.daily.cancel = 0;
    }
    for (const kind of ['order', 'cancel'] as const) {
      const times = this.recent[kind];
      let drop = 0;
      while (drop < times.length && (times[drop] as number) <= nowMs - 1000) drop += 1;
      if (drop > 0) times.splice(0, drop);
    }
  }
}
