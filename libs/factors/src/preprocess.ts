import { csZscore, rowMoments } from './ops';
import { assertSameAxes, FactorError, Panel } from './panel';

/**
 * Preprocessing, date by date (each rule stated; all leave NaN as NaN unless it is a fill):
 * - `winsorize` MAD: clip to median ± k × 1.4826 × MAD (k = 3 by default; 1.4826 makes the MAD estimate the
 *   standard deviation of normal data); quantile: clip to the date's lower and upper quantiles (linear
 *   interpolation, as numpy's default).
 * - `standardize`: (x − mean) / sample std.
 * - `fill`: `zero`, `mean` or `median` of the date, `industry_mean` / `industry_median` of the instrument's
 *   group that date (the date's value when the group has none), or `forward` (the instrument's last value).
 * - `neutralize`: the residual of a cross-sectional least-squares fit on industry dummies and/or
 *   log market cap — exact OLS, computed by demeaning within industries and then regressing on the
 *   demeaned log cap (Frisch–Waugh); rows without an industry or a positive cap stay NaN.
 */

function quantileOfSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (!n) return Number.NaN;
  const position = p * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
}

function presentSorted(row: Float64Array): Float64Array {
  const out = new Float64Array(row.length);
  let n = 0;
  for (const v of row) if (!Number.isNaN(v)) out[n++] = v;
  return out.subarray(0, n).sort();
}

export type WinsorizeRule =
  { method: 'mad'; k?: number } | { method: 'quantile'; lower?: number; upper?: number };

export function winsorize(x: Panel, rule: WinsorizeRule = { method: 'mad' }): Panel {
  const out = new Float64Array(x.values.length);
  for (let d = 0; d < x.rows; d += 1) {
    const row = x.row(d);
    const sorted = presentSorted(row);
    let low: number;
    let high: number;
    if (rule.method === 'mad') {
      const k = rule.k ?? 3;
      if (!(k > 0 && Number.isFinite(k)))
        throw new FactorError('bad_rule', 'MAD winsorizing takes k > 0');
      const median = quantileOfSorted(sorted, 0.5);
      const deviations = sorted.map((v) => Math.abs(v - median)).sort();
      const mad = quantileOfSorted(deviations, 0.5) * 1.4826;
      low = median - k * mad;
      high = median + k * mad;
    } else {
      const lower = rule.lower ?? 0.01;
      const upper = rule.upper ?? 0.99;
      if (!(lower >= 0 && upper <= 1 && lower < upper))
        throw new FactorError('bad_rule', 'quantile winsorizing takes 0 ≤ lower < upper ≤ 1');
      low = quantileOfSorted(sorted, lower);
      high = quantileOfSorted(sorted, upper);
    }
    for (let i = 0; i < x.columns; i += 1) {
      const v = row[i]!;
      out[d * x.columns + i] = Number.isNaN(v) ? v : Math.min(high, Math.max(low, v));
    }
  }
  return x.like(out);
}

/** The date's z-scores: cs_zscore (NaN for a date without spread beyond rounding). */
export function standardize(x: Panel): Panel {
  return csZscore(x);
}

export type FillRule = 'zero' | 'mean' | 'median' | 'industry_mean' | 'industry_median' | 'forward';

export function fill(x: Panel, rule: FillRule, groups?: readonly string[]): Panel {
  const out = Float64Array.from(x.values);
  const { rows, columns } = x;
  if (
    (rule === 'industry_mean' || rule === 'industry_median') &&
    (!groups || groups.length !== columns)
  )
    throw new FactorError('bad_groups', `${rule} needs one group per instrument`);
  if (rule === 'forward') {
    for (let d = 1; d < rows; d += 1)
      for (let i = 0; i < columns; i += 1)
        if (Number.isNaN(out[d * columns + i]!)) out[d * columns + i] = out[(d - 1) * columns + i]!;
    return x.like(out);
  }
  for (let d = 0; d < rows; d += 1) {
    const row = x.row(d);
    const sorted = presentSorted(row);
    const whole =
      rule === 'zero'
        ? 0
        : rule === 'median' || rule === 'industry_median'
          ? quantileOfSorted(sorted, 0.5)
          : rowMoments(row).mean;
    let byGroup: Map<string, number> | undefined;
    if (groups && rule.startsWith('industry')) {
      const members = new Map<string, number[]>();
      for (let i = 0; i < columns; i += 1) {
        const v = row[i]!;
        if (Number.isNaN(v)) continue;
        const list = members.get(groups[i]!) ?? [];
        list.push(v);
        members.set(groups[i]!, list);
      }
      byGroup = new Map(
        [...members].map(([g, list]) => [
          g,
          rule === 'industry_median'
            ? quantileOfSorted(Float64Array.from(list).sort(), 0.5)
            : list.reduce((s, v) => s + v, 0) / list.length,
        ]),
      );
    }
    for (let i = 0; i < columns; i += 1)
      if (Number.isNaN(row[i]!)) out[d * columns + i] = byGroup?.get(groups![i]!) ?? whole;
  }
  return x.like(out);
}

export function neutralize(
  x: Panel,
  by: { groups?: readonly (string | undefined)[]; marketCap?: Panel },
): Panel {
  const { rows, columns } = x;
  if (!by.groups && !by.marketCap)
    throw new FactorError('bad_rule', 'neutralize by groups, market cap or both');
  if (by.groups && by.groups.length !== columns)
    throw new FactorError('bad_groups', `groups name one group per instrument (${columns})`);
  if (by.marketCap) assertSameAxes(x, by.marketCap, 'the factor and market cap');
  const out = new Float64Array(x.values.length).fill(Number.NaN);
  const groupOf = by.groups ?? new Array<string>(columns).fill('');
  const y = new Float64Array(columns);
  const z = new Float64Array(columns);
  const usable = new Uint8Array(columns);
  for (let d = 0; d < rows; d += 1) {
    const sums = new Map<string, { y: number; z: number; n: number }>();
    for (let i = 0; i < columns; i += 1) {
      const v = x.values[d * columns + i]!;
      const cap = by.marketCap ? by.marketCap.values[d * columns + i]! : 1;
      const g = groupOf[i];
      usable[i] = !Number.isNaN(v) && g !== undefined && cap > 0 ? 1 : 0;
      if (!usable[i]) continue;
      y[i] = v;
      z[i] = by.marketCap ? Math.log(cap) : 0;
      const s = sums.get(g!) ?? { y: 0, z: 0, n: 0 };
      s.y += v;
      s.z += z[i]!;
      s.n += 1;
      sums.set(g!, s);
    }
    let szz = 0;
    let szy = 0;
    let largest = 0;
    let count = 0;
    for (let i = 0; i < columns; i += 1) {
      if (!usable[i]) continue;
      const s = sums.get(groupOf[i]!)!;
      largest = Math.max(largest, Math.abs(z[i]!));
      count += 1;
      y[i] = y[i]! - s.y / s.n;
      z[i] = z[i]! - s.z / s.n;
      szz += z[i]! * z[i]!;
      szy += z[i]! * y[i]!;
    }
    // Log caps that differ within their industries only by rounding carry no loading: dividing by that
    // noise would blow it up (as z-scores of a row without spread, see hasSpread).
    const spread = szz > count * (1e-12 * Math.max(largest, Number.MIN_VALUE)) ** 2;
    const beta = by.marketCap && spread ? szy / szz : 0;
    for (let i = 0; i < columns; i += 1) if (usable[i]) out[d * columns + i] = y[i]! - beta * z[i]!;
  }
  return x.like(out);
}
