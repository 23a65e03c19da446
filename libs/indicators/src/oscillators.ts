import {
  checkLength,
  Convention,
  Indicator,
  MovingAverage,
  RecursiveAverage,
  WindowIndicator,
} from './moving-average';
import { BarInput, closeOf, finite, PriceInput, Window } from './window';

/**
 * Keeps the input before the newest one, so a replaced newest input is compared with the same
 * predecessor. `step(previous, input)` is called with previous = undefined on the first input.
 */
export class Successive<T> {
  count = 0;
  private before: T | undefined;
  private newest: T | undefined;

  /** Takes a new input; returns the one before it. */
  push(input: T): T | undefined {
    if (this.count > 0) this.before = this.newest;
    this.count += 1;
    this.newest = input;
    return this.before;
  }

  /** Replaces the newest input; returns the one before it. */
  replace(input: T): T | undefined {
    if (this.count === 0) return this.push(input);
    this.newest = input;
    return this.before;
  }
}

/**
 * RSI(n). `talib` (Wilder): the first average gain and loss are the means of the first n changes,
 * then `avg = (avg·(n − 1) + x) / n`; first value at bar n. `tdx` (通达信
 * `SMA(MAX(C−LC,0),N,1) / SMA(ABS(C−LC),N,1)·100`): the same recursion seeded with the first change,
 * a value from bar 1 (dominated by that seed for the first few n bars). No movement at all: 0.
 */
export class Rsi implements Indicator<PriceInput, number> {
  private readonly closes = new Successive<number>();
  private readonly gains: RecursiveAverage;
  private readonly moves: RecursiveAverage;

  constructor(
    readonly n = 14,
    readonly convention: Convention = 'talib',
  ) {
    checkLength('n', n);
    const seed = convention === 'talib' ? 'mean' : 'first';
    this.gains = new RecursiveAverage(n, 1 / n, seed);
    this.moves = new RecursiveAverage(n, 1 / n, seed);
  }

  get count(): number {
    return this.closes.count;
  }

  update(input: PriceInput): number {
    const close = closeOf(input);
    const previous = this.closes.push(close);
    if (previous === undefined) return NaN;
    const change = close - previous;
    return this.rsi(this.gains.update(Math.max(change, 0)), this.losses('update', change));
  }

  replace(input: PriceInput): number {
    const close = closeOf(input);
    const previous = this.closes.replace(close);
    if (previous === undefined) return NaN;
    const change = close - previous;
    return this.rsi(this.gains.replace(Math.max(change, 0)), this.losses('replace', change));
  }

  /** Wilder averages gains and losses; 通达信 averages gains and absolute moves. */
  private losses(how: 'update' | 'replace', change: number): number {
    const x = this.convention === 'talib' ? Math.max(-change, 0) : Math.abs(change);
    return this.moves[how](x);
  }

  private rsi(gain: number, other: number): number {
    if (Number.isNaN(gain)) return NaN;
    const total = this.convention === 'talib' ? gain + other : other;
    return total === 0 ? 0 : (100 * gain) / total;
  }
}

/** ROC(n) = (close / close n bars ago − 1) · 100 (TA-Lib's ROC). First value at bar n. */
export class Roc extends WindowIndicator<PriceInput, number> {
  constructor(readonly n = 10) {
    super(checkLength('n', n) + 1);
  }

  protected read(input: PriceInput): number {
    return closeOf(input);
  }

  protected value(): number {
    if (!this.window.full) return NaN;
    const before = this.window.oldest();
    return before === 0 ? NaN : (this.window.back(0) / before - 1) * 100;
  }
}

/** BIAS(n) = (close − MA(n)) / MA(n) · 100 (通达信 乖离率). First value at bar n − 1. */
export class Bias implements Indicator<PriceInput, number> {
  private readonly average: MovingAverage;

  constructor(readonly n = 6) {
    this.average = new MovingAverage(checkLength('n', n));
  }

  get count(): number {
    return this.average.count;
  }

  update(input: PriceInput): number {
    return this.bias(closeOf(input), this.average.update(input));
  }

  replace(input: PriceInput): number {
    return this.bias(closeOf(input), this.average.replace(input));
  }

  private bias(close: number, mean: number): number {
    return mean === 0 || Number.isNaN(mean) ? NaN : ((close - mean) / mean) * 100;
  }
}

/**
 * Kaufman's efficiency ratio over n bars: |close − close n ago| / Σ|close − previous close| over
 * those n changes (0 when nothing moved). First value at bar n.
 */
export class EfficiencyRatio implements Indicator<PriceInput, number> {
  private readonly closes: Window;
  private readonly moves: Window;

  constructor(readonly n = 10) {
    this.closes = new Window(checkLength('n', n) + 1);
    this.moves = new Window(n);
  }

  get count(): number {
    return this.closes.count;
  }

  update(input: PriceInput): number {
    const close = closeOf(input);
    if (this.closes.count > 0) this.moves.push(Math.abs(close - this.closes.back(0)));
    this.closes.push(close);
    return this.value();
  }

  replace(input: PriceInput): number {
    if (this.closes.count === 0) return this.update(input);
    const close = closeOf(input);
    this.closes.replaceLast(close);
    if (this.closes.count > 1) this.moves.replaceLast(Math.abs(close - this.closes.back(1)));
    return this.value();
  }

  private value(): number {
    if (!this.closes.full) return NaN;
    const path = this.moves.total();
    return path <= 0 ? 0 : Math.abs(this.closes.back(0) - this.closes.oldest()) / path;
  }
}

/** Typical price (high + low + close) / 3. */
export function typicalPrice(bar: BarInput): number {
  return (finite(bar.high, 'high') + finite(bar.low, 'low') + finite(bar.close, 'close')) / 3;
}

/**
 * CCI(n) = (TP − MA(TP, n)) / (0.015 · mean |TP − MA(TP, n)|), TP = typical price (TA-Lib, 通达信).
 * The mean deviation needs the whole window: O(n) per bar. 0 when the window is flat. First value
 * at bar n − 1.
 */
export class Cci extends WindowIndicator<BarInput, number> {
  constructor(readonly n = 14) {
    super(checkLength('n', n));
  }

  protected read(bar: BarInput): number {
    return typicalPrice(bar);
  }

  protected value(): number {
    if (!this.window.full) return NaN;
    const mean = this.window.mean();
    let deviation = 0;
    for (let i = 0; i < this.n; i += 1) deviation += Math.abs(this.window.back(i) - mean);
    deviation /= this.n;
    return deviation === 0 ? 0 : (this.window.back(0) - mean) / (0.015 * deviation);
  }
}

/**
 * MFI(n): money flow TP·volume, positive when TP rose from the bar before, negative when it fell;
 * MFI = 100 · Σpositive / (Σpositive + Σnegative) over the last n bars (0 when both are 0).
 * First value at bar n (TA-Lib's MFI).
 */
export class Mfi implements Indicator<BarInput, number> {
  private readonly typical = new Successive<number>();
  private readonly positive: Window;
  private readonly negative: Window;

  constructor(readonly n = 14) {
    this.positive = new Window(checkLength('n', n));
    this.negative = new Window(n);
  }

  get count(): number {
    return this.typical.count;
  }

  update(bar: BarInput): number {
    const tp = typicalPrice(bar);
    const previous = this.typical.push(tp);
    if (previous === undefined) return NaN;
    const [up, down] = this.flows(tp, previous, bar);
    this.positive.push(up);
    this.negative.push(down);
    return this.value();
  }

  replace(bar: BarInput): number {
    const tp = typicalPrice(bar);
    const previous = this.typical.replace(tp);
    if (previous === undefined) return NaN;
    const [up, down] = this.flows(tp, previous, bar);
    this.positive.replaceLast(up);
    this.negative.replaceLast(down);
    return this.value();
  }

  private flows(tp: number, previous: number, bar: BarInput): [number, number] {
    const flow = tp * finite(bar.volume, 'volume');
    return tp > previous ? [flow, 0] : tp < previous ? [0, flow] : [0, 0];
  }

  private value(): number {
    if (!this.positive.full) return NaN;
    const up = this.positive.total();
    const total = up + this.negative.total();
    return total <= 0 ? 0 : (100 * up) / total;
  }
}
