import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRESET_NAMES, resolveConvention } from './convention';
import { computeMetrics } from './compute';
import { calendarReturns, drawdownSummary, periodReturns, rollingStatistics } from './dated';
import { inferPeriodsPerYear, navToReturns } from './series';
import { normalQuantile } from './stats';

interface Golden {
  dates: string[];
  fund_nav: number[];
  benchmark_nav: number[];
  norm_ppf_0_05: number;
  presets: Record<string, Record<string, number>>;
  dated_quantstats: Record<string, number | string | null>;
}

const golden = JSON.parse(
  readFileSync(join(__dirname, '../test/golden/golden.json'), 'utf8'),
) as Golden;
const points = (navs: number[]) => navs.map((nav, i) => ({ date: golden.dates[i]!, nav }));

/** Relative closeness (absolute near zero). */
const close = (actual: number | null, expected: number) =>
  actual !== null && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));

describe('analytics golden vectors (numpy/scipy reference, test/golden/make_golden.py)', () => {
  it('the normal quantile matches scipy', () => {
    expect(Math.abs(normalQuantile(0.05) - golden.norm_ppf_0_05)).toBeLessThan(1e-12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
  });

  it.each(PRESET_NAMES.map((name) => [name]))(
    '%s preset: every statistic as the reference',
    (name) => {
      const convention = resolveConvention(name);
      const fund = navToReturns(points(golden.fund_nav), convention).returns;
      const benchmark = navToReturns(points(golden.benchmark_nav), convention).returns;
      const { metrics, convention: used } = computeMetrics(fund, convention, benchmark);
      expect(used.name).toBe(name);
      const expected = golden.presets[name]!;
      const wrong = Object.entries(expected)
        .filter(([key, value]) => !close(metrics[key] ?? null, value))
        .map(([key, value]) => `${key}: ${metrics[key]} ≠ ${value}`);
      expect(wrong).toEqual([]);
      expect(Object.keys(metrics).sort()).toEqual(Object.keys(expected).sort());
    },
  );

  it('quantstats and empyrical differ on the same returns exactly where their conventions do', () => {
    const returns = navToReturns(points(golden.fund_nav), resolveConvention('empyrical')).returns;
    const benchmark = navToReturns(
      points(golden.benchmark_nav),
      resolveConvention('empyrical'),
    ).returns;
    const a = computeMetrics(returns, resolveConvention('quantstats'), benchmark).metrics;
    const b = computeMetrics(returns, resolveConvention('empyrical'), benchmark).metrics;
    const differing = Object.keys(a).filter((key) => !close(a[key] ?? null, b[key] ?? NaN));
    // The probabilistic ratios read skew and kurtosis (and quantstats' own σ_SR formula); the
    // serenity index reads the CVaR of the drawdowns: they differ through those conventions.
    expect(differing.sort()).toEqual([
      'alpha',
      'cvar',
      'kurtosis',
      'probabilistic_adjusted_sortino_ratio',
      'probabilistic_sharpe_ratio',
      'probabilistic_sortino_ratio',
      'serenity_index',
      'skew',
      'value_at_risk',
    ]);
  });

  it('a small series checked by hand', () => {
    const convention = resolveConvention('quantstats');
    const { metrics } = computeMetrics([0.1, -0.05, 0.02, 0, -0.01], convention);
    expect(metrics.comp).toBeCloseTo(0.055241, 12); // 1.1 · 0.95 · 1.02 · 1 · 0.99 − 1
    expect(metrics.max_drawdown).toBeCloseTo(-0.05, 12); // 1.045 / 1.1 − 1
    expect(metrics.win_rate).toBe(0.5); // 2 of 4 non-zero
    expect(metrics.exposure).toBe(0.8);
    expect(metrics.profit_factor).toBeCloseTo(2, 12); // 0.12 / 0.06
    expect(metrics.payoff_ratio).toBeCloseTo(2, 12); // 0.06 / 0.03
    expect(metrics.kelly_criterion).toBeCloseTo(0.25, 12); // (2 · 0.5 − 0.5) / 2
    expect(metrics.best).toBe(0.1);
    expect(metrics.worst).toBe(-0.05);
    expect(metrics.consecutive_wins).toBe(1);
  });

  it('log returns (vn.py) compound as e^r: total and drawdown are the NAV’s own', () => {
    const convention = resolveConvention('vnpy');
    const { returns } = navToReturns(
      [
        { date: '2024-01-02', nav: 1 },
        { date: '2024-01-03', nav: 1.1 },
        { date: '2024-01-04', nav: 0.99 },
      ],
      convention,
    );
    const { metrics } = computeMetrics(returns, convention);
    expect(metrics.comp).toBeCloseTo(0.99 - 1, 12);
    expect(metrics.max_drawdown).toBeCloseTo(0.99 / 1.1 - 1, 12);
    expect(metrics.expected_return).toBeCloseTo(Math.sqrt(0.99) - 1, 12);
  });

  it('conventions: overrides are named, periods inferred from the dates, bad input refused', () => {
    const weekly = Array.from({ length: 10 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 5 + 7 * i)).toISOString().slice(0, 10),
    );
    expect(inferPeriodsPerYear(weekly)).toBe(52);
    expect(inferPeriodsPerYear(golden.dates)).toBe(252);
    expect(resolveConvention('quantstats', {}, 52)).toMatchObject({
      name: 'quantstats+overrides',
      periodsPerYear: 52,
    });
    expect(resolveConvention('tqsdk', {}, 250).name).toBe('tqsdk');
    expect(resolveConvention(undefined, { riskFree: 0.02 })).toMatchObject({
      name: 'quantstats+overrides',
      riskFree: 0.02,
    });
    expect(() => resolveConvention('morningstar')).toThrow('unknown preset');
    expect(() => resolveConvention('quantstats', { periodsPerYear: 0 })).toThrow('periodsPerYear');
    expect(() =>
      navToReturns(
        [
          { date: '2024-01-02', nav: 1 },
          { date: '2024-01-03', nav: 0 },
        ],
        resolveConvention(),
      ),
    ).toThrow('2024-01-03');
    expect(() => computeMetrics([0.1, 0.2], resolveConvention(), [0.1])).toThrow('benchmark');
  });

  it('dated rows (drawdown periods, trailing and calendar returns) as the reference', () => {
    const convention = resolveConvention('quantstats');
    const { dates, returns } = navToReturns(points(golden.fund_nav), convention);
    const expected = golden.dated_quantstats;
    const summary = drawdownSummary(dates, returns);
    const trailing = periodReturns(dates, returns, convention);
    const calendar = calendarReturns(dates, returns);
    const rolling = rollingStatistics(dates, returns, convention);
    const mid = Math.floor(rolling.dates.length / 2);
    const actual: Record<string, number | string | null> = {
      ...summary,
      mtd: trailing.mtd,
      '3m': trailing['3m'],
      '6m': trailing['6m'],
      ytd: trailing.ytd,
      '1y': trailing['1y'],
      all_time_ann: trailing.all_time_ann,
      best_month: calendar.month.best,
      worst_month: calendar.month.worst,
      win_month: calendar.month.win_rate,
      monthly_2024_03: calendar.monthly['2024']!['03']!,
      win_quarter: calendar.quarter.win_rate,
      best_quarter: calendar.quarter.best,
      worst_year: calendar.year.worst,
      expected_monthly: calendar.month.expected,
      expected_yearly: calendar.year.expected,
      gain_to_pain_1m: calendar.month.gain_to_pain,
      rolling_count: rolling.dates.length,
      rolling_first_date: rolling.dates[0]!,
      rolling_last_sharpe: rolling.sharpe.at(-1)!,
      rolling_last_sortino: rolling.sortino.at(-1)!,
      rolling_last_volatility: rolling.volatility.at(-1)!,
      rolling_mid_sharpe: rolling.sharpe[mid]!,
      rolling_mid_volatility: rolling.volatility[mid]!,
    };
    for (const [key, value] of Object.entries(expected)) {
      if (typeof value === 'number')
        expect([key, close(actual[key] as number | null, value)]).toEqual([key, true]);
      else expect([key, actual[key]]).toEqual([key, value]);
    }
    expect(trailing['3y_ann']).toBeNull(); // the series does not reach back three years
  });
});
