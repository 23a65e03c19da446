import {
  computeMetrics,
  navToReturns,
  resolveConvention,
  type Convention,
} from '@qautlra/analytics';

/**
 * Ranking a parameter sweep with a guard against overfitting. Every combination's daily NAV is kept; a
 * statistic (a libs/analytics metric name such as `sharpe`, `cagr`, `max_drawdown`) is computed over any
 * window of it, so:
 * - **in-sample / out-of-sample**: with a split date, combinations are ranked by the statistic over the dates
 *   before it and shown with the statistic after it; the Spearman correlation of the two rankings and the
 *   out-of-sample value of the in-sample winner say whether the in-sample ranking carries over;
 * - **walk-forward**: the dates are cut into `folds + 1` equal segments; for each fold the combination best
 *   over all segments before (anchored, expanding) is chosen and its next segment kept; the kept segments,
 *   chained, are the out-of-sample NAV of choosing parameters this way — its statistic is the honest one.
 */

export interface SweepOutcome {
  /** The combination's place in the grid. */
  index: number;
  params: Record<string, unknown>;
  /** ISO dates, the first being the base (NAV 1 the day before the run). */
  dates: readonly string[];
  navs: readonly number[];
  /**
   * Other dated series on the same dates (without the base), for statistics that are not of the NAV: a
   * factor sweep's `rank_ic` and `ic` per date, ranked by `rank_ic_mean`, `rank_ic_ir`, `ic_mean`, `ic_ir`.
   */
  series?: Readonly<Record<string, readonly (number | null)[]>>;
}

/** Statistics of a dated series (mean, mean / sample std) rather than of the NAV. */
const SERIES_STATISTICS: Record<string, { series: string; take: 'mean' | 'ir' }> = {
  rank_ic_mean: { series: 'rank_ic', take: 'mean' },
  rank_ic_ir: { series: 'rank_ic', take: 'ir' },
  ic_mean: { series: 'ic', take: 'mean' },
  ic_ir: { series: 'ic', take: 'ir' },
};

/** Whether `rankBy` is a statistic of a dated series (an IC) instead of the NAV. */
export const isSeriesStatistic = (rankBy: string): boolean =>
  Object.hasOwn(SERIES_STATISTICS, rankBy);

export interface SweepRankingOptions {
  rankBy: string;
  order: 'asc' | 'desc';
  /** First out-of-sample date (ISO): in-sample is before it. */
  split?: string;
  walkForward?: { folds: number };
  convention?: string;
}

export interface SweepRow {
  rank: number;
  index: number;
  params: Record<string, unknown>;
  /** The statistic over the whole run. */
  value: number | null;
  inSample?: number | null;
  outOfSample?: number | null;
}

export interface WalkForwardFold {
  train: [string, string];
  test: [string, string];
  chosen: number;
  params: Record<string, unknown>;
  trainValue: number | null;
  testValue: number | null;
}

export interface SweepRanking {
  rankBy: string;
  order: 'asc' | 'desc';
  rows: SweepRow[];
  split?: {
    date: string;
    /** Spearman correlation of in-sample and out-of-sample values over the combinations having both. */
    rankCorrelation: number | null;
    /** The in-sample winner's out-of-sample value, and where it ranks out of sample (1 = best). */
    winnerOutOfSample: number | null;
    winnerOutOfSampleRank: number | null;
    /** The median out-of-sample value (what picking at random would give). */
    medianOutOfSample: number | null;
  };
  walkForward?: {
    folds: WalkForwardFold[];
    /** The statistic of the chained out-of-sample segments. */
    value: number | null;
    dates: string[];
    navs: number[];
  };
}

/** The statistic over dates in [from, to] (ISO, inclusive), based on the NAV just before `from`. */
export function statisticOver(
  outcome: SweepOutcome,
  rankBy: string,
  convention: Convention,
  from?: string,
  to?: string,
): number | null {
  const { dates, navs } = outcome;
  const bySeries = SERIES_STATISTICS[rankBy];
  if (bySeries && Object.hasOwn(SERIES_STATISTICS, rankBy)) {
    const values = outcome.series?.[bySeries.series];
    if (!values) return null;
    const picked: number[] = [];
    values.forEach((value, i) => {
      const date = dates[i + 1]!;
      if (value === null || !Number.isFinite(value)) return;
      if ((from === undefined || date >= from) && (to === undefined || date <= to))
        picked.push(value);
    });
    if (picked.length < 2) return null;
    const mean = picked.reduce((a, b) => a + b, 0) / picked.length;
    const std = Math.sqrt(picked.reduce((a, b) => a + (b - mean) ** 2, 0) / (picked.length - 1));
    return bySeries.take === 'mean' ? mean : std > 0 ? mean / std : null;
  }
  let start = 1;
  while (start < dates.length && from !== undefined && dates[start]! < from) start += 1;
  let end = dates.length - 1;
  while (end >= start && to !== undefined && dates[end]! > to) end -= 1;
  if (end < start) return null;
  const windowDates = dates.slice(start - 1, end + 1);
  const windowNavs = navs.slice(start - 1, end + 1);
  if (windowDates.length < 3) return null;
  const points = windowDates.map((date, i) => ({ date, nav: windowNavs[i]! }));
  const { returns } = navToReturns(points, convention);
  return computeMetrics(returns, convention).metrics[rankBy] ?? null;
}

const better = (order: 'asc' | 'desc') => (a: number | null, b: number | null) =>
  a === null ? (b === null ? 0 : 1) : b === null ? -1 : order === 'asc' ? a - b : b - a;

function spearman(a: number[], b: number[]): number | null {
  const n = a.length;
  if (n < 3) return null;
  const ranks = (xs: number[]): number[] => {
    const order = xs.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
    const out = new Array<number>(n);
    for (let k = 0; k < n;) {
      let j = k;
      while (j + 1 < n && order[j + 1]![0] === order[k]![0]) j += 1;
      for (let m = k; m <= j; m += 1) out[order[m]![1]] = (k + j) / 2 + 1;
      k = j + 1;
    }
    return out;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i += 1) {
    sab += (ra[i]! - mean) * (rb[i]! - mean);
    saa += (ra[i]! - mean) ** 2;
    sbb += (rb[i]! - mean) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

export function rankSweep(
  outcomes: readonly SweepOutcome[],
  options: SweepRankingOptions,
): SweepRanking {
  const convention = resolveConvention(options.convention);
  const compare = better(options.order);
  const rows = outcomes.map((outcome) => {
    const row: SweepRow = {
      rank: 0,
      index: outcome.index,
      params: outcome.params,
      value: statisticOver(outcome, options.rankBy, convention),
    };
    if (options.split) {
      row.inSample = statisticOver(
        outcome,
        options.rankBy,
        convention,
        undefined,
        dayBeforeIso(options.split),
      );
      row.outOfSample = statisticOver(outcome, options.rankBy, convention, options.split);
    }
    return row;
  });
  const key = (row: SweepRow) => (options.split ? (row.inSample ?? null) : row.value);
  rows.sort((a, b) => compare(key(a), key(b)) || a.index - b.index);
  rows.forEach((row, i) => (row.rank = i + 1));
  const ranking: SweepRanking = { rankBy: options.rankBy, order: options.order, rows };
  if (options.split) {
    const both = rows.filter((r) => r.inSample != null && r.outOfSample != null);
    const outOfSample = rows.map((r) => r.outOfSample).filter((v): v is number => v != null);
    const sortedOut = [...outOfSample].sort((a, b) => compare(a, b));
    const winner = rows[0]?.outOfSample ?? null;
    const sign = options.order === 'asc' ? -1 : 1;
    ranking.split = {
      date: options.split,
      rankCorrelation: spearman(
        both.map((r) => sign * r.inSample!),
        both.map((r) => sign * r.outOfSample!),
      ),
      winnerOutOfSample: winner,
      winnerOutOfSampleRank: winner === null ? null : sortedOut.indexOf(winner) + 1,
      medianOutOfSample: sortedOut.length
        ? sortedOut[Math.floor((sortedOut.length - 1) / 2)]!
        : null,
    };
  }
  if (options.walkForward && outcomes.length)
    ranking.walkForward = walkForward(outcomes, options, convention);
  return ranking;
}

function dayBeforeIso(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

function walkForward(
  outcomes: readonly SweepOutcome[],
  options: SweepRankingOptions,
  convention: Convention,
): NonNullable<SweepRanking['walkForward']> {
  const folds = options.walkForward!.folds;
  if (!Number.isInteger(folds) || folds < 1 || folds > 20)
    throw new RangeError('walk-forward folds are 1–20');
  const dates = outcomes[0]!.dates.slice(1);
  const segment = Math.floor(dates.length / (folds + 1));
  if (segment < 3)
    throw new RangeError(`${dates.length} dates are too few for ${folds} walk-forward folds`);
  const compare = better(options.order);
  const result: NonNullable<SweepRanking['walkForward']> = {
    folds: [],
    value: null,
    dates: [],
    navs: [],
  };
  let nav = 1;
  for (let k = 1; k <= folds; k += 1) {
    const trainTo = dates[k * segment - 1]!;
    const testFrom = dates[k * segment]!;
    const testTo = dates[k === folds ? dates.length - 1 : (k + 1) * segment - 1]!;
    const scored = outcomes
      .map((o) => ({ o, value: statisticOver(o, options.rankBy, convention, dates[0], trainTo) }))
      .sort((a, b) => compare(a.value, b.value) || a.o.index - b.o.index);
    const chosen = scored[0]!.o;
    const fold: WalkForwardFold = {
      train: [dates[0]!, trainTo],
      test: [testFrom, testTo],
      chosen: chosen.index,
      params: chosen.params,
      trainValue: scored[0]!.value,
      testValue: statisticOver(chosen, options.rankBy, convention, testFrom, testTo),
    };
    result.folds.push(fold);
    // Chain the chosen combination's test segment: its NAV relative to the day before the segment.
    const start = chosen.dates.indexOf(testFrom);
    if (start < 1) continue;
    if (!result.dates.length) {
      result.dates.push(chosen.dates[start - 1]!);
      result.navs.push(nav);
    }
    const base = chosen.navs[start - 1]!;
    for (let i = start; i < chosen.dates.length && chosen.dates[i]! <= testTo; i += 1) {
      result.dates.push(chosen.dates[i]!);
      result.navs.push((nav * chosen.navs[i]!) / base);
    }
    nav = result.navs[result.navs.length - 1]!;
  }
  if (result.dates.length >= 3) {
    const { returns } = navToReturns(
      result.dates.map((date, i) => ({ date, nav: result.navs[i]! })),
      convention,
    );
    result.value = computeMetrics(returns, convention).metrics[options.rankBy] ?? null;
  }
  return result;
}
