import type { Convention } from './convention';
import { computeMetrics, MetricsResult } from './compute';
import {
  calendarReturns,
  drawdownSummary,
  periodReturns,
  rollingStatistics,
  RollingStatistics,
} from './dated';
import { navToReturns } from './series';

/** Everything the report shows about one NAV series (optionally against a benchmark on the same dates). */
export interface SeriesAnalysis extends MetricsResult {
  /** Drawdown rows: max DD date, period start/end, longest and average drawdown days. */
  drawdown: ReturnType<typeof drawdownSummary>;
  /** MTD, 3M, 6M, YTD, 1Y, 3Y/5Y/10Y/all-time annualised (null where the series is shorter). */
  trailing: ReturnType<typeof periodReturns>;
  /** Monthly and yearly returns; best/worst/win rate/expected by month, quarter and year. */
  calendar: ReturnType<typeof calendarReturns>;
  rolling?: RollingStatistics;
}

/**
 * The statistics, drawdown, trailing and calendar rows (and, when asked, the rolling series) of a
 * NAV series under a convention. `benchmarkNavs`, when given, lies on the same dates.
 */
export function analyseNav(
  dates: readonly string[],
  navs: ArrayLike<number>,
  convention: Convention,
  options: { benchmarkNavs?: ArrayLike<number>; rolling?: boolean } = {},
): SeriesAnalysis {
  const points = (values: ArrayLike<number>) =>
    Array.from(dates, (date, i) => ({ date, nav: values[i]! }));
  const own = navToReturns(points(navs), convention);
  const benchmark = options.benchmarkNavs
    ? navToReturns(points(options.benchmarkNavs), convention).returns
    : undefined;
  return {
    ...computeMetrics(own.returns, convention, benchmark),
    drawdown: drawdownSummary(own.dates, own.returns, convention.returnType),
    trailing: periodReturns(own.dates, own.returns, convention),
    calendar: calendarReturns(own.dates, own.returns, convention.returnType),
    ...(options.rolling ? { rolling: rollingStatistics(own.dates, own.returns, convention) } : {}),
  };
}
