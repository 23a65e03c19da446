import { checkLength, Convention } from './moving-average';

/**
 * Tight loops over `Float64Array` for the batch forms of the most used indicators. Each does the
 * streaming indicator's arithmetic in the same order (the window's shifted running sums re-summed
 * once per turn of the ring, the recursive averages' seeds), so batch and streaming give the same
 * bits; the property test holds them to it.
 */

type Series = ArrayLike<number>;

function value(values: Series, i: number): number {
  const x = values[i]!;
  if (x - x !== 0)
    throw new RangeError(`indicator input close must be a finite number, got ${String(x)}`);
  return x;
}

/**
 * The window's mean (into `means`) and deviation with `ddof` (into `deviations`, n > ddof) over
 * every full window, as `Window` keeps them (shifted running sums, re-summed once per turn of the
 * ring); NaN before. One loop for STD and BOLL.
 */
function windowStats(
  values: Series,
  n: number,
  ddof: 0 | 1,
  means: Float64Array,
  deviations: Float64Array,
): void {
  const ring = new Float64Array(n);
  const length = values.length;
  let head = 0;
  let count = 0;
  let shift = 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < length; i += 1) {
    const x = values[i]!;
    if (x - x !== 0)
      throw new RangeError(`indicator input close must be a finite number, got ${String(x)}`);
    if (count === 0) shift = x;
    if (count >= n) {
      const old = ring[head]! - shift;
      sum -= old;
      squares -= old * old;
    }
    count += 1;
    ring[head] = x;
    head = head + 1 === n ? 0 : head + 1;
    const d = x - shift;
    sum += d;
    squares += d * d;
    if (head === 0) {
      let total = 0;
      for (let j = 0; j < n; j += 1) total += ring[j]!;
      shift = total / n;
      sum = 0;
      squares = 0;
      for (let j = 0; j < n; j += 1) {
        const e = ring[j]! - shift;
        sum += e;
        squares += e * e;
      }
    }
    if (count < n) {
      means[i] = NaN;
      deviations[i] = NaN;
      continue;
    }
    means[i] = sum / n + shift;
    const v = (squares - (sum * sum) / n) / (n - ddof);
    deviations[i] = Math.sqrt(v > 0 ? v : 0);
  }
}

/** SMA: `windowStats`' mean alone (the same shift and sum; no squares to keep). */
export function smaKernel(values: Series, n: number): Float64Array {
  checkLength('n', n);
  const length = values.length;
  const out = new Float64Array(length);
  const ring = new Float64Array(n);
  let head = 0;
  let count = 0;
  let shift = 0;
  let sum = 0;
  for (let i = 0; i < length; i += 1) {
    const x = values[i]!;
    if (x - x !== 0)
      throw new RangeError(`indicator input close must be a finite number, got ${String(x)}`);
    if (count === 0) shift = x;
    if (count >= n) sum -= ring[head]! - shift;
    count += 1;
    ring[head] = x;
    head = head + 1 === n ? 0 : head + 1;
    sum += x - shift;
    if (head === 0) {
      let total = 0;
      for (let j = 0; j < n; j += 1) total += ring[j]!;
      shift = total / n;
      sum = 0;
      for (let j = 0; j < n; j += 1) sum += ring[j]! - shift;
    }
    out[i] = count < n ? NaN : sum / n + shift;
  }
  return out;
}

export function stdKernel(values: Series, n: number, ddof: 0 | 1): Float64Array {
  checkLength('n', n, ddof + 1);
  const out = new Float64Array(values.length);
  windowStats(values, n, ddof, new Float64Array(values.length), out);
  return out;
}

export function bollKernel(
  values: Series,
  n: number,
  k: number,
  convention: Convention,
): { upper: Float64Array; middle: Float64Array; lower: Float64Array } {
  const ddof = convention === 'talib' ? 0 : 1;
  checkLength('n', n, ddof + 1);
  const middle = new Float64Array(values.length);
  const upper = new Float64Array(values.length);
  windowStats(values, n, ddof, middle, upper);
  const lower = new Float64Array(values.length);
  for (let i = 0; i < middle.length; i += 1) {
    const width = k * upper[i]!;
    upper[i] = middle[i]! + width;
    lower[i] = middle[i]! - width;
  }
  return { upper, middle, lower };
}

export function rocKernel(values: Series, n: number): Float64Array {
  checkLength('n', n);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const x = value(values, i);
    if (i < n) out[i] = NaN;
    else {
      const before = values[i - n]!;
      out[i] = before === 0 ? NaN : (x / before - 1) * 100;
    }
  }
  return out;
}

/**
 * A recursive average over `values[start…]` (NaN before `start`), as `RecursiveAverage` computes
 * it: seeded with the mean of the first n inputs (`mean`) or with the first input (`first`).
 */
export function recursiveKernel(
  values: Series,
  n: number,
  alpha: number,
  seed: 'mean' | 'first',
  start = 0,
  out = new Float64Array(values.length),
): Float64Array {
  let current = NaN;
  let seedSum = 0;
  for (let i = 0; i < values.length; i += 1) {
    if (i < start) {
      out[i] = NaN;
      continue;
    }
    const x = value(values, i);
    const count = i - start + 1;
    if (seed === 'first') current = count === 1 ? x : current + alpha * (x - current);
    else if (count < n) {
      seedSum += x;
      current = NaN;
    } else if (count === n) current = (seedSum + x) / n;
    else current = current + alpha * (x - current);
    out[i] = current;
  }
  return out;
}

export function emaKernel(values: Series, n: number, convention: Convention): Float64Array {
  checkLength('n', n);
  return recursiveKernel(values, n, 2 / (n + 1), convention === 'talib' ? 'mean' : 'first');
}

export function macdKernel(
  values: Series,
  fast: number,
  slow: number,
  signal: number,
  convention: Convention,
): { dif: Float64Array; dea: Float64Array; histogram: Float64Array } {
  checkLength('fast', fast);
  checkLength('slow', slow);
  checkLength('signal', signal);
  if (fast >= slow) throw new RangeError(`fast (${fast}) must be shorter than slow (${slow})`);
  const seed = convention === 'talib' ? 'mean' : 'first';
  const length = values.length;
  const quick = recursiveKernel(
    values,
    fast,
    2 / (fast + 1),
    seed,
    convention === 'talib' ? slow - fast : 0,
  );
  const steady = recursiveKernel(values, slow, 2 / (slow + 1), seed);
  const raw = new Float64Array(length);
  let first = -1;
  for (let i = 0; i < length; i += 1) {
    raw[i] = quick[i]! - steady[i]!;
    if (first < 0 && !Number.isNaN(raw[i])) first = i;
  }
  const dea = new Float64Array(length).fill(NaN);
  if (first >= 0) recursiveKernel(raw, signal, 2 / (signal + 1), seed, first, dea);
  const dif = new Float64Array(length);
  const histogram = new Float64Array(length);
  const scale = convention === 'tdx' ? 2 : 1;
  for (let i = 0; i < length; i += 1) {
    const d = dea[i]!;
    if (Number.isNaN(d)) {
      dif[i] = NaN;
      histogram[i] = NaN;
      dea[i] = NaN;
    } else {
      dif[i] = raw[i]!;
      histogram[i] = scale * (raw[i]! - d);
    }
  }
  return { dif, dea, histogram };
}

/** HHV / LLV with a monotonic deque (ties: the newest stays). */
export function extremeKernel(values: Series, n: number, highest: boolean): Float64Array {
  checkLength('n', n);
  const length = values.length;
  const out = new Float64Array(length);
  const indices = new Int32Array(n + 1);
  const capacity = n + 1;
  let front = 0;
  let size = 0;
  for (let i = 0; i < length; i += 1) {
    const x = value(values, i);
    while (size > 0 && indices[front]! <= i - n) {
      front = front + 1 === capacity ? 0 : front + 1;
      size -= 1;
    }
    while (size > 0) {
      let back = front + size - 1;
      if (back >= capacity) back -= capacity;
      const held = values[indices[back]!]!;
      if (highest ? held > x : held < x) break;
      size -= 1;
    }
    let at = front + size;
    if (at >= capacity) at -= capacity;
    indices[at] = i;
    size += 1;
    out[i] = i >= n - 1 ? values[indices[front]!]! : NaN;
  }
  return out;
}

export function rsiKernel(values: Series, n: number, convention: Convention): Float64Array {
  checkLength('n', n);
  const length = values.length;
  const out = new Float64Array(length);
  const alpha = 1 / n;
  const talib = convention === 'talib';
  let gain = NaN;
  let other = NaN;
  let gainSeed = 0;
  let otherSeed = 0;
  for (let i = 0; i < length; i += 1) {
    const x = value(values, i);
    if (i === 0) {
      out[i] = NaN;
      continue;
    }
    const change = x - values[i - 1]!;
    const g = Math.max(change, 0);
    const o = talib ? Math.max(-change, 0) : Math.abs(change);
    const count = i;
    if (!talib) {
      gain = count === 1 ? g : gain + alpha * (g - gain);
      other = count === 1 ? o : other + alpha * (o - other);
    } else if (count < n) {
      gainSeed += g;
      otherSeed += o;
    } else if (count === n) {
      gain = (gainSeed + g) / n;
      other = (otherSeed + o) / n;
    } else {
      gain = gain + alpha * (g - gain);
      other = other + alpha * (o - other);
    }
    if (talib && count < n) out[i] = NaN;
    else {
      const total = talib ? gain + other : other;
      out[i] = total === 0 ? 0 : (100 * gain) / total;
    }
  }
  return out;
}
