import type { Convention } from './convention';

/** One observation of a NAV series. */
export interface NavPoint {
  /** `YYYY-MM-DD`. */
  date: string;
  nav: number;
}

/** Returns with the dates they end on. */
export interface ReturnSeries {
  dates: string[];
  returns: number[];
}

/**
 * NAV → period returns under the convention: simple or log, and the first point either a 0
 * return (quantstats: its `pct_change` NaN filled with 0) or dropped. NAVs must be positive.
 */
export function navToReturns(points: readonly NavPoint[], convention: Convention): ReturnSeries {
  const dates: string[] = [];
  const returns: number[] = [];
  points.forEach((point, index) => {
    if (!(point.nav > 0) || !Number.isFinite(point.nav))
      throw new Error(`NAV on ${point.date} must be a positive number, got ${point.nav}`);
    if (index === 0) {
      if (convention.navFirstPoint === 'zero') {
        dates.push(point.date);
        returns.push(0);
      }
      return;
    }
    const ratio = point.nav / points[index - 1]!.nav;
    dates.push(point.date);
    returns.push(convention.returnType === 'log' ? Math.log(ratio) : ratio - 1);
  });
  return { dates, returns };
}

/**
 * Periods per year of a dated series from its median spacing: daily (≤ 4 days) 252, weekly
 * (≤ 10) 52, monthly (≤ 40) 12, quarterly (≤ 120) 4, else 1. Undefined with fewer than 3 dates.
 */
export function inferPeriodsPerYear(dates: readonly string[]): number | undefined {
  if (dates.length < 3) return undefined;
  const gaps: number[] = [];
  for (let i = 1; i < dates.length; i += 1)
    gaps.push((Date.parse(dates[i]!) - Date.parse(dates[i - 1]!)) / 86_400_000);
  gaps.sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  if (median <= 4) return 252;
  if (median <= 10) return 52;
  if (median <= 40) return 12;
  if (median <= 120) return 4;
  return 1;
}
