import { closeOf, PriceInput, Window } from './window';

/**
 * A streaming indicator: `update` takes a new bar (or value), `replace` takes the forming bar again
 * in place of the last one given (the bar that is still building); both return the value now.
 * Before warm-up the value is NaN.
 */
export interface Indicator<I, O> {
  update(input: I): O;
  replace(input: I): O;
  /** Inputs taken (bars), counting a replaced one once. */
  readonly count: number;
}

/**
 * Which published convention an indicator follows where they differ: `talib` (TA-Lib: averages
 * seeded with the simple mean of the first window, Wilder smoothing, population deviation) or `tdx`
 * (通达信 / 同花顺 formulas: `EMA` and `SMA(X,N,M)` seeded with the first value, sample `STD`).
 */
export type Convention = 'talib' | 'tdx';

export function checkLength(name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/**
 * An indicator over a window of its last `size` inputs: `read` takes the number from an input,
 * `value` reads the window.
 */
export abstract class WindowIndicator<I, O> implements Indicator<I, O> {
  protected readonly window: Window;

  constructor(size: number) {
    this.window = new Window(size);
  }

  get count(): number {
    return this.window.count;
  }

  update(input: I): O {
    this.window.push(this.read(input));
    return this.value();
  }

  replace(input: I): O {
    this.window.replaceLast(this.read(input));
    return this.value();
  }

  protected abstract read(input: I): number;
  protected abstract value(): O;
}

/** MA / SMA: the mean of the last `n` values. Warm-up: NaN for the first n − 1. */
export class MovingAverage extends WindowIndicator<PriceInput, number> {
  constructor(readonly n: number) {
    super(checkLength('n', n));
  }

  protected read(input: PriceInput): number {
    return closeOf(input);
  }

  value(): number {
    return this.window.full ? this.window.mean() : NaN;
  }
}

/**
 * A recursive average `y = prev + α (x − prev)` with a seed: `mean` (the mean of the first `n`
 * values, the first output at n − 1: TA-Lib's EMA and Wilder's averages) or `first` (the first
 * value itself, output from the first bar: 通达信's EMA and SMA(X,N,M)).
 */
export class RecursiveAverage implements Indicator<number, number> {
  count = 0;
  private previous = NaN;
  private current = NaN;
  /** Sum of the inputs before the last one, while seeding. */
  private seedSum = 0;
  private last = 0;

  constructor(
    readonly n: number,
    readonly alpha: number,
    readonly seed: 'mean' | 'first' | number,
  ) {
    checkLength('n', n);
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  }

  update(value: number): number {
    if (this.count > 0) {
      this.previous = this.current;
      this.seedSum += this.last;
    }
    this.count += 1;
    return this.step(value);
  }

  replace(value: number): number {
    if (this.count === 0) return this.update(value);
    return this.step(value);
  }

  value(): number {
    return this.current;
  }

  private step(value: number): number {
    this.last = value;
    if (typeof this.seed === 'number') {
      const before = this.count === 1 ? this.seed : this.previous;
      this.current = before + this.alpha * (value - before);
    } else if (this.seed === 'first') {
      this.current =
        this.count === 1 ? value : this.previous + this.alpha * (value - this.previous);
    } else if (this.count < this.n) {
      this.current = NaN;
    } else if (this.count === this.n) {
      this.current = (this.seedSum + value) / this.n;
    } else {
      this.current = this.previous + this.alpha * (value - this.previous);
    }
    return this.current;
  }
}

/** A recursive average over the closes of its inputs. */
abstract class CloseAverage implements Indicator<PriceInput, number> {
  protected constructor(private readonly average: RecursiveAverage) {}

  get count(): number {
    return this.average.count;
  }

  update(input: PriceInput): number {
    return this.average.update(closeOf(input));
  }

  replace(input: PriceInput): number {
    return this.average.replace(closeOf(input));
  }
}

/**
 * EMA(n), α = 2 / (n + 1). `talib`: seeded with the mean of the first n values, NaN before bar
 * n − 1. `tdx` (通达信 `EMA(X,N)`): seeded with the first value, a value from the first bar.
 */
export class Ema extends CloseAverage {
  constructor(
    readonly n: number,
    readonly convention: Convention = 'talib',
  ) {
    super(
      new RecursiveAverage(
        checkLength('n', n),
        2 / (n + 1),
        convention === 'talib' ? 'mean' : 'first',
      ),
    );
  }
}

/**
 * 通达信 `SMA(X,N,M)`: `y = (M·x + (N − M)·y') / N`, seeded with the first value (or `seed` when
 * given, e.g. 50 for KDJ). A value from the first bar.
 */
export class TdxSma extends CloseAverage {
  constructor(
    readonly n: number,
    readonly m: number,
    seed?: number,
  ) {
    checkLength('n', n);
    checkLength('m', m);
    if (m > n) throw new RangeError(`m (${m}) must not exceed n (${n})`);
    super(new RecursiveAverage(n, m / n, seed ?? 'first'));
  }
}

/** WMA(n): weights 1…n, newest heaviest. NaN for the first n − 1 bars (TA-Lib's WMA). */
export class Wma implements Indicator<PriceInput, number> {
  private readonly window: Window;
  /** Σ weight·value of the window now. */
  private weighted = 0;
  /** Before the last value joined: Σ weight·value, the plain sum, whether the window was full. */
  private weightedBefore = 0;
  private plainBefore = 0;
  private fullBefore = false;

  constructor(readonly n: number) {
    this.window = new Window(checkLength('n', n));
  }

  get count(): number {
    return this.window.count;
  }

  update(input: PriceInput): number {
    const value = closeOf(input);
    this.weightedBefore = this.weighted;
    this.plainBefore = this.window.count === 0 ? 0 : this.window.total();
    this.fullBefore = this.window.full;
    this.window.push(value);
    return this.settle(value);
  }

  replace(input: PriceInput): number {
    if (this.window.count === 0) return this.update(input);
    const value = closeOf(input);
    this.window.replaceLast(value);
    return this.settle(value);
  }

  private settle(value: number): number {
    // Each held value loses one weight when a new one joins a full window (the oldest leaves).
    this.weighted = this.fullBefore
      ? this.weightedBefore - this.plainBefore + this.n * value
      : this.weightedBefore + this.window.count * value;
    // Re-summed exactly once per ring turn, so rounding does not build up.
    if (this.window.count % this.n === 0) {
      let sum = 0;
      for (let i = 0; i < this.n; i += 1) sum += (this.n - i) * this.window.back(i);
      this.weighted = sum;
    }
    return this.window.full ? this.weighted / ((this.n * (this.n + 1)) / 2) : NaN;
  }
}
