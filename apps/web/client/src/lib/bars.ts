/** Candles: the tsdb's history joined with live ticks on the same period grid. */

export const PERIODS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '1d': 86400 } as const;
export type Period = keyof typeof PERIODS;

export interface Bar {
  /** Epoch seconds of the bar's start (lightweight-charts' UTCTimestamp). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A row of the tsdb's `GET /api/v1/bars`. */
export interface TsdbBar {
  datetime: string;
  trading_day?: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
}

export function fromTsdb(rows: readonly TsdbBar[]): Bar[] {
  return rows
    .map((row) => ({
      time: Math.floor(Date.parse(row.datetime) / 1000),
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: Math.max(0, row.volume ?? 0),
    }))
    .filter((bar) => Number.isFinite(bar.time))
    .sort((a, b) => a.time - b.time);
}

/** Beijing time is UTC+8 all year. */
const BEIJING = 8 * 3600;

/**
 * The start of the bar a tick at `seconds` falls in. Intraday periods start on multiples of the
 * period since the epoch (as the tsdb's bars); a daily bar starts at 00:00 Beijing time of the
 * tick's date.
 */
export function barStart(seconds: number, period: Period): number {
  if (period === '1d') return Math.floor((seconds + BEIJING) / 86400) * 86400 - BEIJING;
  const size = PERIODS[period];
  return Math.floor(seconds / size) * size;
}

/**
 * Folds live ticks into bars. `cumulative` is the trading day's cumulative volume of each tick:
 * a bar's volume is the rise since the previous tick (after a fall — a new trading day — the
 * cumulative itself).
 */
export class BarBuilder {
  private lastCumulative?: number;

  constructor(
    readonly period: Period,
    public bars: Bar[] = [],
  ) {}

  /** Applies a tick; returns the bar it changed or opened (`undefined` for an older tick). */
  add(timeMs: number, price: number, cumulative: number): Bar | undefined {
    const seconds = Math.floor(timeMs / 1000);
    const start = barStart(seconds, this.period);
    const last = this.bars.at(-1);
    if (last && start < last.time) return undefined;
    // The first tick has no previous one; a fall of the cumulative volume is a new trading day.
    const previous = this.lastCumulative;
    const delta =
      previous === undefined ? 0 : cumulative < previous ? cumulative : cumulative - previous;
    this.lastCumulative = cumulative;
    if (last && start === last.time) {
      last.high = Math.max(last.high, price);
      last.low = Math.min(last.low, price);
      last.close = price;
      last.volume += delta;
      return last;
    }
    const bar = { time: start, open: price, high: price, low: price, close: price, volume: delta };
    this.bars.push(bar);
    return bar;
  }
}
