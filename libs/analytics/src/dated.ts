import type { Convention } from './convention';
import { drawdowns } from './metrics/drawdown';
import { mean } from './stats';

/** One drawdown period: from its first day under water to its last (or the series' end). */
export interface DrawdownPeriod {
  start: string;
  /** The day of the deepest point. */
  valley: string;
  end: string;
  /** Calendar days from start to end, both counted. */
  days: number;
  /** The deepest drawdown of the period (≤ 0). */
  depth: number;
  recovered: boolean;
}

const DAY_MS = 86_400_000;
const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY_MS);

/**
 * Drawdown periods of a dated return series (quantstats `drawdown_details`: a period starts on the
 * first day below the running peak and ends on its last day below it; days = end − start + 1).
 */
export function drawdownPeriods(
  dates: readonly string[],
  returns: readonly number[],
): DrawdownPeriod[] {
  const series = drawdowns(returns);
  const periods: DrawdownPeriod[] = [];
  let current: DrawdownPeriod | undefined;
  series.forEach((dd, i) => {
    const date = dates[i]!;
    if (dd < 0) {
      if (!current)
        current = { start: date, valley: date, end: date, days: 1, depth: dd, recovered: false };
      if (dd < current.depth) {
        current.depth = dd;
        current.valley = date;
      }
      current.end = date;
    } else if (current) {
      current.recovered = true;
      periods.push(current);
      current = undefined;
    }
  });
  if (current) periods.push(current);
  for (const period of periods) period.days = daysBetween(period.start, period.end) + 1;
  return periods;
}

export interface DrawdownSummary {
  max_drawdown_date: string | null;
  max_drawdown_start: string | null;
  max_drawdown_end: string | null;
  longest_drawdown_days: number | null;
  avg_drawdown_days: number | null;
  drawdown_periods: number;
}

/** The report's drawdown rows (Max DD Date / Period Start / End, Longest DD Days, Avg. Drawdown Days). */
export function drawdownSummary(
  dates: readonly string[],
  returns: readonly number[],
): DrawdownSummary {
  const periods = drawdownPeriods(dates, returns);
  if (periods.length === 0)
    return {
      max_drawdown_date: null,
      max_drawdown_start: null,
      max_drawdown_end: null,
      longest_drawdown_days: null,
      avg_drawdown_days: null,
      drawdown_periods: 0,
    };
  const deepest = periods.reduce((a, b) => (b.depth < a.depth ? b : a));
  return {
    max_drawdown_date: deepest.valley,
    max_drawdown_start: deepest.start,
    max_drawdown_end: deepest.end,
    longest_drawdown_days: Math.max(...periods.map((p) => p.days)),
    avg_drawdown_days: mean(periods.map((p) => p.days)),
    drawdown_periods: periods.length,
  };
}

const compound = (returns: readonly number[]) =>
  returns.reduce((total, r) => total * (1 + r), 1) - 1;

/** `YYYY-MM-DD` minus whole months (day clamped to the month's length). */
function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export interface PeriodReturns {
  mtd: number | null;
  '3m': number | null;
  '6m': number | null;
  ytd: number | null;
  '1y': number | null;
  '3y_ann': number | null;
  '5y_ann': number | null;
  '10y_ann': number | null;
  all_time_ann: number | null;
}

/**
 * Trailing returns as of the last date (the report's MTD…All-time rows): MTD from the first day of
 * the last date's month, YTD from 1 January, 3M/6M/1Y over the returns dated after the date that
 * many months before, compounded; 3Y/5Y/10Y/all-time annualised (n / periods years, or the
 * convention's simple annual return). A window the series does not reach back to is `null`.
 */
export function periodReturns(
  dates: readonly string[],
  returns: readonly number[],
  convention: Convention,
): PeriodReturns {
  const last = dates.at(-1);
  const first = dates[0];
  const empty: PeriodReturns = {
    mtd: null,
    '3m': null,
    '6m': null,
    ytd: null,
    '1y': null,
    '3y_ann': null,
    '5y_ann': null,
    '10y_ann': null,
    all_time_ann: null,
  };
  if (!last || !first) return empty;
  const since = (from: string, inclusive: boolean) =>
    returns.filter((_, i) => (inclusive ? dates[i]! >= from : dates[i]! > from));
  const annual = (values: readonly number[]) => {
    if (values.length === 0) return null;
    const total = compound(values);
    const periods = convention.periodsPerYear;
    return convention.annualReturn === 'simple'
      ? (total / values.length) * periods
      : (1 + total) ** (periods / values.length) - 1;
  };
  const trailing = (months: number, annualised: boolean) => {
    const from = monthsBefore(last, months);
    if (first > from) return null;
    const values = since(from, false);
    return annualised ? annual(values) : compound(values);
  };
  return {
    mtd: compound(since(`${last.slice(0, 7)}-01`, true)),
    '3m': trailing(3, false),
    '6m': trailing(6, false),
    ytd: compound(since(`${last.slice(0, 4)}-01-01`, true)),
    '1y': trailing(12, false),
    '3y_ann': trailing(36, true),
    '5y_ann': trailing(60, true),
    '10y_ann': trailing(120, true),
    all_time_ann: annual(returns),
  };
}

/** Compounded returns per calendar month and year, and the report's best/worst/win rows by period. */
export function calendarReturns(dates: readonly string[], returns: readonly number[]) {
  const group = (key: (date: string) => string) => {
    const out = new Map<string, number[]>();
    returns.forEach((r, i) => {
      const k = key(dates[i]!);
      let list = out.get(k);
      if (!list) out.set(k, (list = []));
      list.push(r);
    });
    return new Map([...out].map(([k, values]) => [k, compound(values)]));
  };
  const months = group((date) => date.slice(0, 7));
  const years = group((date) => date.slice(0, 4));
  const table: Record<string, Record<string, number>> = {};
  for (const [month, value] of months) (table[month.slice(0, 4)] ??= {})[month.slice(5, 7)] = value;
  const stats = (values: number[]) => ({
    best: values.length ? Math.max(...values) : null,
    worst: values.length ? Math.min(...values) : null,
    win_rate: values.length ? values.filter((v) => v > 0).length / values.length : null,
  });
  const monthValues = [...months.values()];
  const ups = monthValues.filter((v) => v > 0);
  const downs = monthValues.filter((v) => v < 0);
  return {
    monthly: table,
    yearly: Object.fromEntries(years),
    month: {
      ...stats(monthValues),
      avg_up: ups.length ? mean(ups) : null,
      avg_down: downs.length ? mean(downs) : null,
    },
    year: stats([...years.values()]),
  };
}
