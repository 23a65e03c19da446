/** A bar as the indicators read it (a number stands for a close). */
export interface BarInput {
  open?: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
  /** Trading day (`YYYYMMDD`): VWAP starts again when it changes. */
  tradingDay?: string;
}

export type PriceInput = number | BarInput;

/** The close of an input, checked finite (an indicator never takes NaN in silently). */
export function closeOf(input: PriceInput): number {
  return finite(typeof input === 'number' ? input : input.close, 'close');
}

export function finite(value: number | undefined, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new RangeError(`indicator input ${field} must be a finite number, got ${String(value)}`);
  return value;
}

/**
 * The last `size` values of a series, with their running sum and sum of squares (taken about a
 * shift, re-summed exactly each time the ring wraps, so rounding does not build up). `push` adds a
 * value; `replaceLast` changes the newest one in O(1) (the forming bar).
 */
export class Window {
  private readonly values: Float64Array;
  /** Next slot to write. */
  private head = 0;
  count = 0;
  private shift = 0;
  private sum = 0;
  private squares = 0;

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 1)
      throw new RangeError(`window length must be a positive integer, got ${size}`);
    this.values = new Float64Array(size);
  }

  get full(): boolean {
    return this.count >= this.size;
  }

  /** Values held (≤ size). */
  get length(): number {
    return Math.min(this.count, this.size);
  }

  push(value: number): void {
    if (this.count === 0) this.shift = value;
    if (this.count >= this.size) {
      const old = this.values[this.head]! - this.shift;
      this.sum -= old;
      this.squares -= old * old;
    }
    // What the sums were before this value joined: a replaced newest value joins them again, so
    // pushing v and replacing the newest with v leave the same bits.
    this.sumBefore = this.sum;
    this.squaresBefore = this.squares;
    this.shiftBefore = this.shift;
    this.count += 1;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
    this.join(value);
  }

  replaceLast(value: number): void {
    if (this.count === 0) {
      this.push(value);
      return;
    }
    this.sum = this.sumBefore;
    this.squares = this.squaresBefore;
    this.shift = this.shiftBefore;
    this.join(value);
  }

  private sumBefore = 0;
  private squaresBefore = 0;
  private shiftBefore = 0;

  /** Writes the newest value (at head − 1) and adds it to the sums. */
  private join(value: number): void {
    const at = this.head === 0 ? this.size - 1 : this.head - 1;
    this.values[at] = value;
    const d = value - this.shift;
    this.sum += d;
    this.squares += d * d;
    // Re-summed exactly once per turn of the ring.
    if (this.head === 0) this.resum();
  }

  /** The `i`-th value back: 0 = newest. */
  back(i: number): number {
    let at = this.head - 1 - i;
    if (at < 0) at += this.size;
    return this.values[at]!;
  }

  /** The oldest value held. */
  oldest(): number {
    return this.back(this.length - 1);
  }

  total(): number {
    return this.sum + this.shift * this.length;
  }

  mean(): number {
    return this.sum / this.length + this.shift;
  }

  /** Variance with `ddof` (0: population, 1: sample). */
  variance(ddof: 0 | 1): number {
    const n = this.length;
    if (n - ddof <= 0) return NaN;
    const v = (this.squares - (this.sum * this.sum) / n) / (n - ddof);
    return v > 0 ? v : 0;
  }

  private resum(): void {
    const n = this.length;
    let total = 0;
    for (let i = 0; i < n; i += 1) total += this.values[i]!;
    this.shift = total / n;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i += 1) {
      const d = this.values[i]! - this.shift;
      sum += d;
      squares += d * d;
    }
    this.sum = sum;
    this.squares = squares;
  }
}

/**
 * The highest (or lowest) of the last `size` values: a monotonic deque, O(1) amortised per new
 * value. `replaceLast` restores what the newest value had pushed out, so it costs what that push
 * removed (at most `size`).
 */
export class Extreme {
  private readonly values: Float64Array;
  private readonly indices: Float64Array;
  private front = 0;
  private length = 0;
  private count = 0;
  /** What the newest value pushed out of the back, newest first. */
  private readonly poppedValues: Float64Array;
  private readonly poppedIndices: Float64Array;
  private popped = 0;

  constructor(
    readonly size: number,
    private readonly highest: boolean,
  ) {
    if (!Number.isSafeInteger(size) || size < 1)
      throw new RangeError(`window length must be a positive integer, got ${size}`);
    const capacity = size + 1;
    this.values = new Float64Array(capacity);
    this.indices = new Float64Array(capacity);
    this.poppedValues = new Float64Array(capacity);
    this.poppedIndices = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.count >= this.size;
  }

  /** The extreme of the values held (NaN before any). */
  value(): number {
    return this.length === 0 ? NaN : this.values[this.front]!;
  }

  push(value: number): void {
    const index = this.count;
    this.count += 1;
    // Out of the window at the front.
    while (this.length > 0 && this.indices[this.front]! <= index - this.size) {
      this.front = (this.front + 1) % this.values.length;
      this.length -= 1;
    }
    this.insert(value, index);
  }

  replaceLast(value: number): void {
    if (this.count === 0) {
      this.push(value);
      return;
    }
    const index = this.count - 1;
    // The newest value is at the back; take it out and put back what it had pushed out.
    this.length -= 1;
    for (let i = this.popped - 1; i >= 0; i -= 1)
      this.append(this.poppedValues[i]!, this.poppedIndices[i]!);
    this.insert(value, index);
  }

  private insert(value: number, index: number): void {
    this.popped = 0;
    const capacity = this.values.length;
    while (this.length > 0) {
      const back = (this.front + this.length - 1) % capacity;
      const held = this.values[back]!;
      if (this.highest ? held > value : held < value) break;
      this.poppedValues[this.popped] = held;
      this.poppedIndices[this.popped] = this.indices[back]!;
      this.popped += 1;
      this.length -= 1;
    }
    this.append(value, index);
  }

  private append(value: number, index: number): void {
    const at = (this.front + this.length) % this.values.length;
    this.values[at] = value;
    this.indices[at] = index;
    this.length += 1;
  }
}
