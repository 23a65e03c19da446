import { RankScratch, rankRow } from './ops';
import { assertSameAxes, FactorError, Panel } from './panel';
import { pearson, shape, summarize, tTest } from './statistics';

/**
 * The alphalens set over a factor panel, named as alphalens names it: forward returns at several horizons
 * (`compute_forward_returns`), IC and rank IC per date (`factor_information_coefficient`) with their
 * summary (`ic_summary`), quantile returns (`mean_return_by_quantile`, by date and pooled, demeaned by
 * default), the top − bottom spread (`compute_mean_returns_spread`), factor-weighted portfolio returns
 * (`factor_returns`), quantile turnover (`quantile_turnover`) and factor rank autocorrelation
 * (`factor_rank_autocorrelation`), grouped by industry when groups are given.
 *
 * Unlike alphalens, rows that cannot be used are counted by reason and reported — never an exception unless
 * `maxLoss` asks for one — and returns can be given instead of prices.
 *
 * Definitions (stated, and checked against numpy/pandas in the golden test):
 * - forward return at h from prices: p[d+h] / p[d] − 1; from daily returns r: Π(1 + r[d+1 … d+h]) − 1.
 * - a row (date, instrument) is kept when the instrument is tradable and not at a price limit (when those
 *   panels are given), the factor is present, and every horizon's forward return is present; a date keeps
 *   its rows only if it has at least `quantiles` of them. Reasons, first that applies: `suspended`, `limit`,
 *   `warm_up` (no factor value yet for that instrument), `no_factor`, `horizon_end` (the last dates, whose
 *   longest horizon runs past the data), `no_price`, `few_names`.
 * - IC: Pearson correlation of factor and forward return across a date's kept rows; rank IC: Spearman
 *   (Pearson of average-tie ranks) — what alphalens calls IC. Summary: mean, sample std, IR = mean / std,
 *   t-stat and two-sided p-value of a one-sample t-test (scipy's ttest_1samp), skew, excess kurtosis.
 * - quantiles: per date, `pd.qcut(factor, q, labels=False) + 1`: edges at the linear-interpolated quantiles
 *   of the date's factor values, bins right-closed, the lowest closed; a value on a repeated edge goes to
 *   the lowest bin that holds it (pandas would refuse the date).
 * - demeaned returns: the forward return minus the date's mean over its kept rows.
 * - pooled quantile mean: over every kept row of the quantile (alphalens' by_date=False), with sample std
 *   and std error = std / √count; by date: the mean of the quantile's rows that date.
 * - factor weights: (factor − date mean) / Σ|factor − date mean|; factor return = Σ weight × forward return.
 * - turnover of quantile q at horizon h: the share of q's names on a date that were not in q h dates
 *   before (dates counted among those with kept rows, as alphalens shifts).
 * - rank autocorrelation at h: Pearson correlation of a date's factor ranks with those h dates before,
 *   over the instruments ranked on both.
 */

export type DropReason =
  'suspended' | 'limit' | 'warm_up' | 'no_factor' | 'horizon_end' | 'no_price' | 'few_names';

export const DROP_REASONS: readonly DropReason[] = [
  'suspended',
  'limit',
  'warm_up',
  'no_factor',
  'horizon_end',
  'no_price',
  'few_names',
];

export interface AnalysisInput {
  factor: Panel;
  /** Prices (closes) on the factor's axes; or `returns`. */
  prices?: Panel;
  /** Daily returns (r[d] = p[d] / p[d−1] − 1) on the factor's axes, when prices are not at hand. */
  returns?: Panel;
  /** Horizons in dates (default 1, 5, 20). */
  periods?: readonly number[];
  /** Quantile count (default 5). */
  quantiles?: number;
  /** Each instrument's group (industry), in the factor's instrument order. */
  groups?: readonly string[];
  /** 0 where the instrument cannot trade that date (suspended); anything else tradable. */
  tradable?: Panel;
  /** Non-zero where the close is at a price limit (limit-up or -down): not tradable at that close. */
  limit?: Panel;
  /** Quantile returns minus the date's mean (default true, as alphalens). */
  demeaned?: boolean;
  /** Fail (FactorError `max_loss_exceeded`, with the counts) when more than this share of rows is dropped. */
  maxLoss?: number;
}

export interface IcSummary {
  mean: number;
  std: number;
  /** mean / std ("Risk-Adjusted IC"). */
  ir: number;
  tStat: number;
  pValue: number;
  skew: number;
  kurtosis: number;
  /** Dates with a value. */
  count: number;
}

export interface HorizonAnalysis {
  period: number;
  ic: Float64Array;
  rankIc: Float64Array;
  icSummary: IcSummary;
  rankIcSummary: IcSummary;
  /** dates × quantiles, row-major; NaN where a quantile had no rows that date. */
  quantileReturnsByDate: Float64Array;
  /** Per quantile (1 … Q at 0 … Q−1): pooled mean, sample std, std error, rows. */
  quantileMean: number[];
  quantileStd: number[];
  quantileStdError: number[];
  quantileCount: number[];
  /** Top minus bottom quantile's by-date mean. */
  spread: Float64Array;
  spreadMean: number;
  spreadStdError: number;
  factorReturns: Float64Array;
  factorReturnsMean: number;
  factorReturnsStd: number;
  /** dates × quantiles: the share of new names. */
  turnover: Float64Array;
  turnoverMean: number[];
  rankAutocorrelation: Float64Array;
  rankAutocorrelationMean: number;
}

export interface GroupAnalysis {
  group: string;
  /** Per horizon (in `periods` order): mean IC, mean rank IC, pooled quantile means. */
  icMean: number[];
  rankIcMean: number[];
  quantileMean: number[][];
  rows: number;
}

export interface FactorAnalysis {
  dates: readonly string[];
  periods: number[];
  quantiles: number;
  demeaned: boolean;
  rows: { total: number; kept: number; dropped: Record<DropReason, number>; lossShare: number };
  horizons: HorizonAnalysis[];
  /** dates × quantiles: Π(1 + by-date mean return) of the 1-date horizon (when 1 is a period). */
  cumulativeQuantileReturns?: Float64Array;
  /** Π(1 + factor return) of the 1-date horizon. */
  cumulativeFactorReturns?: Float64Array;
  groups?: GroupAnalysis[];
}

const MAX_PERIODS = 10;

/** Forward returns at `period` dates, from prices or from daily returns. */
export function forwardReturns(source: { prices?: Panel; returns?: Panel }, period: number): Panel {
  const base = source.prices ?? source.returns;
  if (!base) throw new FactorError('no_prices', 'forward returns need prices or returns');
  const { rows, columns } = base;
  if (!Number.isInteger(period) || period < 1 || period >= rows)
    throw new FactorError(
      'bad_period',
      `a horizon is a whole number of dates, 1–${rows - 1}, not ${period}`,
    );
  const out = new Float64Array(base.values.length).fill(Number.NaN);
  if (source.prices) {
    const p = source.prices.values;
    for (let d = 0; d + period < rows; d += 1)
      for (let i = 0; i < columns; i += 1) {
        const now = p[d * columns + i]!;
        const later = p[(d + period) * columns + i]!;
        const r = later / now - 1;
        out[d * columns + i] = now > 0 && Number.isFinite(r) ? r : Number.NaN;
      }
  } else {
    const r = source.returns!.values;
    const growth = new Float64Array(columns);
    for (let d = 0; d + period < rows; d += 1) {
      growth.fill(1);
      for (let k = 1; k <= period; k += 1) {
        const row = (d + k) * columns;
        for (let i = 0; i < columns; i += 1) growth[i] = growth[i]! * (1 + r[row + i]!);
      }
      for (let i = 0; i < columns; i += 1) out[d * columns + i] = growth[i]! - 1;
    }
  }
  return base.like(out);
}

function icSummaryOf(values: Float64Array): IcSummary {
  const { mean, std, count } = summarize(values);
  const { t, p } = tTest(values);
  const { skew, kurtosis } = shape(values);
  return {
    mean,
    std,
    ir: std > 0 ? mean / std : Number.NaN,
    tStat: t,
    pValue: p,
    skew,
    kurtosis,
    count,
  };
}

/**
 * pd.qcut(values, q, labels=False) + 1 for a date's kept values (see the definitions above), given the same
 * values sorted (`sorted[0…n)`, as rankRow leaves them).
 */
function quantilesOf(values: Float64Array, q: number, out: Uint8Array, sorted: Float64Array): void {
  const n = values.length;
  const edges = new Float64Array(q + 1);
  for (let k = 0; k <= q; k += 1) {
    const position = (k / q) * (n - 1);
    const lo = Math.floor(position);
    const hi = Math.min(lo + 1, n - 1);
    edges[k] = sorted[lo]! + (position - lo) * (sorted[hi]! - sorted[lo]!);
  }
  for (let j = 0; j < n; j += 1) {
    const v = values[j]!;
    // the smallest k ≥ 1 with v ≤ edges[k]
    let lo = 1;
    let hi = q;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= edges[mid]!) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
}

/** pd.qcut bins (1 … q) of each date's present values (0 where absent or the date has fewer than q). */
export function quantileRows(factor: Panel, q: number): Uint8Array {
  const { rows, columns } = factor;
  const out = new Uint8Array(rows * columns);
  const values = new Float64Array(columns);
  const members = new Int32Array(columns);
  const bins = new Uint8Array(columns);
  const scratch = new Float64Array(columns);
  for (let d = 0; d < rows; d += 1) {
    let n = 0;
    for (let i = 0; i < columns; i += 1) {
      const v = factor.values[d * columns + i]!;
      if (!Number.isNaN(v)) {
        members[n] = i;
        values[n++] = v;
      }
    }
    if (n < q) continue;
    const present = values.subarray(0, n);
    scratch.set(present);
    scratch.subarray(0, n).sort();
    quantilesOf(present, q, bins, scratch);
    for (let j = 0; j < n; j += 1) out[d * columns + members[j]!] = bins[j]!;
  }
  return out;
}

/** The analysis (see the module's definitions). */
export function analyzeFactor(input: AnalysisInput): FactorAnalysis {
  const { factor } = input;
  const prices = input.prices;
  const returns = input.returns;
  if (!prices && !returns)
    throw new FactorError('no_prices', 'the analysis needs prices or returns');
  for (const [name, panel] of [
    ['prices', prices],
    ['returns', returns],
    ['tradable', input.tradable],
    ['limit', input.limit],
  ] as const)
    if (panel) assertSameAxes(factor, panel, `the factor and ${name}`);
  const periods = [...new Set(input.periods ?? [1, 5, 20])].sort((a, b) => a - b);
  if (!periods.length || periods.length > MAX_PERIODS)
    throw new FactorError('bad_period', `1–${MAX_PERIODS} horizons`);
  const q = input.quantiles ?? 5;
  if (!Number.isInteger(q) || q < 2 || q > 100)
    throw new FactorError('bad_quantiles', `quantiles are a whole number 2–100, not ${q}`);
  if (input.groups && input.groups.length !== factor.columns)
    throw new FactorError(
      'bad_groups',
      `groups name one group per instrument (${factor.columns}), not ${input.groups.length}`,
    );
  if (input.maxLoss !== undefined && !(input.maxLoss >= 0 && input.maxLoss <= 1))
    throw new FactorError('bad_max_loss', 'maxLoss is a share, 0–1');
  const demeaned = input.demeaned ?? true;
  const { rows: D, columns: N } = factor;
  const forward = periods.map((h) => forwardReturns({ prices, returns }, h).values);
  const longest = periods[periods.length - 1]!;
  const f = factor.values;
  const base = (prices ?? returns)!.values;

  // 1. Which rows are kept, and why the others are not.
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  const keep = new Uint8Array(D * N);
  const seen = new Uint8Array(N);
  let total = 0;
  const keptPerDate = new Int32Array(D);
  // Rows where every horizon's forward return is present.
  const allForward = new Uint8Array(D * N).fill(1);
  for (const fw of forward)
    for (let k = 0; k < fw.length; k += 1) if (fw[k] !== fw[k]) allForward[k] = 0;
  const tradable = input.tradable?.values;
  const limit = input.limit?.values;
  // Indexes into DROP_REASONS.
  const reasonCounts = new Float64Array(DROP_REASONS.length);
  const [SUSPENDED, LIMIT, WARM_UP, NO_FACTOR, HORIZON_END, NO_PRICE] = [0, 1, 2, 3, 4, 5];
  for (let d = 0; d < D; d += 1) {
    const end = d + longest >= D;
    for (let i = 0; i < N; i += 1) {
      const k = d * N + i;
      const value = f[k]!;
      const present = value === value;
      if (!present && base[k] !== base[k]) continue; // not in the universe that date
      total += 1;
      let reason = -1;
      if (tradable && tradable[k] === 0) reason = SUSPENDED;
      else if (limit && limit[k] !== 0 && limit[k] === limit[k]) reason = LIMIT;
      else if (!present) reason = seen[i] ? NO_FACTOR : WARM_UP;
      else if (!allForward[k]) reason = end ? HORIZON_END : NO_PRICE;
      if (present) seen[i] = 1;
      if (reason >= 0) reasonCounts[reason]! += 1;
      else {
        keep[k] = 1;
        keptPerDate[d]! += 1;
      }
    }
  }
  DROP_REASONS.forEach((reason, r) => (dropped[reason] = reasonCounts[r]!));
  for (let d = 0; d < D; d += 1)
    if (keptPerDate[d]! > 0 && keptPerDate[d]! < q) {
      dropped.few_names += keptPerDate[d]!;
      keptPerDate[d] = 0;
      keep.fill(0, d * N, (d + 1) * N);
    }
  const kept = total - DROP_REASONS.reduce((s, r) => s + dropped[r], 0);
  const lossShare = total ? 1 - kept / total : 0;
  if (input.maxLoss !== undefined && lossShare > input.maxLoss)
    throw new FactorError(
      'max_loss_exceeded',
      `${(lossShare * 100).toFixed(1)}% of ${total} rows dropped, more than the ${(input.maxLoss * 100).toFixed(1)}% allowed: ` +
        DROP_REASONS.filter((r) => dropped[r])
          .map((r) => `${r} ${dropped[r]}`)
          .join(', '),
      { total, kept, dropped },
    );

  // 2. One pass over the dates: ranks, quantiles, IC, quantile means, weights.
  const H = periods.length;
  const horizons: HorizonAnalysis[] = periods.map((period) => ({
    period,
    ic: new Float64Array(D).fill(Number.NaN),
    rankIc: new Float64Array(D).fill(Number.NaN),
    icSummary: undefined as unknown as IcSummary,
    rankIcSummary: undefined as unknown as IcSummary,
    quantileReturnsByDate: new Float64Array(D * q).fill(Number.NaN),
    quantileMean: [],
    quantileStd: [],
    quantileStdError: [],
    quantileCount: [],
    spread: new Float64Array(D).fill(Number.NaN),
    spreadMean: Number.NaN,
    spreadStdError: Number.NaN,
    factorReturns: new Float64Array(D).fill(Number.NaN),
    factorReturnsMean: Number.NaN,
    factorReturnsStd: Number.NaN,
    turnover: new Float64Array(D * q).fill(Number.NaN),
    turnoverMean: [],
    rankAutocorrelation: new Float64Array(D).fill(Number.NaN),
    rankAutocorrelationMean: Number.NaN,
  }));
  const pooledSum = Array.from({ length: H }, () => new Float64Array(q));
  const pooledSquares = Array.from({ length: H }, () => new Float64Array(q));
  const pooledCount = new Float64Array(q);
  const quantileOf = new Uint8Array(D * N);
  const rankOf = new Float64Array(D * N).fill(Number.NaN);
  const groupNames = input.groups ? [...new Set(input.groups)].sort() : [];
  const groupIndex = input.groups ? input.groups.map((g) => groupNames.indexOf(g)) : [];
  const G = groupNames.length;
  const groupIc = Array.from({ length: H }, () => Array.from({ length: G }, () => [] as number[]));
  const groupRankIc = Array.from({ length: H }, () =>
    Array.from({ length: G }, () => [] as number[]),
  );
  const groupSum = Array.from({ length: H }, () => new Float64Array(G * q));
  const groupCount = new Float64Array(G * q);
  const groupRows = new Float64Array(G);

  const members = new Int32Array(N);
  const values = new Float64Array(N);
  const ranks = new Float64Array(N);
  const fwd = new Float64Array(N);
  const fwdRanks = new Float64Array(N);
  const bins = new Uint8Array(N);
  const scratch = new RankScratch(N);
  const sums = new Float64Array(q);
  const counts = new Float64Array(q);
  for (let d = 0; d < D; d += 1) {
    if (!keptPerDate[d]) continue;
    let n = 0;
    for (let i = 0; i < N; i += 1)
      if (keep[d * N + i]) {
        members[n] = i;
        values[n] = f[d * N + i]!;
        n += 1;
      }
    const vs = values.subarray(0, n);
    const rs = ranks.subarray(0, n);
    rankRow(vs, rs, scratch); // leaves vs sorted in scratch.sorted
    quantilesOf(vs, q, bins, scratch.sorted);
    let factorMean = 0;
    for (let j = 0; j < n; j += 1) factorMean += vs[j]!;
    factorMean /= n;
    let absolute = 0;
    for (let j = 0; j < n; j += 1) absolute += Math.abs(vs[j]! - factorMean);
    counts.fill(0);
    for (let j = 0; j < n; j += 1) {
      const i = members[j]!;
      quantileOf[d * N + i] = bins[j]!;
      rankOf[d * N + i] = rs[j]!;
      const b = bins[j]! - 1;
      counts[b]! += 1;
      pooledCount[b]! += 1;
      if (G) {
        const g = groupIndex[i]!;
        groupCount[g * q + b]! += 1;
        groupRows[g]! += 1;
      }
    }
    for (let h = 0; h < H; h += 1) {
      const horizon = horizons[h]!;
      const fw = forward[h]!;
      const xs = fwd.subarray(0, n);
      let mean = 0;
      for (let j = 0; j < n; j += 1) {
        xs[j] = fw[d * N + members[j]!]!;
        mean += xs[j]!;
      }
      mean /= n;
      horizon.ic[d] = pearson(vs, xs);
      const xr = fwdRanks.subarray(0, n);
      rankRow(xs, xr, scratch);
      horizon.rankIc[d] = pearson(rs, xr);
      // quantile means (demeaned or not), pooled sums
      sums.fill(0);
      const shift = demeaned ? mean : 0;
      let weighted = 0;
      for (let j = 0; j < n; j += 1) {
        const r = xs[j]! - shift;
        const b = bins[j]! - 1;
        sums[b]! += r;
        pooledSum[h]![b]! += r;
        pooledSquares[h]![b]! += r * r;
        if (G) groupSum[h]![groupIndex[members[j]!]! * q + b]! += r;
        if (absolute > 0) weighted += ((vs[j]! - factorMean) / absolute) * xs[j]!;
      }
      for (let b = 0; b < q; b += 1)
        horizon.quantileReturnsByDate[d * q + b] = counts[b] ? sums[b]! / counts[b]! : Number.NaN;
      horizon.spread[d] =
        horizon.quantileReturnsByDate[d * q + q - 1]! - horizon.quantileReturnsByDate[d * q]!;
      horizon.factorReturns[d] = absolute > 0 ? weighted : Number.NaN;
      if (G) {
        for (let g = 0; g < G; g += 1) {
          const gv: number[] = [];
          const gx: number[] = [];
          for (let j = 0; j < n; j += 1)
            if (groupIndex[members[j]!] === g) {
              gv.push(vs[j]!);
              gx.push(xs[j]!);
            }
          if (gv.length < 2) continue;
          const gic = pearson(gv, gx);
          const rv = new Float64Array(gv.length);
          const rx = new Float64Array(gx.length);
          rankRow(gv, rv);
          rankRow(gx, rx);
          const grank = pearson(rv, rx);
          if (!Number.isNaN(gic)) groupIc[h]![g]!.push(gic);
          if (!Number.isNaN(grank)) groupRankIc[h]![g]!.push(grank);
        }
      }
    }
  }

  // 3. Turnover and rank autocorrelation over the dates with kept rows.
  const active: number[] = [];
  for (let d = 0; d < D; d += 1) if (keptPerDate[d]) active.push(d);
  for (const horizon of horizons) {
    const h = horizon.period;
    for (let t = h; t < active.length; t += 1) {
      const d = active[t]!;
      const before = active[t - h]!;
      const fresh = new Float64Array(q);
      const size = new Float64Array(q);
      for (let i = 0; i < N; i += 1) {
        const b = quantileOf[d * N + i]!;
        if (!b) continue;
        size[b - 1]! += 1;
        if (quantileOf[before * N + i] !== b) fresh[b - 1]! += 1;
      }
      for (let b = 0; b < q; b += 1)
        horizon.turnover[d * q + b] = size[b] ? fresh[b]! / size[b]! : Number.NaN;
      horizon.rankAutocorrelation[d] = pearson(
        rankOf.subarray(d * N, (d + 1) * N),
        rankOf.subarray(before * N, (before + 1) * N),
      );
    }
  }

  // 4. Summaries.
  horizons.forEach((horizon, h) => {
    horizon.icSummary = icSummaryOf(horizon.ic);
    horizon.rankIcSummary = icSummaryOf(horizon.rankIc);
    for (let b = 0; b < q; b += 1) {
      const count = pooledCount[b]!;
      const mean = count ? pooledSum[h]![b]! / count : Number.NaN;
      const variance =
        count > 1 ? (pooledSquares[h]![b]! - count * mean * mean) / (count - 1) : Number.NaN;
      const std = Math.sqrt(Math.max(0, variance));
      horizon.quantileMean.push(mean);
      horizon.quantileStd.push(count > 1 ? std : Number.NaN);
      horizon.quantileStdError.push(count > 1 ? std / Math.sqrt(count) : Number.NaN);
      horizon.quantileCount.push(count);
      const turnover = new Float64Array(D);
      for (let d = 0; d < D; d += 1) turnover[d] = horizon.turnover[d * q + b]!;
      horizon.turnoverMean.push(summarize(turnover).mean);
    }
    const spread = summarize(horizon.spread);
    horizon.spreadMean = spread.mean;
    horizon.spreadStdError = spread.count > 1 ? spread.std / Math.sqrt(spread.count) : Number.NaN;
    const weighted = summarize(horizon.factorReturns);
    horizon.factorReturnsMean = weighted.mean;
    horizon.factorReturnsStd = weighted.std;
    horizon.rankAutocorrelationMean = summarize(horizon.rankAutocorrelation).mean;
  });

  const result: FactorAnalysis = {
    dates: factor.dates,
    periods,
    quantiles: q,
    demeaned,
    rows: { total, kept, dropped, lossShare },
    horizons,
  };
  const daily = horizons.find((x) => x.period === 1);
  if (daily) {
    const cumulative = new Float64Array(D * q).fill(Number.NaN);
    const growth = new Float64Array(q).fill(1);
    const factorGrowth = new Float64Array(D).fill(Number.NaN);
    let fg = 1;
    for (let d = 0; d < D; d += 1) {
      if (!keptPerDate[d]) continue;
      for (let b = 0; b < q; b += 1) {
        const r = daily.quantileReturnsByDate[d * q + b]!;
        if (!Number.isNaN(r)) growth[b] = growth[b]! * (1 + r);
        cumulative[d * q + b] = growth[b]!;
      }
      const r = daily.factorReturns[d]!;
      if (!Number.isNaN(r)) fg *= 1 + r;
      factorGrowth[d] = fg;
    }
    result.cumulativeQuantileReturns = cumulative;
    result.cumulativeFactorReturns = factorGrowth;
  }
  if (G)
    result.groups = groupNames.map((group, g) => ({
      group,
      icMean: periods.map((_p, h) => summarize(groupIc[h]![g]!).mean),
      rankIcMean: periods.map((_p, h) => summarize(groupRankIc[h]![g]!).mean),
      quantileMean: periods.map((_p, h) =>
        Array.from({ length: q }, (_x, b) => {
          const count = groupCount[g * q + b]!;
          return count ? groupSum[h]![g * q + b]! / count : Number.NaN;
        }),
      ),
      rows: groupRows[g]!,
    }));
  return result;
}
