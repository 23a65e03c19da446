import { checkLength, Indicator, MovingAverage, TdxSma } from './moving-average';
import { BarInput, closeOf, Extreme, finite, PriceInput } from './window';

/** HHV(n): the highest of the last n values (a bar's high). First value at bar n − 1. */
export class Hhv implements Indicator<PriceInput, number> {
  private readonly extreme: Extreme;
  count = 0;

  constructor(readonly n: number) {
    this.extreme = new Extreme(checkLength('n', n), true);
  }

  update(input: PriceInput): number {
    this.extreme.push(
      typeof input === 'number' ? finite(input, 'value') : finite(input.high, 'high'),
    );
    this.count += 1;
    return this.extreme.full ? this.extreme.value() : NaN;
  }

  replace(input: PriceInput): number {
    if (this.count === 0) return this.update(input);
    this.extreme.replaceLast(
      typeof input === 'number' ? finite(input, 'value') : finite(input.high, 'high'),
    );
    return this.extreme.full ? this.extreme.value() : NaN;
  }
}

/** LLV(n): the lowest of the last n values (a bar's low). First value at bar n − 1. */
export class Llv implements Indicator<PriceInput, number> {
  private readonly extreme: Extreme;
  count = 0;

  constructor(readonly n: number) {
    this.extreme = new Extreme(checkLength('n', n), false);
  }

  update(input: PriceInput): number {
    this.extreme.push(
      typeof input === 'number' ? finite(input, 'value') : finite(input.low, 'low'),
    );
    this.count += 1;
    return this.extreme.full ? this.extreme.value() : NaN;
  }

  replace(input: PriceInput): number {
    if (this.count === 0) return this.update(input);
    this.extreme.replaceLast(
      typeof input === 'number' ? finite(input, 'value') : finite(input.low, 'low'),
    );
    return this.extreme.full ? this.extreme.value() : NaN;
  }
}

/**
 * RSV(n) = (close − LLV(low, n)) / (HHV(high, n) − LLV(low, n)) · 100, 0 when the range is flat.
 * First value at bar n − 1.
 */
export class Rsv implements Indicator<BarInput, number> {
  private readonly high: Hhv;
  private readonly low: Llv;

  constructor(readonly n = 9) {
    this.high = new Hhv(n);
    this.low = new Llv(n);
  }

  get count(): number {
    return this.high.count;
  }

  update(bar: BarInput): number {
    return this.rsv(closeOf(bar), this.high.update(bar), this.low.update(bar));
  }

  replace(bar: BarInput): number {
    return this.rsv(closeOf(bar), this.high.replace(bar), this.low.replace(bar));
  }

  private rsv(close: number, high: number, low: number): number {
    if (Number.isNaN(high)) return NaN;
    return high === low ? 0 : ((close - low) / (high - low)) * 100;
  }
}

export interface KdjValue {
  k: number;
  d: number;
  j: number;
}

/**
 * KDJ(n, m1, m2), 通达信: RSV(n); K = SMA(RSV, m1, 1); D = SMA(K, m2, 1); J = 3K − 2D, where
 * SMA(X,N,M) is 通达信's recursive average seeded with 50 (`seed`; the usual K = D = 50 start —
 * pass `'first'` for the first RSV instead). First value at bar n − 1. TA-Lib has no KDJ: its
 * counterpart is the slow stochastic (`Stochastic`, simple means instead of the recursion).
 */
export class Kdj implements Indicator<BarInput, KdjValue> {
  private readonly rsv: Rsv;
  private readonly k: TdxSma;
  private readonly d: TdxSma;

  constructor(
    readonly n = 9,
    readonly m1 = 3,
    readonly m2 = 3,
    seed: number | 'first' = 50,
  ) {
    this.rsv = new Rsv(n);
    const start = seed === 'first' ? undefined : finite(seed, 'seed');
    this.k = new TdxSma(checkLength('m1', m1), 1, start);
    this.d = new TdxSma(checkLength('m2', m2), 1, start);
  }

  get count(): number {
    return this.rsv.count;
  }

  update(bar: BarInput): KdjValue {
    const rsv = this.rsv.update(bar);
    if (Number.isNaN(rsv)) return { k: NaN, d: NaN, j: NaN };
    return this.kdj(this.k.update(rsv), (k) => this.d.update(k));
  }

  replace(bar: BarInput): KdjValue {
    const rsv = this.rsv.replace(bar);
    if (Number.isNaN(rsv)) return { k: NaN, d: NaN, j: NaN };
    return this.kdj(this.k.replace(rsv), (k) => this.d.replace(k));
  }

  private kdj(k: number, dOf: (k: number) => number): KdjValue {
    const d = dOf(k);
    return { k, d, j: 3 * k - 2 * d };
  }
}

export interface StochasticValue {
  k: number;
  d: number;
}

/**
 * Stochastic oscillator with simple means (TA-Lib's STOCHF and STOCH, SMA smoothing).
 * `fast`: K = RSV(n), D = MA(K, dN); first D at bar n + dN − 2.
 * `slow`: K = MA(RSV(n), kN), D = MA(K, dN); first D at bar n + kN + dN − 3.
 * Before D is defined both are NaN (TA-Lib starts both lines on the same bar).
 */
export class Stochastic implements Indicator<BarInput, StochasticValue> {
  private readonly rsv: Rsv;
  private readonly smoothK?: MovingAverage;
  private readonly smoothD: MovingAverage;

  constructor(
    readonly kind: 'fast' | 'slow' = 'slow',
    readonly n = 5,
    readonly kN = 3,
    readonly dN = 3,
  ) {
    this.rsv = new Rsv(n);
    if (kind === 'slow') this.smoothK = new MovingAverage(kN);
    this.smoothD = new MovingAverage(dN);
  }

  get count(): number {
    return this.rsv.count;
  }

  update(bar: BarInput): StochasticValue {
    const rsv = this.rsv.update(bar);
    if (Number.isNaN(rsv)) return { k: NaN, d: NaN };
    const k = this.smoothK ? this.smoothK.update(rsv) : rsv;
    if (Number.isNaN(k)) return { k: NaN, d: NaN };
    return this.value(k, this.smoothD.update(k));
  }

  replace(bar: BarInput): StochasticValue {
    const rsv = this.rsv.replace(bar);
    if (Number.isNaN(rsv)) return { k: NaN, d: NaN };
    const k = this.smoothK ? this.smoothK.replace(rsv) : rsv;
    if (Number.isNaN(k)) return { k: NaN, d: NaN };
    return this.value(k, this.smoothD.replace(k));
  }

  private value(k: number, d: number): StochasticValue {
    return Number.isNaN(d) ? { k: NaN, d: NaN } : { k, d };
  }
}
