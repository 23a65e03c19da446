import type { BarFrequency, MarketBar, MarketTick } from '@qautlra/execution';

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The length of a minute-based bar period, ms (undefined for daily bars). */
export function periodMs(frequency: BarFrequency): number | undefined {
  switch (frequency) {
    case '1m':
      return 60_000;
    case '5m':
      return 300_000;
    case '15m':
      return 900_000;
    case '30m':
      return 1_800_000;
    case '1h':
      return 3_600_000;
    case '1d':
      return undefined;
  }
}

/** Start of the period holding `atMs`, on the Beijing clock (periods divide a day). */
export function periodStart(atMs: number, period: number): number {
  const local = atMs + BEIJING_OFFSET_MS;
  return atMs - (((local % period) + period) % period);
}

/**
 * Gathers ticks of several instruments into bars of one frequency. A bar is given once the clock
 * (the latest tick of any instrument) passes its period's end — a daily bar once a tick of a later
 * trading day arrives — so bars come out in time order across instruments. Volume and amount per
 * bar come from the day's cumulative volume (a drop means a new day: counted from zero).
 */
export class BarBuilder {
  private readonly period: number | undefined;
  private readonly forming = new Map<string, MarketBar>();
  private readonly cumulative = new Map<string, { day: string; volume: number }>();

  constructor(readonly frequency: BarFrequency) {
    this.period = periodMs(frequency);
  }

  /** Takes a tick; returns the bars it closed (of every instrument), oldest first. */
  push(tick: MarketTick): MarketBar[] {
    const closed = this.closeBefore(tick);
    const traded = this.traded(tick);
    const current = this.forming.get(tick.instrument);
    if (current) {
      const bar = current;
      bar.high = Math.max(bar.high, tick.lastPrice);
      bar.low = Math.min(bar.low, tick.lastPrice);
      bar.close = tick.lastPrice;
      bar.volume += traded;
      if (this.period === undefined) bar.endMs = tick.datetimeMs + 1;
      if (tick.upperLimit !== undefined) bar.upperLimit = tick.upperLimit;
      if (tick.lowerLimit !== undefined) bar.lowerLimit = tick.lowerLimit;
    } else {
      const start =
        this.period === undefined ? tick.datetimeMs : periodStart(tick.datetimeMs, this.period);
      this.forming.set(tick.instrument, {
        instrument: tick.instrument,
        frequency: this.frequency,
        startMs: start,
        endMs: this.period === undefined ? tick.datetimeMs + 1 : start + this.period,
        tradingDay: tick.tradingDay,
        open: tick.lastPrice,
        high: tick.lastPrice,
        low: tick.lastPrice,
        close: tick.lastPrice,
        volume: traded,
        ...(tick.upperLimit !== undefined ? { upperLimit: tick.upperLimit } : {}),
        ...(tick.lowerLimit !== undefined ? { lowerLimit: tick.lowerLimit } : {}),
      });
    }
    return closed;
  }

  /** The bar of `instrument` still forming (undefined before its first tick or after it closed). */
  current(instrument: string): Readonly<MarketBar> | undefined {
    return this.forming.get(instrument);
  }

  /** The bars still forming (end of data), oldest first. */
  flush(): MarketBar[] {
    const bars = [...this.forming.values()];
    this.forming.clear();
    return bars.sort((a, b) => a.endMs - b.endMs);
  }

  private closeBefore(tick: MarketTick): MarketBar[] {
    const closed: MarketBar[] = [];
    for (const [instrument, bar] of this.forming) {
      const done =
        this.period === undefined
          ? tick.tradingDay !== bar.tradingDay
          : tick.datetimeMs >= bar.endMs || tick.tradingDay !== bar.tradingDay;
      if (done) {
        closed.push(bar);
        this.forming.delete(instrument);
      }
    }
    return closed.length > 1 ? closed.sort((a, b) => a.endMs - b.endMs) : closed;
  }

  private traded(tick: MarketTick): number {
    const before = this.cumulative.get(tick.instrument);
    this.cumulative.set(tick.instrument, { day: tick.tradingDay, volume: tick.volume });
    if (!before || before.day !== tick.tradingDay || tick.volume < before.volume)
      return tick.volume;
    return tick.volume - before.volume;
  }
}
