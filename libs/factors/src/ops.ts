import { assertSameAxes, FactorError, Panel } from './panel';

/**
 * Column-wise kernels over panels. Time-series operators (`ts_*`, `delay`, `delta`, `corr`) run down each
 * instrument's column and, as pandas' `rolling(n)` does by default, give NaN unless all `n` values of the
 * window are present. Cross-section operators (`cs_*`) run across each date's row over the values present.
 * Arithmetic that gives ±Infinity (a division by zero) gives NaN: an infinite factor value has no rank.
 * Everything walks the date-major array row by row, so memory is read in order.
 */

export const MAX_WINDOW = 5_000;

function checkWindow(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WINDOW)
    throw new FactorError(
      'bad_window',
      `${what}: the window is a whole number of dates, 1–${MAX_WINDOW}, not ${n}`,
    );
  return n;
}

const finite = (v: number): number => (v === Infinity || v === -Infinity ? Number.NaN : v);

export function unary(x: Panel, fn: (v: number) => number): Panel {
  const out = new Float64Array(x.values.length);
  const v = x.values;
  for (let k = 0; k < v.length; k += 1) out[k] = finite(fn(v[k]!));
  return x.like(out);
}

export function binary(
  a: Panel | number,
  b: Panel | number,
  fn: (x: number, y: number) => number,
): Panel | number {
  if (typeof a === 'number' && typeof b === 'number') return finite(fn(a, b));
  if (typeof a === 'number') {
    const p = b as Panel;
    const out = new Float64Array(p.values.length);
    for (let k = 0; k < out.length; k += 1) out[k] = finite(fn(a, p.values[k]!));
    return p.like(out);
  }
  if (typeof b === 'number') {
    const out = new Float64Array(a.values.length);
    for (let k = 0; k < out.length; k += 1) out[k] = finite(fn(a.values[k]!, b));
    return a.like(out);
  }
  assertSameAxes(a, b, 'the operands');
  const out = new Float64Array(a.values.length);
  const x = a.values;
  const y = b.values;
  for (let k = 0; k < out.length; k += 1) out[k] = finite(fn(x[k]!, y[k]!));
  return a.like(out);
}

/** x shifted down by n dates (NaN for the first n); n may be 0. */
export function delay(x: Panel, n: number): Panel {
  if (n !== 0) checkWindow(n, 'delay');
  const out = new Float64Array(x.values.length).fill(Number.NaN);
  const shift = n * x.columns;
  out.set(x.values.subarray(0, Math.max(0, x.values.length - shift)), shift);
  return x.like(out);
}

export function delta(x: Panel, n: number): Panel {
  return binary(x, delay(x, n), (a, b) => a - b) as Panel;
}

/**
 * Rolling sums of the window's values (and squares), shifted by each column's first value so that
 * prices near 3,500 with a small spread keep their precision; NaN unless the whole window is present.
 * `take` gets the shifted sums and the shift.
 */
function rollingMoments(
  x: Panel,
  n: number,
  what: string,
  take: (sum: number, squares: number, origin: number) => number,
): Panel {
  checkWindow(n, what);
  const { rows, columns } = x;
  const v = x.values;
  const out = new Float64Array(v.length).fill(Number.NaN);
  const sum = new Float64Array(columns);
  const squares = new Float64Array(columns);
  const missing = new Int32Array(columns);
  const origin = firstValues(x);
  for (let d = 0; d < rows; d += 1) {
    const base = d * columns;
    const leaving = (d - n) * columns;
    for (let i = 0; i < columns; i += 1) {
      const value = v[base + i]!;
      if (Number.isNaN(value)) missing[i]! += 1;
      else {
        const s = value - origin[i]!;
        sum[i]! += s;
        squares[i]! += s * s;
      }
      if (d >= n) {
        const old = v[leaving + i]!;
        if (Number.isNaN(old)) missing[i]! -= 1;
        else {
          const s = old - origin[i]!;
          sum[i]! -= s;
          squares[i]! -= s * s;
        }
      }
      if (d >= n - 1 && missing[i] === 0)
        out[base + i] = finite(take(sum[i]!, squares[i]!, origin[i]!));
    }
  }
  return x.like(out);
}

export function tsSum(x: Panel, n: number): Panel {
  return rollingMoments(x, n, 'ts_sum', (s, _q, origin) => s + n * origin);
}

export function tsMean(x: Panel, n: number): Panel {
  return rollingMoments(x, n, 'ts_mean', (s, _q, origin) => s / n + origin);
}

/** Sample standard deviation (n − 1), as pandas' `rolling(n).std()`; NaN for n = 1. */
export function tsStd(x: Panel, n: number): Panel {
  return rollingMoments(x, n, 'ts_std', (s, q) => {
    if (n < 2) return Number.NaN;
    const variance = (q - (s * s) / n) / (n - 1);
    return variance > 0 ? Math.sqrt(variance) : 0;
  });
}

function firstValues(x: Panel): Float64Array {
  const origin = new Float64Array(x.columns).fill(Number.NaN);
  let left = x.columns;
  for (let d = 0; d < x.rows && left > 0; d += 1)
    for (let i = 0; i < x.columns; i += 1) {
      const value = x.values[d * x.columns + i]!;
      if (Number.isNaN(origin[i]!) && !Number.isNaN(value)) {
        origin[i] = value;
        left -= 1;
      }
    }
  return origin;
}

/** A statistic of each full window, computed from the window's values (min, max, rank). */
function rollingScan(
  x: Panel,
  n: number,
  what: string,
  take: (window: Float64Array, last: number) => number,
): Panel {
  checkWindow(n, what);
  const { rows, columns } = x;
  const v = x.values;
  const out = new Float64Array(v.length).fill(Number.NaN);
  const missing = new Int32Array(columns);
  const window = new Float64Array(n);
  for (let d = 0; d < rows; d += 1) {
    const base = d * columns;
    for (let i = 0; i < columns; i += 1) {
      if (Number.isNaN(v[base + i]!)) missing[i]! += 1;
      if (d >= n && Number.isNaN(v[(d - n) * columns + i]!)) missing[i]! -= 1;
      if (d < n - 1 || missing[i] !== 0) continue;
      for (let k = 0; k < n; k += 1) window[k] = v[(d - n + 1 + k) * columns + i]!;
      out[base + i] = take(window, window[n - 1]!);
    }
  }
  return x.like(out);
}

export function tsMin(x: Panel, n: number): Panel {
  return rollingScan(x, n, 'ts_min', (w) => {
    let m = Infinity;
    for (const value of w) if (value < m) m = value;
    return m;
  });
}

export function tsMax(x: Panel, n: number): Panel {
  return rollingScan(x, n, 'ts_max', (w) => {
    let m = -Infinity;
    for (const value of w) if (value > m) m = value;
    return m;
  });
}

/** The last value's rank within its window, as a fraction in (0, 1] (ties averaged), as pandas' `rolling(n).rank(pct=True)`. */
export function tsRank(x: Panel, n: number): Panel {
  return rollingScan(x, n, 'ts_rank', (w, last) => {
    let below = 0;
    let equal = 0;
    for (const value of w) {
      if (value < last) below += 1;
      else if (value === last) equal += 1;
    }
    return (below + (equal + 1) / 2) / n;
  });
}

/** Pearson correlation of x and y over each full window (NaN when either is constant there). */
export function tsCorr(a: Panel, b: Panel, n: number): Panel {
  return rollingPair(a, b, n, 'corr', (sx, sy, sxx, syy, sxy) => {
    const cov = sxy - (sx * sy) / n;
    const vx = sxx - (sx * sx) / n;
    const vy = syy - (sy * sy) / n;
    if (!(vx > 1e-14 * Math.max(1, sxx)) || !(vy > 1e-14 * Math.max(1, syy))) return Number.NaN;
    return Math.max(-1, Math.min(1, cov / Math.sqrt(vx * vy)));
  });
}

/** Sample covariance (n − 1) of x and y over each full window. */
export function tsCov(a: Panel, b: Panel, n: number): Panel {
  return rollingPair(a, b, n, 'cov', (sx, sy, _sxx, _syy, sxy) =>
    n < 2 ? Number.NaN : (sxy - (sx * sy) / n) / (n - 1),
  );
}

function rollingPair(
  a: Panel,
  b: Panel,
  n: number,
  what: string,
  take: (sx: number, sy: number, sxx: number, syy: number, sxy: number) => number,
): Panel {
  checkWindow(n, what);
  assertSameAxes(a, b, `${what}'s operands`);
  const { rows, columns } = a;
  const x = a.values;
  const y = b.values;
  const ox = firstValues(a);
  const oy = firstValues(b);
  const out = new Float64Array(x.length).fill(Number.NaN);
  const sx = new Float64Array(columns);
  const sy = new Float64Array(columns);
  const sxx = new Float64Array(columns);
  const syy = new Float64Array(columns);
  const sxy = new Float64Array(columns);
  const missing = new Int32Array(columns);
  const add = (k: number, i: number, sign: number): void => {
    const vx = x[k]!;
    const vy = y[k]!;
    if (Number.isNaN(vx) || Number.isNaN(vy)) {
      missing[i]! += sign;
      return;
    }
    const dx = vx - ox[i]!;
    const dy = vy - oy[i]!;
    sx[i]! += sign * dx;
    sy[i]! += sign * dy;
    sxx[i]! += sign * dx * dx;
    syy[i]! += sign * dy * dy;
    sxy[i]! += sign * dx * dy;
  };
  for (let d = 0; d < rows; d += 1) {
    const base = d * columns;
    for (let i = 0; i < columns; i += 1) {
      add(base + i, i, 1);
      if (d >= n) add((d - n) * columns + i, i, -1);
      if (d >= n - 1 && missing[i] === 0)
        out[base + i] = finite(take(sx[i]!, sy[i]!, sxx[i]!, syy[i]!, sxy[i]!));
    }
  }
  return a.like(out);
}

/** Reusable buffers of `rankRow` for rows of up to `size` values. */
export class RankScratch {
  readonly present: Float64Array;
  readonly sorted: Float64Array;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly order: Uint32Array;
  readonly spare: Uint32Array;
  readonly counts = new Uint32Array(2048);
  readonly where: Uint32Array;
  /** `present` as 32-bit words (little-endian: low word first). */
  readonly presentWords: Uint32Array;

  constructor(readonly size: number) {
    this.present = new Float64Array(size);
    this.presentWords = new Uint32Array(this.present.buffer);
    this.sorted = new Float64Array(size);
    this.hi = new Uint32Array(size);
    this.lo = new Uint32Array(size);
    this.order = new Uint32Array(size);
    this.spare = new Uint32Array(size);
    this.where = new Uint32Array(size);
  }
}

/**
 * The order that sorts `values[0…n)` ascending: an LSD radix sort (11-bit digits, passes where every key
 * has the same digit skipped) of the high 32 bits of their IEEE-754 patterns, made to sort as the numbers
 * do (negatives' bits flipped, positives' sign bit set) — sign, exponent and 20 bits of mantissa — then
 * the rare runs that share those bits put in order by the low 32 bits (insertion sort). No comparator
 * calls. Returns `scratch.order` (its first n).
 */
export function argsortFloat64(
  values: ArrayLike<number>,
  n: number,
  scratch: RankScratch,
): Uint32Array {
  const { hi, lo, counts } = scratch;
  // The values' bit patterns: read in place when they are the scratch's own `present`.
  let source32 = scratch.presentWords;
  if (values !== scratch.present) {
    scratch.present.set(Array.prototype.slice.call(values, 0, n) as number[]);
    source32 = scratch.presentWords;
  }
  for (let j = 0; j < n; j += 1) {
    const high = source32[2 * j + 1]!;
    const low = source32[2 * j]!;
    if (high & 0x80000000) {
      hi[j] = ~high >>> 0;
      lo[j] = ~low >>> 0;
    } else {
      hi[j] = (high | 0x80000000) >>> 0;
      lo[j] = low;
    }
  }
  let source = scratch.order;
  let target = scratch.spare;
  for (let j = 0; j < n; j += 1) source[j] = j;
  for (const [shift, mask] of [
    [0, 2047],
    [11, 2047],
    [22, 1023],
  ] as const) {
    counts.fill(0, 0, mask + 1);
    for (let j = 0; j < n; j += 1) counts[(hi[j]! >>> shift) & mask]! += 1;
    if (n === 0 || counts[(hi[0]! >>> shift) & mask] === n) continue; // one digit for all: nothing to do
    let total = 0;
    for (let b = 0; b <= mask; b += 1) {
      const c = counts[b]!;
      counts[b] = total;
      total += c;
    }
    for (let j = 0; j < n; j += 1) {
      const index = source[j]!;
      target[counts[(hi[index]! >>> shift) & mask]!++] = index;
    }
    const swap = source;
    source = target;
    target = swap;
  }
  // Runs with the same high word: order by the low word.
  for (let start = 0; start < n;) {
    const key = hi[source[start]!]!;
    let end = start + 1;
    while (end < n && hi[source[end]!] === key) end += 1;
    for (let j = start + 1; j < end; j += 1) {
      const index = source[j]!;
      const low = lo[index]!;
      let k = j - 1;
      while (k >= start && lo[source[k]!]! > low) {
        source[k + 1] = source[k]!;
        k -= 1;
      }
      source[k + 1] = index;
    }
    start = end;
  }
  if (source !== scratch.order) scratch.order.set(source.subarray(0, n));
  return scratch.order;
}

/**
 * Average-tie ranks (1 … count) of a row's present values into `out` (NaN where absent), each multiplied
 * by `scale`; returns the count, and leaves the present values sorted in `scratch.sorted[0…count)`.
 */
export function rankRow(
  row: ArrayLike<number>,
  out: Float64Array,
  scratch?: RankScratch,
  scale = 1,
): number {
  const length = row.length;
  const s = scratch && scratch.size >= length ? scratch : new RankScratch(length);
  const { present, where, sorted } = s;
  let count = 0;
  for (let i = 0; i < length; i += 1) {
    const value = row[i]!;
    if (value === value) {
      present[count] = value;
      where[count++] = i;
    } else out[i] = Number.NaN;
  }
  const order = argsortFloat64(present, count, s);
  for (let k = 0; k < count;) {
    const value = present[order[k]!]!;
    let end = k + 1;
    while (end < count && present[order[end]!] === value) end += 1;
    const rank = ((k + 1 + end) / 2) * scale;
    for (let m = k; m < end; m += 1) {
      out[where[order[m]!]!] = rank;
      sorted[m] = value;
    }
    k = end;
  }
  return count;
}

/** Cross-sectional rank as a fraction in (0, 1] (ties averaged), as pandas' `rank(pct=True)` across a date. */
export function csRank(x: Panel): Panel {
  const out = new Float64Array(x.values.length);
  const scratch = new RankScratch(x.columns);
  for (let d = 0; d < x.rows; d += 1) {
    const row = x.row(d);
    let count = 0;
    for (let i = 0; i < row.length; i += 1) if (row[i] === row[i]) count += 1;
    rankRow(row, out.subarray(d * x.columns, (d + 1) * x.columns), scratch, 1 / count);
  }
  return x.like(out);
}

/** Mean and sample standard deviation (n − 1) of a row's present values. */
export function rowMoments(row: ArrayLike<number>): { mean: number; std: number; count: number } {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < row.length; i += 1) {
    const v = row[i]!;
    if (!Number.isNaN(v)) {
      count += 1;
      sum += v;
    }
  }
  const mean = count ? sum / count : Number.NaN;
  let squares = 0;
  for (let i = 0; i < row.length; i += 1) {
    const v = row[i]!;
    if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  }
  return { mean, std: count > 1 ? Math.sqrt(squares / (count - 1)) : Number.NaN, count };
}

/**
 * Whether a row's spread is more than rounding: a standard deviation within 1e-12 of the mean's size is
 * the noise of summing equal values, and dividing by it would blow that noise up into z-scores.
 */
export function hasSpread(mean: number, std: number): boolean {
  return std > 1e-12 * Math.max(Math.abs(mean), Number.MIN_VALUE);
}

/** (x − mean) / std across each date (sample std); NaN for a date with fewer than two values or no spread. */
export function csZscore(x: Panel): Panel {
  const out = new Float64Array(x.values.length);
  for (let d = 0; d < x.rows; d += 1) {
    const row = x.row(d);
    const { mean, std } = rowMoments(row);
    const spread = hasSpread(mean, std);
    for (let i = 0; i < x.columns; i += 1)
      out[d * x.columns + i] = spread ? (row[i]! - mean) / std : Number.NaN;
  }
  return x.like(out);
}

/** x − the date's mean. */
export function csDemean(x: Panel): Panel {
  const out = new Float64Array(x.values.length);
  for (let d = 0; d < x.rows; d += 1) {
    const row = x.row(d);
    const { mean } = rowMoments(row);
    for (let i = 0; i < x.columns; i += 1) out[d * x.columns + i] = row[i]! - mean;
  }
  return x.like(out);
}
