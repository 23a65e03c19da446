import {
  checkLength,
  Convention,
  Indicator,
  MovingAverage,
  RecursiveAverage,
  WindowIndicator,
} from './moving-average';
import { Successive } from './oscillators';
import { BarInput, closeOf, finite, PriceInput } from './window';

/**
 * STD(n): standard deviation of the last n values. `ddof` 0 is the population deviation (TA-Lib's
 * STDDEV, 通达信 `STDP`), 1 the sample deviation (通达信 `STD`, pandas' default). First value at bar n − 1.
 */
export class Std extends WindowIndicator<PriceInput, number> {
  constructor(
    readonly n = 20,
    readonly ddof: 0 | 1 = 0,
  ) {
    super(checkLength('n', n, ddof + 1));
  }

  protected read(input: PriceInput): number {
    return closeOf(input);
  }

  protected value(): number {
    return this.window.full ? Math.sqrt(this.window.variance(this.ddof)) : NaN;
  }
}

export interface BollValue {
  upper: number;
  middle: number;
  lower: number;
}

/**
 * BOLL(n, k): middle = MA(n), upper/lower = middle ± k·deviation. `talib` (BBANDS) uses the
 * population deviation, `tdx` (通达信 BOLL) the sample one (`STD`). First value at bar n − 1.
 */
export class Boll extends WindowIndicator<PriceInput, BollValue> {
  private readonly ddof: 0 | 1;

  constructor(
    readonly n = 20,
    readonly k = 2,
    readonly convention: Convention = 'talib',
  ) {
    super(checkLength('n', n, convention === 'talib' ? 1 : 2));
    this.ddof = convention === 'talib' ? 0 : 1;
    finite(k, 'k');
  }

  protected read(input: PriceInput): number {
    return closeOf(input);
  }

  protected value(): BollValue {
    if (!this.window.full) return { upper: NaN, middle: NaN, lower: NaN };
    const middle = this.window.mean();
    const width = this.k * Math.sqrt(this.window.variance(this.ddof));
    return { upper: middle + width, middle, lower: middle - width };
  }
}

/** True range of a bar after `previousClose` (the high − low of the first bar). */
export function trueRange(bar: BarInput, previousClose: number | undefined): number {
  const high = finite(bar.high, 'high');
  const low = finite(bar.low, 'low');
  if (previousClose === undefined) return high - low;
  return Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
}

/**
 * TR: max(high − low, |high − previous close|, |low − previous close|). `talib`: NaN on the first
 * bar (no previous close); `tdx`: the first bar's high − low.
 */
export class TrueRange implements Indicator<BarInput, number> {
  private readonly closes = new Successive<number>();

  constructor(readonly convention: Convention = 'talib') {}

  get count(): number {
    return this.closes.count;
  }

  update(bar: BarInput): number {
    return this.range(bar, this.closes.push(closeOf(bar)));
  }

  replace(bar: BarInput): number {
    return this.range(bar, this.closes.replace(closeOf(bar)));
  }

  private range(bar: BarInput, previous: number | undefined): number {
    const range = trueRange(bar, previous);
    return previous === undefined && this.convention === 'talib' ? NaN : range;
  }
}

/**
 * ATR(n). `talib` (Wilder): the mean of the first n true ranges (bars 1…n), then
 * `(atr·(n − 1) + tr) / n`; first value at bar n. `tdx` (通达信 `MA(TR,N)`): the simple mean of the
 * last n true ranges, the first bar's range being its high − low; first value at bar n − 1.
 */
export class Atr implements Indicator<BarInput, number> {
  private readonly range: TrueRange;
  private readonly wilder?: RecursiveAverage;
  private readonly simple?: MovingAverage;

  constructor(
    readonly n = 14,
    readonly convention: Convention = 'talib',
  ) {
    checkLength('n', n);
    this.range = new TrueRange(convention);
    if (convention === 'talib') this.wilder = new RecursiveAverage(n, 1 / n, 'mean');
    else this.simple = new MovingAverage(n);
  }

  get count(): number {
    return this.range.count;
  }

  update(bar: BarInput): number {
    const tr = this.range.update(bar);
    if (Number.isNaN(tr)) return NaN;
    return this.wilder ? this.wilder.update(tr) : this.simple!.update(tr);
  }

  replace(bar: BarInput): number {
    const tr = this.range.replace(bar);
    if (Number.isNaN(tr)) return NaN;
    return this.wilder ? this.wilder.replace(tr) : this.simple!.replace(tr);
  }
}
