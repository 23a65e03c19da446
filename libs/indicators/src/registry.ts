import * as batch from './batch';
import { BarSeries } from './batch';
import { Convention, Ema, Indicator, MovingAverage, Wma } from './moving-average';
import { Bias, Cci, EfficiencyRatio, Mfi, Roc, Rsi } from './oscillators';
import { Hhv, Kdj, KdjValue, Llv, Stochastic, StochasticValue } from './stochastic';
import { Dmi, DmiValue, Macd, MacdValue } from './trend';
import { Atr, Boll, BollValue, Std, TrueRange } from './volatility';
import { Obv, Vwap } from './volume';
import { BarInput } from './window';

/** An indicator's value: one number, or named numbers (MACD's dif, dea, histogram…). */
export type IndicatorValue = number | MacdValue | BollValue | KdjValue | StochasticValue | DmiValue;

/** A batch result: one column, or one column per named value. */
export type IndicatorColumns = Float64Array | Readonly<Record<string, Float64Array>>;

/** An indicator named by text such as `MA(20)`, `MACD(12,26,9)` or `RSI(14,tdx)`. */
export interface IndicatorSpec {
  /** Upper-case name as listed in `INDICATORS`. */
  readonly name: string;
  readonly params: readonly number[];
  readonly convention: Convention;
  /** The canonical text: `NAME(p1,p2…)`, `,tdx` appended for the 通达信 convention. */
  readonly label: string;
  /** A new streaming instance (`update` a new bar, `replace` the forming one). */
  make(): Indicator<BarInput, IndicatorValue>;
  /** The same numbers over whole columns. */
  batch(bars: BarSeries): IndicatorColumns;
}

interface Entry {
  /** Default parameters; a spec gives at most as many. */
  defaults: readonly number[];
  /** Parameters that must be whole numbers ≥ 1 (window lengths), by position. */
  lengths: readonly number[];
  make(p: number[], c: Convention): Indicator<BarInput, IndicatorValue>;
  batch(bars: BarSeries, p: number[], c: Convention): IndicatorColumns;
  summary: string;
}

const close = (bars: BarSeries) => bars.close;

/** The indicators a room or a factor can name, with their parameters' defaults. */
const ENTRIES: Record<string, Entry> = {
  MA: {
    defaults: [20],
    lengths: [0],
    make: ([n]) => new MovingAverage(n!),
    batch: (b, [n]) => batch.sma(close(b), n!),
    summary: 'simple moving average of closes',
  },
  EMA: {
    defaults: [20],
    lengths: [0],
    make: ([n], c) => new Ema(n!, c),
    batch: (b, [n], c) => batch.ema(close(b), n!, c),
    summary: 'exponential moving average of closes',
  },
  WMA: {
    defaults: [20],
    lengths: [0],
    make: ([n]) => new Wma(n!),
    batch: (b, [n]) => batch.wma(close(b), n!),
    summary: 'weighted moving average of closes',
  },
  RSI: {
    defaults: [14],
    lengths: [0],
    make: ([n], c) => new Rsi(n, c),
    batch: (b, [n], c) => batch.rsi(close(b), n, c),
    summary: 'relative strength index',
  },
  ROC: {
    defaults: [10],
    lengths: [0],
    make: ([n]) => new Roc(n),
    batch: (b, [n]) => batch.roc(close(b), n),
    summary: 'rate of change over n bars, %',
  },
  BIAS: {
    defaults: [6],
    lengths: [0],
    make: ([n]) => new Bias(n),
    batch: (b, [n]) => batch.bias(close(b), n),
    summary: 'distance of the close from its n-bar mean, %',
  },
  ER: {
    defaults: [10],
    lengths: [0],
    make: ([n]) => new EfficiencyRatio(n),
    batch: (b, [n]) => batch.efficiencyRatio(close(b), n),
    summary: "Kaufman's efficiency ratio",
  },
  STD: {
    defaults: [20],
    lengths: [0],
    make: ([n], c) => new Std(n, c === 'tdx' ? 1 : 0),
    batch: (b, [n], c) => batch.std(close(b), n, c === 'tdx' ? 1 : 0),
    summary: 'standard deviation of closes (sample with tdx)',
  },
  BOLL: {
    defaults: [20, 2],
    lengths: [0],
    make: ([n, k], c) => new Boll(n, k, c),
    batch: (b, [n, k], c) => batch.boll(close(b), n, k, c),
    summary: 'Bollinger bands: upper, middle, lower',
  },
  HHV: {
    defaults: [20],
    lengths: [0],
    make: ([n]) => new Hhv(n!),
    batch: (b, [n]) => batch.hhv(b.high, n!),
    summary: 'highest high of n bars',
  },
  LLV: {
    defaults: [20],
    lengths: [0],
    make: ([n]) => new Llv(n!),
    batch: (b, [n]) => batch.llv(b.low, n!),
    summary: 'lowest low of n bars',
  },
  MACD: {
    defaults: [12, 26, 9],
    lengths: [0, 1, 2],
    make: ([f, s, g], c) => new Macd(f, s, g, c),
    batch: (b, [f, s, g], c) => batch.macd(close(b), f, s, g, c),
    summary: 'MACD: dif, dea, histogram',
  },
  TR: {
    defaults: [],
    lengths: [],
    make: (_p, c) => new TrueRange(c),
    batch: (b, _p, c) => batch.trueRangeSeries(b, c),
    summary: 'true range',
  },
  ATR: {
    defaults: [14],
    lengths: [0],
    make: ([n], c) => new Atr(n, c),
    batch: (b, [n], c) => batch.atr(b, n, c),
    summary: 'average true range',
  },
  KDJ: {
    defaults: [9, 3, 3],
    lengths: [0, 1, 2],
    make: ([n, m1, m2]) => new Kdj(n, m1, m2),
    batch: (b, [n, m1, m2]) => batch.kdj(b, n, m1, m2),
    summary: 'KDJ: k, d, j',
  },
  STOCH: {
    defaults: [5, 3, 3],
    lengths: [0, 1, 2],
    make: ([n, k, d]) => new Stochastic('slow', n, k, d),
    batch: (b, [n, k, d]) => batch.stochastic(b, 'slow', n, k, d),
    summary: 'slow stochastic: k, d',
  },
  CCI: {
    defaults: [14],
    lengths: [0],
    make: ([n]) => new Cci(n),
    batch: (b, [n]) => batch.cci(b, n),
    summary: 'commodity channel index',
  },
  MFI: {
    defaults: [14],
    lengths: [0],
    make: ([n]) => new Mfi(n),
    batch: (b, [n]) => batch.mfi(b, n),
    summary: 'money flow index',
  },
  OBV: {
    defaults: [],
    lengths: [],
    make: (_p, c) => new Obv(c),
    batch: (b, _p, c) => batch.obv(b, c),
    summary: 'on-balance volume',
  },
  VWAP: {
    defaults: [],
    lengths: [],
    make: () => new Vwap(),
    batch: (b) => batch.vwap(b),
    summary: 'volume-weighted average price of the trading day',
  },
  DMI: {
    defaults: [14, 6],
    lengths: [0, 1],
    make: ([n, m], c) => new Dmi(n, c, m),
    batch: (b, [n, m], c) => batch.dmi(b, n, c, m),
    summary: 'directional movement: plusDi, minusDi, adx, adxr',
  },
};
ENTRIES.SMA = ENTRIES.MA!;

/** The names `parseIndicator` knows, each with its default parameters and what it gives. */
export const INDICATORS: Readonly<
  Record<string, { defaults: readonly number[]; summary: string }>
> = Object.fromEntries(
  Object.entries(ENTRIES).map(([name, entry]) => [
    name,
    { defaults: entry.defaults, summary: entry.summary },
  ]),
);

const SPEC = /^([A-Za-z]+)\s*(?:\(([^()]*)\))?$/;
const MAX_LENGTH = 10_000;

/**
 * An indicator from its text: `NAME` or `NAME(p1,p2,…)` (case-insensitive), parameters numbers
 * with the defaults filling what is left out, and an optional last `talib` / `tdx` naming the
 * convention (TA-Lib by default). Throws a `RangeError` naming the fault.
 */
export function parseIndicator(text: string): IndicatorSpec {
  const match = SPEC.exec(text.trim());
  if (!match) throw new RangeError(`indicator ${JSON.stringify(text)}: write NAME or NAME(p1,p2)`);
  const name = match[1]!.toUpperCase();
  const entry = ENTRIES[name];
  if (!entry)
    throw new RangeError(
      `unknown indicator ${name}; known: ${Object.keys(INDICATORS).sort().join(', ')}`,
    );
  const parts = (match[2] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  let convention: Convention = 'talib';
  const last = parts.at(-1)?.toLowerCase();
  if (last === 'tdx' || last === 'talib') {
    convention = last;
    parts.pop();
  }
  if (parts.length > entry.defaults.length)
    throw new RangeError(`${name} takes at most ${entry.defaults.length} parameters`);
  const params = entry.defaults.map((fallback, i) => {
    if (i >= parts.length) return fallback;
    const value = Number(parts[i]);
    if (!Number.isFinite(value))
      throw new RangeError(
        `${name} parameter ${i + 1}: ${JSON.stringify(parts[i])} is not a number`,
      );
    if (
      entry.lengths.includes(i) &&
      (!Number.isSafeInteger(value) || value < 1 || value > MAX_LENGTH)
    )
      throw new RangeError(`${name} parameter ${i + 1}: a whole number of bars, 1–${MAX_LENGTH}`);
    return value;
  });
  // Constructing checks the rest (e.g. a sample deviation needs 2 bars).
  entry.make(params, convention);
  const label = `${name}${params.length > 0 || convention === 'tdx' ? `(${[...params, ...(convention === 'tdx' ? ['tdx'] : [])].join(',')})` : ''}`;
  return {
    name,
    params,
    convention,
    label,
    make: () => entry.make(params, convention),
    batch: (bars) => entry.batch(bars, params, convention),
  };
}
