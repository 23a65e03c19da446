import { mean } from '../stats';

/**
 * Autocorrelation penalty √(1 + 2 Σ_{x=1}^{n−1} ((n − x)/n) · |ρ|^x), ρ the Pearson correlation of the
 * series with itself one period later (quantstats `autocorr_penalty`, used by the "smart" ratios).
 */
export function autocorrPenalty(values: readonly number[]): number {
  const n = values.length;
  if (n < 3) return NaN;
  const a = values.slice(0, -1);
  const b = values.slice(1);
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  const rho = Math.abs(ab / Math.sqrt(aa * bb));
  if (!Number.isFinite(rho)) return NaN;
  let total = 0;
  let power = 1;
  for (let x = 1; x < n; x += 1) {
    power *= rho;
    if (power === 0) break;
    total += ((n - x) / n) * power;
  }
  return Math.sqrt(1 + 2 * total);
}
