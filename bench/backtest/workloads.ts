import { CHINA_TRADE_CALENDAR, toCompactDate } from '@qautlra/calendar';
import { defineStrategy, MarketBar } from '@qautlra/execution';
import { MovingAverage } from '@qautlra/indicators';
import { seededRandom } from '@qautlra/sim';

/** Trading days of the calendar, oldest first, as many as asked (from its start). */
export function tradingDays(count: number, from = '2005-01-04'): string[] {
  const days: string[] = [];
  let day = CHINA_TRADE_CALENDAR.realTradeDate(from);
  while (days.length < count) {
    days.push(toCompactDate(day));
    day = CHINA_TRADE_CALENDAR.nextTradeDate(day);
  }
  return days;
}

/**
 * `count` one-minute bars of one futures contract: a seeded random walk on the tick grid, 225 bars
 * per trading day (09:00–11:30, 13:30–15:00 … as minute stamps), deterministic.
 */
export function minuteBars(count: number, instrument = 'SHFE.rb2705'): MarketBar[] {
  const perDay = 225;
  const days = tradingDays(Math.ceil(count / perDay));
  const random = seededRandom(7);
  const bars: MarketBar[] = new Array<MarketBar>(count);
  let price = 3500;
  for (let i = 0; i < count; i += 1) {
    const day = days[Math.floor(i / perDay)]!;
    const dayStart = Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6, 8), 1, 0);
    const startMs = dayStart + (i % perDay) * 60_000;
    const open = price;
    let high = open;
    let low = open;
    for (let step = 0; step < 4; step += 1) {
      price = Math.max(1000, price + Math.round((random() - 0.5) * 6));
      high = Math.max(high, price);
      low = Math.min(low, price);
    }
    bars[i] = {
      instrument,
      frequency: '1m',
      startMs,
      endMs: startMs + 60_000,
      tradingDay: day,
      open,
      high,
      low,
      close: price,
      volume: 100 + Math.floor(random() * 900),
    };
  }
  return bars;
}

/** The close column of bars. */
export const closes = (bars: readonly MarketBar[]) => Float64Array.from(bars, (bar) => bar.close);

export const MA_FAST = 10;
export const MA_SLOW = 30;

/** (a)'s strategy: one lot long above, short below, as the example ma-cross does. */
export const maCross = defineStrategy<{ fast: number; slow: number }>({
  name: 'bench-ma-cross',
  parameters: { fast: { default: MA_FAST }, slow: { default: MA_SLOW } },
  create: ({ fast, slow }) => {
    const quick = new MovingAverage(fast);
    const steady = new MovingAverage(slow);
    let held = 0;
    return {
      onBar(bar, context) {
        const f = quick.update(bar.close);
        const s = steady.update(bar.close);
        if (Number.isNaN(s)) return;
        const target = f > s ? 1 : f < s ? -1 : held;
        if (target !== held) {
          context.targetPosition(bar.instrument, target);
          held = target;
        }
      },
    };
  },
});

/**
 * The floor of (a): the same signal (running-sum MAs) and position arithmetic (fills at the next
 * bar's open, PnL marked at each close, commission per lot) in a bare loop over Float64Array.
 */
export function bareLoop(
  open: Float64Array,
  close: Float64Array,
  multiplier: number,
  commissionPerLot: number,
): { equity: number; trades: number } {
  let fastSum = 0;
  let slowSum = 0;
  let position = 0;
  let wanted = 0;
  let cash = 0;
  let trades = 0;
  let equity = 0;
  for (let i = 0; i < close.length; i += 1) {
    if (wanted !== position) {
      const lots = Math.abs(wanted - position);
      cash -= (wanted - position) * open[i]! * multiplier + lots * commissionPerLot;
      trades += wanted * position < 0 ? 2 : 1;
      position = wanted;
    }
    const price = close[i]!;
    fastSum += price - (i >= MA_FAST ? close[i - MA_FAST]! : 0);
    slowSum += price - (i >= MA_SLOW ? close[i - MA_SLOW]! : 0);
    equity = cash + position * price * multiplier;
    if (i >= MA_SLOW - 1) {
      const f = fastSum / MA_FAST;
      const s = slowSum / MA_SLOW;
      wanted = f > s ? 1 : f < s ? -1 : wanted;
    }
  }
  return { equity, trades };
}
