import {
  checkLength,
  Convention,
  Indicator,
  MovingAverage,
  RecursiveAverage,
} from './moving-average';
import { Successive } from './oscillators';
import { trueRange } from './volatility';
import { BarInput, closeOf, finite, PriceInput, Window } from './window';

export interface MacdValue {
  /** DIF: EMA(fast) − EMA(slow). */
  dif: number;
  /** DEA: EMA(DIF, signal). */
  dea: number;
  /** The histogram: `talib` DIF − DEA; `tdx` 2·(DIF − DEA) (通达信's MACD bar). */
  histogram: number;
}

/**
 * MACD(fast, slow, signal), default 12/26/9.
 * `talib`: as TA-Lib's MACD — the slow EMA seeded with the mean of its first window, the fast EMA
 * with the mean of the `fast` values ending on the same bar (slow − 1), the signal EMA with the mean
 * of the first `signal` DIFs; every line starts on bar slow + signal − 2; histogram = DIF − DEA.
 * `tdx`: 通达信 `DIF:EMA(C,12)−EMA(C,26); DEA:EMA(DIF,9); MACD:(DIF−DEA)·2`, every EMA seeded with
 * its first value, a value from the first bar.
 */
export class Macd implements Indicator<PriceInput, MacdValue> {
  count = 0;
  private readonly fastAverage: RecursiveAverage;
  private readonly slowAverage: RecursiveAverage;
  private readonly signalAverage: RecursiveAverage;
  /** Bar (0-based) from which the fast EMA takes values. */
  private readonly fastStart: number;

  constructor(
    readonly fast = 12,
    readonly slow = 26,
    readonly signal = 9,
    readonly convention: Convention = 'talib',
  ) {
    checkLength('fast', fast);
    checkLength('slow', slow);
    checkLength('signal', signal);
    if (fast >= slow) throw new RangeError(`fast (${fast}) must be shorter than slow (${slow})`);
    const seed = convention === 'talib' ? 'mean' : 'first';
    this.fastAverage = new RecursiveAverage(fast, 2 / (fast + 1), seed);
    this.slowAverage = new RecursiveAverage(slow, 2 / (slow + 1), seed);
    this.signalAverage = new RecursiveAverage(signal, 2 / (signal + 1), seed);
    this.fastStart = convention === 'talib' ? slow - fast : 0;
  }

  update(input: PriceInput): MacdValue {
    this.count += 1;
    return this.step(closeOf(input), 'update');
  }

  replace(input: PriceInput): MacdValue {
    if (this.count === 0) return this.update(input);
    return this.step(closeOf(input), 'replace');
  }

  private step(close: number, how: 'update' | 'replace'): MacdValue {
    const bar = this.count - 1;
    const slow = this.slowAverage[how](close);
    const fast = bar >= this.fastStart ? this.fastAverage[how](close) : NaN;
    if (Number.isNaN(slow) || Number.isNaN(fast)) return { dif: NaN, dea: NaN, histogram: NaN };
    const dif = fast - slow;
    const dea = this.signalAverage[how](dif);
    if (Number.isNaN(dea)) return { dif: NaN, dea: NaN, histogram: NaN };
    return { dif, dea, histogram: (this.convention === 'tdx' ? 2 : 1) * (dif - dea) };
  }
}

export interface DmiValue {
  /** +DI. */
  plusDi: number;
  /** −DI. */
  minusDi: number;
  adx: number;
  adxr: number;
}

/**
 * DMI / ADX. Directional moves: +DM = high − previous high when it beats previous low − low and is
 * positive, −DM the other way round, else 0.
 * `talib` (Wilder, TA-Lib's PLUS_DI/MINUS_DI/ADX/ADXR with period n): +DM, −DM and TR summed over
 * the first n − 1 changes, then `s = s − s/n + x`; DI = 100·s(DM)/s(TR) from bar n; DX = 100·|+DI −
 * −DI| / (+DI + −DI); ADX = the mean of the first n DXs, then Wilder's average (from bar 2n − 1);
 * ADXR = (ADX + ADX n − 1 bars ago) / 2 (from bar 3n − 2).
 * `tdx` (通达信 DMI(N, M), default 14, 6): sums of the last n TR/+DM/−DM (from bar n); ADX =
 * MA(DX, m) (from bar n + m − 1); ADXR = (ADX + ADX m bars ago) / 2 (from bar n + 2m − 1).
 * DX is 0 when both DIs are 0.
 */
export class Dmi implements Indicator<BarInput, DmiValue> {
  /** High, low and close of the bars (copied: a caller may reuse one bar object). */
  private readonly bars = new Successive<{ high: number; low: number; close: number }>();
  // talib: Wilder sums; tdx: windows.
  private readonly sums: Array<WilderSum | Window>;
  private readonly adxAverage: RecursiveAverage | MovingAverage;
  private readonly adxHistory: Window;
  private readonly lag: number;

  constructor(
    readonly n = 14,
    readonly convention: Convention = 'talib',
    readonly m = 6,
  ) {
    checkLength('n', n, convention === 'talib' ? 2 : 1);
    checkLength('m', m);
    this.sums = [0, 1, 2].map(() => (convention === 'talib' ? new WilderSum(n) : new Window(n)));
    this.adxAverage =
      convention === 'talib' ? new RecursiveAverage(n, 1 / n, 'mean') : new MovingAverage(m);
    this.lag = convention === 'talib' ? n - 1 : m;
    this.adxHistory = new Window(this.lag + 1);
  }

  get count(): number {
    return this.bars.count;
  }

  update(bar: BarInput): DmiValue {
    return this.step(bar, this.bars.push(copyOf(bar)), 'update');
  }

  replace(bar: BarInput): DmiValue {
    return this.step(bar, this.bars.replace(copyOf(bar)), 'replace');
  }

  private step(
    bar: BarInput,
    previous: { high: number; low: number; close: number } | undefined,
    how: 'update' | 'replace',
  ): DmiValue {
    const none = { plusDi: NaN, minusDi: NaN, adx: NaN, adxr: NaN };
    const high = finite(bar.high, 'high');
    const low = finite(bar.low, 'low');
    if (previous === undefined) return none;
    const up = high - previous.high;
    const down = previous.low - low;
    const plus = up > 0 && up > down ? up : 0;
    const minus = down > 0 && down > up ? down : 0;
    const tr = trueRange(bar, closeOf(previous));
    const [trSum, plusSum, minusSum] = [tr, plus, minus].map((x, i) => {
      const sum = this.sums[i]!;
      if (sum instanceof Window) {
        if (how === 'update') sum.push(x);
        else sum.replaceLast(x);
        return sum.full ? sum.total() : NaN;
      }
      return sum[how](x);
    }) as [number, number, number];
    if (Number.isNaN(trSum)) return none;
    const plusDi = trSum === 0 ? 0 : (100 * plusSum) / trSum;
    const minusDi = trSum === 0 ? 0 : (100 * minusSum) / trSum;
    const diSum = plusDi + minusDi;
    const dx = diSum === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / diSum;
    const adx = this.adxAverage[how](dx);
    if (Number.isNaN(adx)) return { plusDi, minusDi, adx: NaN, adxr: NaN };
    if (how === 'update') this.adxHistory.push(adx);
    else this.adxHistory.replaceLast(adx);
    const adxr = this.adxHistory.full ? (adx + this.adxHistory.oldest()) / 2 : NaN;
    return { plusDi, minusDi, adx, adxr };
  }
}

const copyOf = (bar: BarInput) => ({ high: bar.high, low: bar.low, close: bar.close });

/**
 * Wilder's running sum: the sum of the first n − 1 inputs, then `s = s − s/n + x` (first value on
 * the n-th input, as TA-Lib's directional indicators).
 */
class WilderSum {
  private count = 0;
  private before = 0;
  private current = 0;

  constructor(private readonly n: number) {}

  update(x: number): number {
    this.before = this.current;
    this.count += 1;
    return this.step(x);
  }

  replace(x: number): number {
    if (this.count === 0) return this.update(x);
    return this.step(x);
  }

  private step(x: number): number {
    if (this.count < this.n) {
      this.current = this.before + x;
      return NaN;
    }
    this.current = this.before - this.before / this.n + x;
    return this.current;
  }
}
