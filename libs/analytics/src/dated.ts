import { type Convention, growthOf, riskFreePerPeriod } from './convention';
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
  returnType: ReturnType = 'simple',
): DrawdownPeriod[] {
  const series = drawdowns(returns, returnType);
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
  returnType: ReturnType = 'simple',
): DrawdownSummary {
  const periods = drawdownPeriods(dates, returns, returnType);
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

type ReturnType = Convention['returnType'];

/** Compounded return of period returns (growth e^r for log returns). */
const compound = (returns: readonly number[], returnType: ReturnType = 'simple') =>
  returns.reduce((total, r) => total * growthOf(r, returnType), 1) - 1;

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
    const total = compound(values, convention.returnType);
    const periods = convention.periodsPerYear;
    return convention.annualReturn === 'simple'
      ? (total / values.length) * periods
      : (1 + total) ** (periods / values.length) - 1;
  };
  const trailing = (months: number, annualised: boolean) => {
    const from = monthsBefore(last, months);
    if (first > from) return null;
    const values = since(from, false);
    return annualised ? annual(values) : compound(values, convention.returnType);
  };
  return {
    mtd: compound(since(`${last.slice(0, 7)}-01`, true), convention.returnType),
    '3m': trailing(3, false),
    '6m': trailing(6, false),
    ytd: compound(since(`${last.slice(0, 4)}-01-01`, true), convention.returnType),
    '1y': trailing(12, false),
    '3y_ann': trailing(36, true),
    '5y_ann': trailing(60, true),
    '10y_ann': trailing(120, true),
    all_time_ann: annual(returns),
  };
}

/** Geometric mean of (simple) period returns: ∏(1 + r)^(1/n) − 1. */
const geometricMean = (values: readonly number[]) =>
  values.length ? (1 + compound(values)) ** (1 / values.length) - 1 : null;

/**
 * Compounded returns per calendar month and year, and the report's rows by period: best, worst and
 * win rate by month, quarter and year; average up and down month; expected monthly and yearly
 * return (the geometric mean of the compounded period returns, quantstats `expected_return(
 * aggregate="M" | "A")`); Gain/Pain (1M) (quantstats `gain_to_pain_ratio(resolution="ME")`: the
 * returns summed per month, Σ / |Σ of the negative months|).
 */
export function calendarReturns(
  dates: readonly string[],
  returns: readonly number[],
  returnType: ReturnType = 'simple',
) {
  const group = (key: (date: string) => string) => {
    const out = new Map<string, number[]>();
    returns.forEach((r, i) => {
      const k = key(dates[i]!);
      let list = out.get(k);
      if (!list) out.set(k, (list = []));
      list.push(r);
    });
    return out;
  };
  const compounded = (groups: Map<string, number[]>) =>
    new Map([...groups].map(([k, values]) => [k, compound(values, returnType)]));
  const monthGroups = group((date) => date.slice(0, 7));
  const months = compounded(monthGroups);
  const quarters = compounded(
    group((date) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`),
  );
  const years = compounded(group((date) => date.slice(0, 4)));
  const table: Record<string, Record<string, number>> = {};
  for (const [month, value] of months) (table[month.slice(0, 4)] ??= {})[month.slice(5, 7)] = value;
  const stats = (values: number[]) => ({
    best: values.length ? Math.max(...values) : null,
    worst: values.length ? Math.min(...values) : null,
    win_rate: values.length ? values.filter((v) => v > 0).length / values.length : null,
    expected: geometricMean(values),
  });
  const monthValues = [...months.values()];
  const ups = monthValues.filter((v) => v > 0);
  const downs = monthValues.filter((v) => v < 0);
  const monthSums = [...monthGroups.values()].map((values) => values.reduce((a, b) => a + b, 0));
  const pain = Math.abs(monthSums.filter((v) => v < 0).reduce((a, b) => a + b, 0));
  return {
    monthly: table,
    yearly: Object.fromEntries(years),
    month: {
      ...stats(monthValues),
      avg_up: ups.length ? mean(ups) : null,
      avg_down: downs.length ? mean(downs) : null,
      gain_to_pain: pain > 0 ? monthSums.reduce((a, b) => a + b, 0) / pain : null,
    },
    quarter: stats([...quarters.values()]),
    year: stats([...years.values()]),
  };
}

export interface RollingStatistics {
  /** Observations per window: half the periods per year (126 daily, 26 weekly, 6 monthly). */
  window: number;
  /** The date each window ends on. */
  dates: string[];
  /** Annualised, on excess returns (quantstats `rolling_sharpe`). */
  sharpe: (number | null)[];
  /** Annualised; downside over the window's N (quantstats `rolling_sortino`). */
  sortino: (number | null)[];
  /** Annualised std (quantstats `rolling_volatility`). */
  volatility: (number | null)[];
}

/**
 * Rolling Sharpe, Sortino and volatility over a trailing window (the tear sheet's rolling charts),
 * in O(n) with running sums. Non-finite values (a flat window) are `null`.
 */
export function rollingStatistics(
  dates: readonly string[],
  returns: readonly number[],
  convention: Convention,
  window = Math.max(2, Math.round(convention.periodsPerYear / 2)),
): RollingStatistics {
  const rf = riskFreePerPeriod(convention);
  const ddof = convention.std === 'sample' ? 1 : 0;
  const scale = Math.sqrt(convention.periodsPerYear);
  const out: RollingStatistics = { window, dates: [], sharpe: [], sortino: [], volatility: [] };
  const finite = (value: number) => (Number.isFinite(value) ? value : null);
  // Sums of a window's values minus a shift (its first value), which keeps the variance exact.
  let shift = 0;
  let s1 = 0;
  let s2 = 0;
  let e1 = 0;
  let down = 0;
  let losses = 0;
  const add = (r: number, sign: 1 | -1) => {
    const x = r - shift;
    s1 += sign * x;
    s2 += sign * x * x;
    e1 += sign * (r - rf);
    const excess = r - rf;
    if (excess < 0) {
      down += sign * excess * excess;
      losses += sign;
    }
  };
  for (let i = 0; i < returns.length; i += 1) {
    if (i % window === 0) {
      // Re-base the running sums now and then so rounding does not accumulate.
      shift = returns[i]!;
      s1 = s2 = e1 = down = losses = 0;
      for (let j = Math.max(0, i - window); j < i; j += 1) add(returns[j]!, 1);
    }
    add(returns[i]!, 1);
    if (i >= window) add(returns[i - window]!, -1);
    if (i + 1 < window) continue;
    const m = s1 / window;
    // Below 1e-20 the difference of the running sums is rounding: the window is flat.
    const raw = (s2 - window * m * m) / (window - ddof);
    const variance = raw < 1e-20 ? 0 : raw;
    const sd = Math.sqrt(variance);
    out.dates.push(dates[i]!);
    out.volatility.push(finite(sd * scale));
    out.sharpe.push(finite((e1 / window / sd) * scale));
    const downside = losses > 0 ? Math.sqrt(Math.max(0, down) / window) : 0;
    out.sortino.push(finite((e1 / window / downside) * scale));
  }
  return out;
}
