import { Convention, Indicator, TdxSma, Wma } from './moving-average';
import { Bias, Cci, EfficiencyRatio, Mfi } from './oscillators';
import { Kdj, Stochastic } from './stochastic';
import { Dmi } from './trend';
import { Atr, TrueRange } from './volatility';
import { Obv, Vwap } from './volume';
import { BarInput } from './window';
import {
  bollKernel,
  emaKernel,
  extremeKernel,
  macdKernel,
  rocKernel,
  rsiKernel,
  smaKernel,
  stdKernel,
} from './batch-kernels';

/**
 * Batch forms: the streaming indicator run over a whole series, so a batch result and a streaming
 * one are the same numbers. Inputs are `Float64Array`s (or any array of numbers); outputs are
 * `Float64Array`s with NaN before warm-up.
 */
export type Series = ArrayLike<number>;

/** Bars as columns. `volume` is needed by OBV, MFI and VWAP; `tradingDay` by VWAP. */
export interface BarSeries {
  high: Series;
  low: Series;
  close: Series;
  volume?: Series;
  tradingDay?: ArrayLike<string>;
}

function overValues(values: Series, indicator: Indicator<number, number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = indicator.update(values[i]!);
  return out;
}

function overBars<O>(
  bars: BarSeries,
  indicator: Indicator<BarInput, O>,
  take: (value: O, i: number) => void,
): void {
  const bar: BarInput = { high: 0, low: 0, close: 0 };
  const { high, low, close, volume, tradingDay } = bars;
  const length = close.length;
  if (high.length !== length || low.length !== length || (volume && volume.length !== length))
    throw new RangeError('bar columns must have the same length');
  for (let i = 0; i < length; i += 1) {
    bar.high = high[i]!;
    bar.low = low[i]!;
    bar.close = close[i]!;
    if (volume) bar.volume = volume[i]!;
    if (tradingDay) bar.tradingDay = tradingDay[i];
    take(indicator.update(bar), i);
  }
}

function column(bars: BarSeries, indicator: Indicator<BarInput, number>): Float64Array {
  const out = new Float64Array(bars.close.length);
  overBars(bars, indicator, (value, i) => (out[i] = value));
  return out;
}

function columns<K extends string>(
  bars: BarSeries,
  indicator: Indicator<BarInput, Record<K, number>>,
  keys: readonly K[],
): Record<K, Float64Array> {
  const out = Object.fromEntries(
    keys.map((key) => [key, new Float64Array(bars.close.length)]),
  ) as Record<K, Float64Array>;
  overBars(bars, indicator, (value, i) => {
    for (const key of keys) out[key][i] = value[key];
  });
  return out;
}

export const sma = (values: Series, n: number) => smaKernel(values, n);
export const ema = (values: Series, n: number, convention: Convention = 'talib') =>
  emaKernel(values, n, convention);
export const wma = (values: Series, n: number) => overValues(values, new Wma(n));
export const tdxSma = (values: Series, n: number, m: number, seed?: number) =>
  overValues(values, new TdxSma(n, m, seed));
export const rsi = (values: Series, n = 14, convention: Convention = 'talib') =>
  rsiKernel(values, n, convention);
export const roc = (values: Series, n = 10) => rocKernel(values, n);
export const bias = (values: Series, n = 6) => overValues(values, new Bias(n));
export const efficiencyRatio = (values: Series, n = 10) =>
  overValues(values, new EfficiencyRatio(n));
export const std = (values: Series, n = 20, ddof: 0 | 1 = 0) => stdKernel(values, n, ddof);
export const hhv = (values: Series, n: number) => extremeKernel(values, n, true);
export const llv = (values: Series, n: number) => extremeKernel(values, n, false);
export const boll = (values: Series, n = 20, k = 2, convention: Convention = 'talib') =>
  bollKernel(values, n, k, convention);
export const macd = (
  values: Series,
  fast = 12,
  slow = 26,
  signal = 9,
  convention: Convention = 'talib',
) => macdKernel(values, fast, slow, signal, convention);

export const trueRangeSeries = (bars: BarSeries, convention: Convention = 'talib') =>
  column(bars, new TrueRange(convention));
export const atr = (bars: BarSeries, n = 14, convention: Convention = 'talib') =>
  column(bars, new Atr(n, convention));
export const cci = (bars: BarSeries, n = 14) => column(bars, new Cci(n));
export const mfi = (bars: BarSeries, n = 14) => column(bars, new Mfi(n));
export const obv = (bars: BarSeries, convention: Convention = 'talib') =>
  column(bars, new Obv(convention));
export const vwap = (bars: BarSeries) => column(bars, new Vwap());
export const kdj = (bars: BarSeries, n = 9, m1 = 3, m2 = 3, seed: number | 'first' = 50) =>
  columns(bars, new Kdj(n, m1, m2, seed), ['k', 'd', 'j']);
export const stochastic = (
  bars: BarSeries,
  kind: 'fast' | 'slow' = 'slow',
  n = 5,
  kN = 3,
  dN = 3,
) => columns(bars, new Stochastic(kind, n, kN, dN), ['k', 'd']);
export const dmi = (bars: BarSeries, n = 14, convention: Convention = 'talib', m = 6) =>
  columns(bars, new Dmi(n, convention, m), ['plusDi', 'minusDi', 'adx', 'adxr']);
