import {
  beijingToEpochMs,
  CHINA_TRADE_CALENDAR,
  isSessionOpen,
  toCompactDate,
  toIsoDate,
} from '@qautlra/calendar';
import type { BarFrequency, MarketBar, MarketTick } from '@qautlra/execution';
import { MDSnapshot, productOf } from '@qautlra/qamd';
import { SimMarket, SimInstrument, simInstrumentFor, simTradingDay } from '@qautlra/sim';
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

function tickOf(snapshot: MDSnapshot, tradingDay: string, at: number): MarketTick {
  const row = snapshot as unknown as Record<string, number>;
  return {
    instrument: snapshot.instrument_id,
    datetimeMs: at,
    tradingDay,
    lastPrice: row.last_price!,
    bidPrice: row.bid_price1 ?? 0,
    bidVolume: row.bid_volume1 ?? 0,
    askPrice: row.ask_price1 ?? 0,
    askVolume: row.ask_volume1 ?? 0,
    volume: row.volume!,
    ...(row.upper_limit ? { upperLimit: row.upper_limit } : {}),
    ...(row.lower_limit ? { lowerLimit: row.lower_limit } : {}),
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
  let minute = NaN;
  let open: boolean[] = [];
  let tradingDay = '';
  let compact = '';
  for (let at = start; at <= end; at += stepMs) {
    if (Math.floor(at / 60_000) !== minute) {
      minute = Math.floor(at / 60_000);
      open = instruments.map((instrument, i) =>
        isSessionOpen(instrument.exchange, products[i]!, at),
      );
      tradingDay = open.some(Boolean) ? simTradingDay(at) : '';
      compact = tradingDay ? toCompactDate(tradingDay) : '';
    }
    if (!tradingDay || tradingDay < from || tradingDay > to) continue;
    for (let i = 0; i < instruments.length; i += 1) {
      if (!open[i]) continue;
      const snapshot = markets[i]!.tick(instruments[i]!.id, at);
      if (snapshot) yield tickOf(snapshot, compact, at);
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
