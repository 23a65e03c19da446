/** Numeric helpers shared by the statistics (plain arrays of finite numbers). */

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}

/** Standard deviation with `ddof` degrees of freedom removed (1 = sample, 0 = population). */
export function std(values: readonly number[], ddof = 1): number {
  const n = values.length;
  if (n - ddof <= 0) return NaN;
  const m = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - m) ** 2;
  return Math.sqrt(squares / (n - ddof));
}

/** Covariance with `ddof` (pandas `cov`: 1). */
export function covariance(a: readonly number[], b: readonly number[], ddof = 1): number {
  const n = Math.min(a.length, b.length);
  if (n - ddof <= 0) return NaN;
  const ma = mean(a.slice(0, n));
  const mb = mean(b.slice(0, n));
  let total = 0;
  for (let i = 0; i < n; i += 1) total += (a[i]! - ma) * (b[i]! - mb);
  return total / (n - ddof);
}

/**
 * The values sorted ascending, remembered per array: several statistics of one series take
 * quantiles of the same returns (the arrays are never mutated once handed to a statistic).
 */
const sortedCache = new WeakMap<readonly number[], Float64Array>();
export function sortedValues(values: readonly number[]): Float64Array {
  let sorted = sortedCache.get(values);
  if (!sorted) {
    sorted = Float64Array.from(values).sort();
    sortedCache.set(values, sorted);
  }
  return sorted;
}

/** Quantile with linear interpolation between order statistics (numpy / pandas default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = sortedValues(values);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/** Central moments 2–4 (population), remembered per array like `sortedValues`. */
const momentCache = new WeakMap<readonly number[], { m2: number; m3: number; m4: number }>();
function moments(values: readonly number[]) {
  let found = momentCache.get(values);
  if (!found) {
    const m = mean(values);
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const value of values) {
      const d = value - m;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    const n = values.length;
    found = { m2: m2 / n, m3: m3 / n, m4: m4 / n };
    momentCache.set(values, found);
  }
  return found;
}

/**
 * Skewness. `biased`: g1 = m3 / m2^1.5 (scipy default, pyfolio); else the adjusted Fisher–Pearson
 * G1 = g1 · √(n(n−1)) / (n−2) (pandas, quantstats).
 */
export function skewness(values: readonly number[], biased: boolean): number {
  const n = values.length;
  const { m2, m3 } = moments(values);
  if (m2 === 0) return NaN;
  const g1 = m3 / m2 ** 1.5;
  if (biased) return g1;
  if (n < 3) return NaN;
  return (g1 * Math.sqrt(n * (n - 1))) / (n - 2);
}

/**
 * Excess kurtosis. `biased`: g2 = m4 / m2² − 3 (scipy default); else
 * G2 = ((n+1)·g2 + 6)·(n−1) / ((n−2)(n−3)) (pandas, quantstats).
 */
export function excessKurtosis(values: readonly number[], biased: boolean): number {
  const n = values.length;
  const { m2, m4 } = moments(values);
  if (m2 === 0) return NaN;
  const g2 = m4 / m2 ** 2 - 3;
  if (biased) return g2;
  if (n < 4) return NaN;
  return (((n + 1) * g2 + 6) * (n - 1)) / ((n - 2) * (n - 3));
}

/**
 * The standard normal quantile (inverse CDF), Acklam's rational approximation refined by one
 * Halley step on `normalCdf` (relative error ~1e-15).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** The standard normal CDF, via a high-precision erfc (W. J. Cody's rational approximations). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // Complementary error function with relative error < 1.2e-7 is not enough for quantile
  // refinement; use the continued-fraction / series split for ~1e-15.
  const z = Math.abs(x);
  let result: number;
  if (z < 2) {
    // Series for erf: erf(z) = 2/√π Σ (−1)^n z^(2n+1) / (n! (2n+1))
    let term = z;
    let total = z;
    for (let n = 1; n < 60; n += 1) {
      term *= (-z * z) / n;
      const next = term / (2 * n + 1);
      total += next;
      if (Math.abs(next) < 1e-17 * Math.abs(total)) break;
    }
    result = 1 - (2 / Math.sqrt(Math.PI)) * total;
  } else {
    // Continued fraction (Lentz) for erfc(z), z ≥ 2.
    const tiny = 1e-300;
    let f = z;
    let c = z;
    let d = 0;
    for (let n = 1; n < 200; n += 1) {
      const an = n / 2;
      d = z + an * d;
      d = d === 0 ? tiny : d;
      c = z + an / c;
      c = c === 0 ? tiny : c;
      d = 1 / d;
      const delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) break;
    }
    result = Math.exp(-z * z) / (f * Math.sqrt(Math.PI));
  }
  return x >= 0 ? result : 2 - result;
}
