/** Small statistics helpers for the factor analysis (no dependencies). */

/** Mean, sample std (n − 1), count of the finite values. */
export function summarize(values: ArrayLike<number>): { mean: number; std: number; count: number } {
  let count = 0;
  let sum = 0;
  for (let k = 0; k < values.length; k += 1) {
    const v = values[k]!;
    if (Number.isFinite(v)) {
      count += 1;
      sum += v;
    }
  }
  const mean = count ? sum / count : Number.NaN;
  let squares = 0;
  for (let k = 0; k < values.length; k += 1) {
    const v = values[k]!;
    if (Number.isFinite(v)) squares += (v - mean) * (v - mean);
  }
  return { mean, std: count > 1 ? Math.sqrt(squares / (count - 1)) : Number.NaN, count };
}

/** Pearson correlation of the pairs where both are finite (NaN with fewer than 2 or no spread). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < x.length; k += 1) {
    const a = x[k]!;
    const b = y[k]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      n += 1;
      sx += a;
      sy += b;
    }
  }
  if (n < 2) return Number.NaN;
  const mx = sx / n;
  const my = sy / n;
  let cxy = 0;
  let cxx = 0;
  let cyy = 0;
  for (let k = 0; k < x.length; k += 1) {
    const a = x[k]!;
    const b = y[k]!;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const dx = a - mx;
      const dy = b - my;
      cxy += dx * dy;
      cxx += dx * dx;
      cyy += dy * dy;
    }
  }
  if (!(cxx > 0) || !(cyy > 0)) return Number.NaN;
  return Math.max(-1, Math.min(1, cxy / Math.sqrt(cxx * cyy)));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let k = 1; k < 9; k += 1) a += c[k]! / (z + k);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m += 1) {
    const m2 = 2 * m;
    let step = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    step = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + step * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + step / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 3e-16) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** One-sample t-test of the mean against 0, as scipy's `ttest_1samp`: t and its two-sided p-value. */
export function tTest(values: ArrayLike<number>): { t: number; p: number } {
  const { mean, std, count } = summarize(values);
  if (count < 2 || !(std > 0)) return { t: Number.NaN, p: Number.NaN };
  const t = mean / (std / Math.sqrt(count));
  const df = count - 1;
  return { t, p: incompleteBeta(df / (df + t * t), df / 2, 0.5) };
}

/** Skewness and excess kurtosis (the biased moments, as scipy.stats' defaults). */
export function shape(values: ArrayLike<number>): { skew: number; kurtosis: number } {
  const { mean, count } = summarize(values);
  if (count < 2) return { skew: Number.NaN, kurtosis: Number.NaN };
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let k = 0; k < values.length; k += 1) {
    const v = values[k]!;
    if (!Number.isFinite(v)) continue;
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= count;
  m3 /= count;
  m4 /= count;
  if (!(m2 > 0)) return { skew: Number.NaN, kurtosis: Number.NaN };
  return { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) - 3 };
}
