import type { SeriesAnalysis } from '@qautlra/analytics';
import { CellFormat, periodWords } from './format';
import { sheetWords, type SheetWords } from './sheet-language';

/** What a report row reads: a series' analysis and its date range. */
export type RowSource = SeriesAnalysis & { start: string | null; end: string | null };

export interface MetricRow {
  label: string;
  format: CellFormat;
  value: (a: RowSource) => number | string | null | undefined;
  /** Benchmark-relative: empty in the benchmark's own column. */
  relative?: boolean;
}

const m = (key: string) => (a: RowSource) => a.metrics[key];
/** VaR and CVaR are shown as −|x| (quantstats report). */
const negative = (key: string) => (a: RowSource) => {
  const value = a.metrics[key];
  return value === null || value === undefined ? value : -Math.abs(value);
};

/**
 * The tear sheet's statistics, grouped as quantstats' full report (spec analytics-conventions §2.3).
 * `periods` names the "Daily" rows after the series' frequency; labels are in the words' language.
 */
export function metricGroups(
  periods: number,
  words: SheetWords = sheetWords(),
): { title: string; rows: MetricRow[] }[] {
  const { adjective: word, noun } = periodWords(periods);
  const groups: { title: string; rows: MetricRow[] }[] = [
    {
      title: 'Period and exposure',
      rows: [
        { label: 'Start Period', format: 'text', value: (a) => a.start },
        { label: 'End Period', format: 'text', value: (a) => a.end },
        { label: 'Risk-Free Rate', format: 'pct', value: (a) => a.convention.riskFree },
        { label: 'Time in Market', format: 'pct', value: m('exposure') },
        { label: 'Cumulative Return', format: 'pct', value: m('comp') },
        { label: 'CAGR﹪', format: 'pct', value: m('cagr') },
      ],
    },
    {
      title: 'Risk-adjusted ratios',
      rows: [
        { label: 'Sharpe', format: 'ratio', value: m('sharpe') },
        { label: 'Prob. Sharpe Ratio', format: 'pct', value: m('probabilistic_sharpe_ratio') },
        { label: 'Smart Sharpe', format: 'ratio', value: m('smart_sharpe') },
        { label: 'Sortino', format: 'ratio', value: m('sortino') },
        { label: 'Smart Sortino', format: 'ratio', value: m('smart_sortino') },
        { label: 'Sortino/√2', format: 'ratio', value: m('adjusted_sortino') },
        { label: 'Smart Sortino/√2', format: 'ratio', value: m('smart_adjusted_sortino') },
        { label: 'Omega', format: 'ratio', value: m('omega') },
      ],
    },
    {
      title: 'Drawdown',
      rows: [
        { label: 'Max Drawdown', format: 'pct', value: m('max_drawdown') },
        { label: 'Max DD Date', format: 'text', value: (a) => a.drawdown.max_drawdown_date },
        {
          label: 'Max DD Period Start',
          format: 'text',
          value: (a) => a.drawdown.max_drawdown_start,
        },
        { label: 'Max DD Period End', format: 'text', value: (a) => a.drawdown.max_drawdown_end },
        {
          label: 'Longest DD Days',
          format: 'days',
          value: (a) => a.drawdown.longest_drawdown_days,
        },
        { label: 'Avg. Drawdown Days', format: 'days', value: (a) => a.drawdown.avg_drawdown_days },
      ],
    },
    {
      title: 'Volatility and distribution',
      rows: [
        { label: 'Volatility (ann.)', format: 'pct', value: m('volatility') },
        { label: 'R²', format: 'ratio', value: m('r_squared'), relative: true },
        {
          label: 'Information Ratio',
          format: 'ratio',
          value: m('information_ratio'),
          relative: true,
        },
        { label: 'Calmar', format: 'ratio', value: m('calmar') },
        { label: 'Skew', format: 'ratio', value: m('skew') },
        { label: 'Kurtosis', format: 'ratio', value: m('kurtosis') },
      ],
    },
    {
      title: 'Other risk-adjusted measures',
      rows: [
        { label: 'Ulcer Performance Index', format: 'ratio', value: m('ulcer_performance_index') },
        { label: 'Risk-Adjusted Return', format: 'pct', value: m('rar') },
        { label: 'Risk-Return Ratio', format: 'ratio', value: m('risk_return_ratio') },
        { label: 'Stability', format: 'ratio', value: m('stability_of_timeseries') },
      ],
    },
    {
      title: 'Average returns',
      rows: [
        { label: 'Avg. Return', format: 'pct', value: m('avg_return') },
        { label: 'Avg. Win', format: 'pct', value: m('avg_win') },
        { label: 'Avg. Loss', format: 'pct', value: m('avg_loss') },
        { label: 'Win/Loss Ratio', format: 'ratio', value: m('payoff_ratio') },
        { label: 'Profit Ratio', format: 'ratio', value: m('profit_ratio') },
      ],
    },
    {
      title: 'Expected returns and tail risk',
      rows: [
        { label: words.expected(word), format: 'pct', value: m('expected_return') },
        { label: 'Expected Monthly', format: 'pct', value: (a) => a.calendar.month.expected },
        { label: 'Expected Yearly', format: 'pct', value: (a) => a.calendar.year.expected },
        { label: 'Kelly Criterion', format: 'pct', value: m('kelly_criterion') },
        { label: 'Risk of Ruin', format: 'pct', value: m('risk_of_ruin') },
        { label: words.valueAtRisk(word), format: 'pct', value: negative('value_at_risk') },
        { label: 'Expected Shortfall (cVaR)', format: 'pct', value: negative('cvar') },
      ],
    },
    {
      title: 'Streaks',
      rows: [
        { label: 'Max Consecutive Wins', format: 'int', value: m('consecutive_wins') },
        { label: 'Max Consecutive Losses', format: 'int', value: m('consecutive_losses') },
      ],
    },
    {
      title: 'Trade-quality ratios',
      rows: [
        { label: 'Gain/Pain Ratio', format: 'ratio', value: m('gain_to_pain_ratio') },
        { label: 'Gain/Pain (1M)', format: 'ratio', value: (a) => a.calendar.month.gain_to_pain },
        { label: 'Payoff Ratio', format: 'ratio', value: m('payoff_ratio') },
        { label: 'Profit Factor', format: 'ratio', value: m('profit_factor') },
        { label: 'Common Sense Ratio', format: 'ratio', value: m('common_sense_ratio') },
        { label: 'CPC Index', format: 'ratio', value: m('cpc_index') },
        { label: 'Tail Ratio', format: 'ratio', value: m('tail_ratio') },
        { label: 'Outlier Win Ratio', format: 'ratio', value: m('outlier_win_ratio') },
        { label: 'Outlier Loss Ratio', format: 'ratio', value: m('outlier_loss_ratio') },
      ],
    },
    {
      title: 'Period returns',
      rows: [
        { label: 'MTD', format: 'pct', value: (a) => a.trailing.mtd },
        { label: '3M', format: 'pct', value: (a) => a.trailing['3m'] },
        { label: '6M', format: 'pct', value: (a) => a.trailing['6m'] },
        { label: 'YTD', format: 'pct', value: (a) => a.trailing.ytd },
        { label: '1Y', format: 'pct', value: (a) => a.trailing['1y'] },
        { label: '3Y (ann.)', format: 'pct', value: (a) => a.trailing['3y_ann'] },
        { label: '5Y (ann.)', format: 'pct', value: (a) => a.trailing['5y_ann'] },
        { label: '10Y (ann.)', format: 'pct', value: (a) => a.trailing['10y_ann'] },
        { label: 'All-time (ann.)', format: 'pct', value: (a) => a.trailing.all_time_ann },
      ],
    },
    {
      title: 'Best and worst',
      rows: [
        { label: words.best(noun), format: 'pct', value: m('best') },
        { label: words.worst(noun), format: 'pct', value: m('worst') },
        { label: 'Best Month', format: 'pct', value: (a) => a.calendar.month.best },
        { label: 'Worst Month', format: 'pct', value: (a) => a.calendar.month.worst },
        { label: 'Best Year', format: 'pct', value: (a) => a.calendar.year.best },
        { label: 'Worst Year', format: 'pct', value: (a) => a.calendar.year.worst },
      ],
    },
    {
      title: 'Averages and win rates by period',
      rows: [
        { label: 'Avg. Up Month', format: 'pct', value: (a) => a.calendar.month.avg_up },
        { label: 'Avg. Down Month', format: 'pct', value: (a) => a.calendar.month.avg_down },
        { label: words.wins(noun), format: 'pct', value: m('win_rate') },
        { label: 'Win Month', format: 'pct', value: (a) => a.calendar.month.win_rate },
        { label: 'Win Quarter', format: 'pct', value: (a) => a.calendar.quarter.win_rate },
        { label: 'Win Year', format: 'pct', value: (a) => a.calendar.year.win_rate },
      ],
    },
    {
      title: 'Benchmark',
      rows: [
        { label: 'Beta', format: 'ratio', value: m('beta'), relative: true },
        { label: 'Alpha', format: 'ratio', value: m('alpha'), relative: true },
        { label: 'Correlation', format: 'pct', value: m('correlation'), relative: true },
        { label: 'Treynor Ratio', format: 'pct', value: m('treynor_ratio'), relative: true },
        { label: 'Up Capture', format: 'ratio', value: m('up_capture'), relative: true },
        { label: 'Down Capture', format: 'ratio', value: m('down_capture'), relative: true },
        { label: 'Tracking Error', format: 'pct', value: m('tracking_error'), relative: true },
      ],
    },
    {
      title: 'Other',
      rows: [
        { label: 'Serenity Index', format: 'ratio', value: m('serenity_index') },
        { label: 'Recovery Factor', format: 'ratio', value: m('recovery_factor') },
        { label: 'Ulcer Index', format: 'ratio', value: m('ulcer_index') },
      ],
    },
  ];
  // Fixed labels through the dictionary; the frequency-named ones are built in the language.
  return groups.map((group) => ({
    title: words.t(group.title),
    rows: group.rows.map((row) => ({ ...row, label: words.t(row.label) })),
  }));
}
