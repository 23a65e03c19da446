import {
  beijingToEpochMs,
  CHINA_TRADE_CALENDAR,
  daySessions,
  isSessionOpen,
  nightSession,
  toCompactDate,
  toIsoDate,
} from '@qautlra/calendar';
import type { BarFrequency, MarketBar, MarketTick } from '@qautlra/execution';
import { productOf } from '@qautlra/qamd';
import { SimInstrument, simInstrumentFor, SimMarket, SimQuote, simTradingDay } from '@qautlra/sim';
import { BarBuilder } from './bar-builder';

export interface SimDataOptions {
  /** `EXCHANGE.code` ids. */
  instruments: readonly string[];
  /** First and last trading day (`YYYY-MM-DD` or `YYYYMMDD`), inclusive. */
  from: string;
  to: string;
  /** Seed of the generator: the same seed, dates and instrument give the same prices. */
  seed?: number;
  /** Ticks every this many ms while a session is open (default 500 for ticks, 15,000 for bars). */
  stepMs?: number;
}

/** A 32-bit seed per instrument, so an instrument's prices do not depend on the others in a run. */
function instrumentSeed(seed: number, id: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function simInstruments(ids: readonly string[]): SimInstrument[] {
  return ids.map((id) => {
    const instrument = simInstrumentFor(id);
    if (!instrument)
      throw new RangeError(`the sim has no instrument ${id} (a futures product or an A-share)`);
    return instrument;
  });
}

function tickOf(quote: SimQuote, tradingDay: string, at: number): MarketTick {
  return {
    instrument: quote.instrument.id,
    datetimeMs: at,
    tradingDay,
    lastPrice: quote.state.last,
    bidPrice: quote.bidPrice[0]!,
    bidVolume: quote.bidVolume[0]!,
    askPrice: quote.askPrice[0]!,
    askVolume: quote.askVolume[0]!,
    volume: quote.state.volume,
    ...(quote.upper > 0 ? { upperLimit: quote.upper } : {}),
    ...(quote.lower > 0 ? { lowerLimit: quote.lower } : {}),
  };
}

/**
 * The sim market's ticks over a range of trading days: the live sim's generator (a seeded random
 * walk on the tick grid inside the daily limits), one per instrument, ticking every `stepMs` while
 * its exchange's sessions are open (night sessions included), in time order. Deterministic.
 */
export function* simTicks(options: SimDataOptions): Generator<MarketTick> {
  const instruments = simInstruments(options.instruments);
  const from = toIsoDate(options.from);
  const to = toIsoDate(options.to);
  if (from > to) throw new RangeError(`from ${from} is after to ${to}`);
  const seed = options.seed ?? 20250328;
  const stepMs = options.stepMs ?? 500;
  if (!(stepMs >= 100)) throw new RangeError(`stepMs must be at least 100, got ${stepMs}`);
  const markets = instruments.map(
    (instrument) => new SimMarket([instrument], instrumentSeed(seed, instrument.id)),
  );
  const products = instruments.map((instrument) =>
    instrument.kind === 'future' ? productOf(instrument.code) : instrument.kind.toUpperCase(),
  );
  // From the evening before `from` (its night session belongs to `from`) to the end of `to`.
  let previous: string;
  try {
    previous = CHINA_TRADE_CALENDAR.previousTradeDate(from);
  } catch {
    throw new RangeError(`${from} is outside the trade calendar`);
  }
  const start = beijingToEpochMs(previous, '20:00:00');
  const end = beijingToEpochMs(to, '16:00:00');
  // Sessions open and close only at their window edges (and dates change at midnight): the
  // calendar is asked again only on those minutes of the (Beijing) day.
  const edges = new Set<number>([0]);
  const minuteOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  instruments.forEach((instrument, i) => {
    const windows = [...daySessions(instrument.exchange, products[i]!)];
    const night = nightSession(instrument.exchange, products[i]!);
    if (night) windows.push(night);
    for (const [from, to] of windows) {
      edges.add(minuteOfDay(from));
      edges.add(minuteOfDay(to));
    }
  });
  let minute = NaN;
  let open: boolean[] = [];
  let tradingDay = '';
  let compact = '';
  for (let at = start; at <= end; at += stepMs) {
    const now = Math.floor(at / 60_000);
    if (now !== minute) {
      const first = Number.isNaN(minute);
      minute = now;
      if (first || edges.has((now + 8 * 60) % 1440)) {
        open = instruments.map((instrument, i) =>
          isSessionOpen(instrument.exchange, products[i]!, at),
        );
        tradingDay = open.some(Boolean) ? simTradingDay(at) : '';
        compact = tradingDay ? toCompactDate(tradingDay) : '';
      }
    }
    if (!tradingDay || tradingDay < from || tradingDay > to) continue;
    for (let i = 0; i < instruments.length; i += 1) {
      if (!open[i]) continue;
      const quote = markets[i]!.advance(instruments[i]!.id, at);
      if (quote) yield tickOf(quote, compact, at);
    }
  }
}

/**
 * The sim market's bars over a range of trading days: its ticks (every 15 s by default) gathered
 * into bars of `frequency` (minute bars on the Beijing clock, daily bars per trading day), each
 * bar given when its period ends, in time order.
 */
export function* simBars(
  options: SimDataOptions & { frequency: BarFrequency },
): Generator<MarketBar> {
  const builder = new BarBuilder(options.frequency);
  for (const tick of simTicks({ ...options, stepMs: options.stepMs ?? 15_000 }))
    yield* builder.push(tick);
  yield* builder.flush();
}
