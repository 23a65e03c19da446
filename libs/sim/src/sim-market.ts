import { epochMsToBeijing, futuresTradingDay } from '@qautlra/calendar';
import { epochMsToDatetime, FUTURES_PRESETS, MDSnapshot, productOf } from '@qautlra/qamd';
import type { InstrumentInfo } from '@qautlra/qamd';

/** A simulated instrument: static facts plus the reference prices the day starts from. */
export interface SimInstrument {
  id: string;
  exchange: string;
  code: string;
  name: string;
  kind: 'future' | 'stock' | 'etf' | 'index';
  priceTick: number;
  volumeMultiple: number;
  /** Yesterday's settlement (futures) or close (stocks): the day's reference price. */
  reference: number;
  /** Daily price limit as a fraction of the reference (0 = none, e.g. indices). */
  limitRatio: number;
  /**
   * A continuous main-contract alias (`SHFE.rb888`, QUANTAXIS's naming) names the contract it
   * follows: the alias's quotes are that contract's, under the alias's id. Examples and scripts
   * that name an alias do not go stale when the contracts roll.
   */
  aliasOf?: string;
}

/** The most lots (futures; stocks: hundreds of shares) one tick trades. */
export const MAX_LOTS_PER_TICK = 20;

/** Deterministic PRNG (mulberry32): the same seed gives the same market. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `price` rounded to the tick grid (and to 1e-6, to drop binary noise such as 0.1 + 0.2). */
const onTick = (price: number, tick: number) =>
  Math.round(Math.round(price / tick) * tick * 1e6) / 1e6;

const LEVEL_KEYS = [1, 2, 3, 4, 5].map((level) => ({
  askPrice: `ask_price${level}`,
  askVolume: `ask_volume${level}`,
  bidPrice: `bid_price${level}`,
  bidVolume: `bid_volume${level}`,
}));

const FUTURES: [string, string, number][] = [
  ['SHFE', 'au', 620],
  ['SHFE', 'ag', 7800],
  ['SHFE', 'cu', 78000],
  ['SHFE', 'al', 20500],
  ['SHFE', 'zn', 23500],
  ['SHFE', 'ni', 125000],
  ['SHFE', 'rb', 3300],
  ['SHFE', 'hc', 3450],
  ['SHFE', 'ru', 15500],
  ['SHFE', 'fu', 3100],
  ['SHFE', 'bu', 3500],
  ['SHFE', 'sp', 5800],
  ['INE', 'sc', 520],
  ['INE', 'lu', 3900],
  ['DCE', 'm', 2900],
  ['DCE', 'y', 7800],
  ['DCE', 'p', 8600],
  ['DCE', 'i', 780],
  ['DCE', 'j', 1900],
  ['DCE', 'jm', 1200],
  ['DCE', 'c', 2250],
  ['DCE', 'pp', 7300],
  ['DCE', 'v', 5200],
  ['DCE', 'eg', 4500],
  ['CZCE', 'SR', 5900],
  ['CZCE', 'CF', 13800],
  ['CZCE', 'TA', 4900],
  ['CZCE', 'MA', 2500],
  ['CZCE', 'FG', 1300],
  ['CZCE', 'SA', 1500],
  ['CZCE', 'OI', 9100],
  ['CZCE', 'RM', 2500],
  ['CZCE', 'AP', 7600],
  ['CFFEX', 'IF', 3900],
  ['CFFEX', 'IH', 2700],
  ['CFFEX', 'IC', 5800],
  ['CFFEX', 'IM', 6200],
  ['CFFEX', 'T', 108],
  ['GFEX', 'si', 11500],
  ['GFEX', 'lc', 75000],
];

const STOCKS: [string, string, string, SimInstrument['kind'], number][] = [
  ['SSE', '600000', '浦发银行', 'stock', 10.2],
  ['SSE', '600036', '招商银行', 'stock', 42.5],
  ['SSE', '600519', '贵州茅台', 'stock', 1520],
  ['SSE', '601318', '中国平安', 'stock', 52.3],
  ['SSE', '601398', '工商银行', 'stock', 7.1],
  ['SSE', '600900', '长江电力', 'stock', 28.6],
  ['SSE', '601012', '隆基绿能', 'stock', 18.4],
  ['SSE', '600276', '恒瑞医药', 'stock', 55.2],
  ['SSE', '688981', '中芯国际', 'stock', 88.5],
  ['SSE', '688111', '金山办公', 'stock', 290],
  ['SZSE', '000001', '平安银行', 'stock', 11.6],
  ['SZSE', '000002', '万科A', 'stock', 7.9],
  ['SZSE', '000333', '美的集团', 'stock', 76.4],
  ['SZSE', '000858', '五粮液', 'stock', 128],
  ['SZSE', '002594', '比亚迪', 'stock', 330],
  ['SZSE', '300750', '宁德时代', 'stock', 260],
  ['SZSE', '300059', '东方财富', 'stock', 24.1],
  ['SZSE', '002415', '海康威视', 'stock', 30.2],
  ['SZSE', '000725', '京东方A', 'stock', 4.3],
  ['SZSE', '300015', '爱尔眼科', 'stock', 13.5],
  ['SSE', '601857', '中国石油', 'stock', 8.6],
  ['SSE', '600030', '中信证券', 'stock', 27.8],
  ['SSE', '601899', '紫金矿业', 'stock', 17.9],
  ['SSE', '600309', '万华化学', 'stock', 72.4],
  ['SZSE', '000568', '泸州老窖', 'stock', 128.5],
  ['SZSE', '002475', '立讯精密', 'stock', 38.6],
  ['SZSE', '000651', '格力电器', 'stock', 44.2],
  ['SZSE', '300124', '汇川技术', 'stock', 62.3],
  ['SSE', '510050', '上证50ETF', 'etf', 2.85],
  ['SSE', '510300', '沪深300ETF', 'etf', 4.05],
  ['SSE', '510500', '中证500ETF', 'etf', 6.1],
  ['SSE', '588000', '科创50ETF', 'etf', 1.05],
  ['SZSE', '159915', '创业板ETF', 'etf', 2.3],
  ['SZSE', '159919', '沪深300ETF', 'etf', 4.1],
  ['SSE', '000001', '上证指数', 'index', 3350],
  ['SSE', '000300', '沪深300', 'index', 3950],
  ['SSE', '000016', '上证50', 'index', 2720],
  ['SSE', '000905', '中证500', 'index', 5850],
  ['SZSE', '399001', '深证成指', 'index', 10500],
  ['SZSE', '399006', '创业板指', 'index', 2150],
];

/** Contract month `yymm` two months after `now` (a liquid contract for most products). */
function contractMonth(now: Date): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
  return `${String(date.getUTCFullYear()).slice(2)}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A sim future: its product's presets (tick, multiplier, name) and reference price. */
function futureInstrument(
  exchange: string,
  product: string,
  code: string,
  reference: number,
): SimInstrument {
  const preset = FUTURES_PRESETS.get(product.toUpperCase());
  return {
    id: `${exchange}.${code}`,
    exchange,
    code,
    name: preset?.name ?? product.toUpperCase(),
    kind: 'future',
    priceTick: preset?.price_tick ?? (exchange === 'GFEX' ? 5 : 1),
    volumeMultiple: preset?.unit_table ?? (product === 'lc' ? 1 : 5),
    reference,
    limitRatio: exchange === 'CFFEX' ? 0.1 : 0.07,
  };
}

/** A sim stock, ETF or index (limits 20 % on ChiNext and STAR, 10 % else, none for an index). */
function stockInstrument(
  exchange: string,
  code: string,
  name: string,
  kind: SimInstrument['kind'],
  reference: number,
): SimInstrument {
  return {
    id: `${exchange}.${code}`,
    exchange,
    code,
    name,
    kind,
    priceTick: kind === 'etf' ? 0.001 : 0.01,
    volumeMultiple: 1,
    reference,
    limitRatio: kind === 'index' ? 0 : code.startsWith('688') || code.startsWith('300') ? 0.2 : 0.1,
  };
}

/** The default universe: ~40 futures across the six exchanges and ~30 A-shares, ETFs and indices. */
export function defaultUniverse(now: Date): SimInstrument[] {
  const month = contractMonth(now);
  const futures = FUTURES.map(([exchange, product, reference]) =>
    futureInstrument(
      exchange,
      product,
      exchange === 'CZCE' ? `${product}${month.slice(1)}` : `${product}${month}`,
      reference,
    ),
  );
  const stocks = STOCKS.map(([exchange, code, name, kind, reference]) =>
    stockInstrument(exchange, code, name, kind, reference),
  );
  const aliases = futures.map((future): SimInstrument => ({
    ...future,
    id: `${future.exchange}.${future.code.replace(/\d+$/, '')}888`,
    code: `${future.code.replace(/\d+$/, '')}888`,
    name: `${future.name} 主连`,
    aliasOf: future.id,
  }));
  return [...futures, ...stocks, ...aliases];
}

/**
 * A sim instrument for any id (`SHFE.rb2705`, `SSE.600000`, `SHFE.rb888`), for backtests over any
 * dates: futures take their product's reference price and presets, listed stocks, ETFs and indices
 * theirs, other A-shares a price of 10. Undefined for an id that names no known product or stock
 * exchange.
 */
export function simInstrumentFor(id: string): SimInstrument | undefined {
  const dot = id.indexOf('.');
  if (dot <= 0) return undefined;
  const exchange = id.slice(0, dot).toUpperCase();
  const code = id.slice(dot + 1);
  const listed = STOCKS.find(([e, c]) => e === exchange && c === code);
  if (listed) return stockInstrument(...listed);
  if ((exchange === 'SSE' || exchange === 'SZSE') && /^\d{6}$/.test(code))
    return stockInstrument(exchange, code, code, 'stock', 10);
  const product = productOf(code);
  const future = FUTURES.find(([e, p]) => e === exchange && p.toUpperCase() === product);
  return future ? futureInstrument(exchange, future[1], code, future[2]) : undefined;
}

/** The sim's universe for a config: `size` instruments when given, else the default one. */
export function simUniverse(now: Date, size?: number): SimInstrument[] {
  return size ? sizedUniverse(now, size) : defaultUniverse(now);
}

/**
 * The default universe grown to `size` instruments with synthetic SSE stocks (`SSE.601000`, …,
 * named `SIM601000`), for load tests; smaller sizes take the first `size` default instruments.
 */
export function sizedUniverse(now: Date, size: number): SimInstrument[] {
  const base = defaultUniverse(now);
  if (size <= base.length) return base.slice(0, size);
  const taken = new Set(base.map((instrument) => instrument.id));
  const out = [...base];
  for (let code = 601000; out.length < size && code <= 609999; code += 1) {
    const id = `SSE.${code}`;
    if (taken.has(id)) continue;
    out.push({
      id,
      exchange: 'SSE',
      code: String(code),
      name: `SIM${code}`,
      kind: 'stock',
      priceTick: 0.01,
      volumeMultiple: 1,
      reference: 5 + ((code * 7919) % 9500) / 100,
      limitRatio: 0.1,
    });
  }
  return out;
}

/** One instrument's state within its trading day. */
export interface DayState {
  /** The trading day (`YYYY-MM-DD`, the futures rule: the night session belongs to the next day). */
  tradingDay: string;
  /** The day's reference price: the previous day's close (the first day: the instrument's). */
  reference: number;
  last: number;
  open: number;
  highest: number;
  lowest: number;
  volume: number;
  amount: number;
  openInterest: number;
  preOpenInterest: number;
}

/** What the sim needs to resume where it stopped: each instrument's day state, and the time. */
export interface SimCheckpoint {
  savedAtMs: number;
  states: Record<string, DayState>;
}

/** The trading day of a tick at `epochMs` (the same rule the tsdb partitions market data by). */
export function simTradingDay(epochMs: number): string {
  try {
    return futuresTradingDay(epochMs);
  } catch {
    return epochMsToBeijing(epochMs).date;
  }
}

/**
 * A seeded random-walk market: prices move on the tick grid inside the daily limits, with
 * cumulative volume, amount and open interest and a 5-level book around the last price.
 */
export class SimMarket {
  private readonly random: () => number;
  private readonly states = new Map<string, DayState>();
  private readonly byId: Map<string, SimInstrument>;
  /** The last formatted tick time: every instrument ticked in one slice shares it. */
  private datetimeMs = NaN;
  private datetimeText = '';
  private dayMinute = NaN;
  private minuteTradingDay = '';

  constructor(
    readonly universe: readonly SimInstrument[],
    seed = 20250328,
  ) {
    this.random = seededRandom(seed);
    this.byId = new Map(universe.map((instrument) => [instrument.id, instrument]));
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Daily limits around the day's reference price (the instrument's before its first tick). */
  limits(instrument: SimInstrument): { upper: number; lower: number } {
    if (instrument.limitRatio === 0) return { upper: 0, lower: 0 };
    const reference =
      this.states.get(instrument.aliasOf ?? instrument.id)?.reference ?? instrument.reference;
    return {
      upper: onTick(reference * (1 + instrument.limitRatio), instrument.priceTick),
      lower: onTick(reference * (1 - instrument.limitRatio), instrument.priceTick),
    };
  }

  /** Every instrument's state now (to resume from after a restart). */
  checkpoint(nowMs: number): SimCheckpoint {
    return {
      savedAtMs: nowMs,
      states: Object.fromEntries([...this.states].map(([id, state]) => [id, { ...state }])),
    };
  }

  /**
   * Resumes from a checkpoint: prices, the day's totals and open interest go on from there. After
   * an unclean stop the last second or so after the checkpoint was published but not saved, so
   * `volumeGap` lots are added: the cumulative volume a client saw never goes back.
   */
  restore(checkpoint: SimCheckpoint, volumeGap = 0): number {
    let restored = 0;
    for (const [id, saved] of Object.entries(checkpoint.states)) {
      const instrument = this.byId.get(id);
      if (!instrument || !isDayState(saved)) continue;
      const state = { ...saved };
      if (volumeGap > 0) {
        const lots = instrument.kind === 'future' ? volumeGap : volumeGap * 100;
        state.volume += lots;
        state.amount =
          Math.round((state.amount + lots * state.last * instrument.volumeMultiple) * 100) / 100;
      }
      this.states.set(id, state);
      restored += 1;
    }
    return restored;
  }

  info(): InstrumentInfo[] {
    return this.universe.map((instrument) => {
      const { upper, lower } = this.limits(instrument);
      return {
        id: instrument.id,
        exchange: instrument.exchange,
        product:
          instrument.kind === 'future' ? productOf(instrument.code) : instrument.kind.toUpperCase(),
        name: instrument.name,
        priceTick: instrument.priceTick,
        volumeMultiple: instrument.volumeMultiple,
        upperLimit: upper,
        lowerLimit: lower,
      };
    });
  }

  /** The next tick of an instrument at `nowMs`, as a QAMD snapshot. */
  tick(id: string, nowMs: number): MDSnapshot | undefined {
    const quote = this.advance(id, nowMs);
    if (!quote) return undefined;
    return this.snapshot(quote, nowMs);
  }

  /**
   * The next tick of an instrument at `nowMs` without formatting a snapshot (backtests): the
   * returned quote is reused by the next call. The random draws are those of `tick`, so both give
   * the same market.
   */
  advance(id: string, nowMs: number): SimQuote | undefined {
    const instrument = this.byId.get(id);
    if (!instrument) return undefined;
    const tick = instrument.priceTick;
    // Trading days change on whole minutes: look the day up once a minute.
    const minute = Math.floor(nowMs / 60_000);
    if (minute !== this.dayMinute) {
      this.dayMinute = minute;
      this.minuteTradingDay = simTradingDay(nowMs);
    }
    const tradingDay = this.minuteTradingDay;
    // An alias shares the state of the contract it follows.
    const key = instrument.aliasOf ?? id;
    let state = this.states.get(key);
    if (state && state.tradingDay < tradingDay) {
      // A new trading day: yesterday's close is the reference, the day's totals start from zero.
      const reference = state.last;
      const open = onTick(reference * (1 + (this.random() - 0.5) * 0.004), tick);
      state = dayOpening(tradingDay, reference, open, state.openInterest);
      this.states.set(key, state);
    }
    if (!state) {
      const open = onTick(instrument.reference * (1 + (this.random() - 0.5) * 0.01), tick);
      const openInterest =
        instrument.kind === 'future' ? Math.round(50_000 + this.random() * 150_000) : 0;
      state = dayOpening(tradingDay, instrument.reference, open, openInterest);
      this.states.set(key, state);
    }
    const { upper, lower } = this.limits(instrument);
    const step = Math.round((this.random() - 0.5) * 4);
    let last = onTick(state.last + step * tick, tick);
    if (upper > 0) last = Math.min(upper, Math.max(lower, last));
    const lots = 1 + Math.floor(this.random() * MAX_LOTS_PER_TICK);
    const traded = instrument.kind === 'future' ? lots : lots * 100;
    state.last = last;
    state.highest = Math.max(state.highest, last);
    state.lowest = Math.min(state.lowest, last);
    state.volume += traded;
    state.amount =
      Math.round((state.amount + traded * last * instrument.volumeMultiple) * 100) / 100;
    if (instrument.kind === 'future')
      state.openInterest = Math.max(0, state.openInterest + Math.round((this.random() - 0.5) * 10));
    // The book: five levels each side around the last price, inside the limits (none for an index).
    const quote = this.quote;
    quote.instrument = instrument;
    quote.state = state;
    quote.upper = upper;
    quote.lower = lower;
    const unit = instrument.kind === 'future' ? 1 : 100;
    const bid1 = onTick(state.last - (this.random() < 0.5 ? 0 : tick), tick);
    const levels = instrument.kind === 'index' ? 0 : 5;
    for (let level = 0; level < 5; level += 1) {
      quote.askPrice[level] = 0;
      quote.askVolume[level] = 0;
      quote.bidPrice[level] = 0;
      quote.bidVolume[level] = 0;
      if (level >= levels) continue;
      const bid = onTick(bid1 - level * tick, tick);
      const ask = onTick(bid1 + (level + 1) * tick, tick);
      if (upper === 0 || ask <= upper) {
        quote.askPrice[level] = ask;
        quote.askVolume[level] = (1 + Math.floor(this.random() * 50)) * unit;
      }
      if (lower === 0 || bid >= lower) {
        quote.bidPrice[level] = bid;
        quote.bidVolume[level] = (1 + Math.floor(this.random() * 50)) * unit;
      }
    }
    return quote;
  }

  private readonly quote: SimQuote = {
    instrument: undefined as unknown as SimInstrument,
    state: undefined as unknown as DayState,
    upper: 0,
    lower: 0,
    bidPrice: new Float64Array(5),
    bidVolume: new Float64Array(5),
    askPrice: new Float64Array(5),
    askVolume: new Float64Array(5),
  };

  private snapshot(quote: SimQuote, nowMs: number): MDSnapshot {
    const { instrument, state, upper, lower } = quote;
    const isFuture = instrument.kind === 'future';
    const out: Record<string, unknown> = {
      instrument_id: instrument.id,
      amount: state.amount,
      ask_price1: 0,
      ask_volume1: 0,
      bid_price1: 0,
      bid_volume1: 0,
    };
    for (let level = 1; level <= 5; level += 1) {
      const keys = LEVEL_KEYS[level - 1]!;
      if (quote.askVolume[level - 1]! > 0) {
        out[keys.askPrice] = quote.askPrice[level - 1];
        out[keys.askVolume] = quote.askVolume[level - 1];
      }
      if (quote.bidVolume[level - 1]! > 0) {
        out[keys.bidPrice] = quote.bidPrice[level - 1];
        out[keys.bidVolume] = quote.bidVolume[level - 1];
      }
    }
    if (this.datetimeMs !== nowMs) {
      this.datetimeMs = nowMs;
      this.datetimeText = epochMsToDatetime(nowMs);
    }
    out.close = null;
    out.datetime = this.datetimeText;
    out.highest = state.highest;
    out.last_price = state.last;
    out.lower_limit = lower;
    out.lowest = state.lowest;
    out.open = state.open;
    out.open_interest = isFuture ? state.openInterest : '-';
    out.pre_close = state.reference;
    out.pre_open_interest = isFuture ? state.preOpenInterest : '-';
    out.pre_settlement = isFuture ? state.reference : '-';
    out.settlement = '-';
    out.upper_limit = upper;
    out.volume = state.volume;
    out.average =
      state.volume > 0
        ? Math.round((state.amount / (state.volume * instrument.volumeMultiple)) * 1e4) / 1e4
        : 0;
    out.iopv = instrument.kind === 'etf' ? state.last : null;
    return out as MDSnapshot;
  }
}

/** One tick of the sim before it is formatted: the day state after it and the 5-level book. */
export interface SimQuote {
  instrument: SimInstrument;
  state: DayState;
  upper: number;
  lower: number;
  bidPrice: Float64Array;
  bidVolume: Float64Array;
  askPrice: Float64Array;
  askVolume: Float64Array;
}

/** A trading day's state at its open: the day's totals at zero, open interest carried over. */
function dayOpening(
  tradingDay: string,
  reference: number,
  open: number,
  openInterest: number,
): DayState {
  return {
    tradingDay,
    reference,
    last: open,
    open,
    highest: open,
    lowest: open,
    volume: 0,
    amount: 0,
    openInterest,
    preOpenInterest: openInterest,
  };
}

function isDayState(value: unknown): value is DayState {
  if (typeof value !== 'object' || value === null) return false;
  const state = value as Record<string, unknown>;
  return (
    typeof state.tradingDay === 'string' &&
    [
      'reference',
      'last',
      'open',
      'highest',
      'lowest',
      'volume',
      'amount',
      'openInterest',
      'preOpenInterest',
    ].every(
      (key) => typeof state[key] === 'number' && Number.isFinite(state[key]) && state[key] >= 0,
    )
  );
}
