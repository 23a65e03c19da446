import { isBar, type BacktestResult } from '@qautlra/backtest';
import type { MarketBar } from '@qautlra/execution';
import {
  analyzeFactor,
  barPanels,
  builtinFactor,
  DROP_REASONS,
  evaluateExpression,
  FactorError,
  indicatorFactor,
  neutralize,
  quantileWeights,
  runWeightBacktest,
  standardize,
  winsorize,
  type FactorAnalysis,
  type Panel,
} from '@qautlra/factors';
import { loadMarketEvents, type SourceKind, type TsdbSource } from '../runs/market-source';

/**
 * A factor study: daily bars of the instruments (sim or tsdb), a factor (an expression, a built-in or a
 * libs/indicators indicator), preprocessing, the alphalens analysis and, when asked, the backtest of holding
 * a quantile (libs/backtest, China's rules). Runs on a worker thread of the backtest service or in the CLI.
 */
export interface FactorRequest {
  source: Extract<SourceKind, 'sim' | 'tsdb'>;
  instruments: string[];
  from: string;
  to: string;
  seed?: number;
  tsdb?: TsdbSource;
  factor: {
    expression?: string;
    builtin?: string;
    window?: number;
    indicator?: string;
    value?: string;
  };
  preprocess?: { winsorize?: 'mad' | 'quantile'; standardize?: boolean; neutralize?: boolean };
  /** Each instrument's group (industry): grouped analysis and, with `neutralize`, neutralisation. */
  groups?: Record<string, string>;
  periods?: number[];
  quantiles?: number;
  maxLoss?: number;
  /** Backtest holding a quantile: `long` (default the top), `short`, rebalanced `every` dates. */
  backtest?: { long?: number; short?: number; every?: number; cash?: number };
}

/** Sim bars for factor studies: a tick every 5 minutes of each session (daily OHLC of a coarser walk). */
export const FACTOR_SIM_STEP_MS = 300_000;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const list = (values: ArrayLike<number>): (number | null)[] => Array.from(values, finite);
const rows = (values: Float64Array, width: number): (number | null)[][] =>
  Array.from({ length: values.length / width }, (_, d) =>
    list(values.subarray(d * width, (d + 1) * width)),
  );

export function factorLabel(factor: FactorRequest['factor']): string {
  if (factor.expression) return factor.expression;
  if (factor.builtin) return `${factor.builtin}${factor.window ? `(${factor.window})` : ''}`;
  return `${factor.indicator}${factor.value ? `.${factor.value}` : ''}`;
}

/** The factor panel of a request over bar panels. */
export function factorOf(request: FactorRequest, panels: ReturnType<typeof barPanels>): Panel {
  const { factor } = request;
  const given = [factor.expression, factor.builtin, factor.indicator].filter(
    (v) => v !== undefined,
  ).length;
  if (given !== 1)
    throw new FactorError('bad_factor', 'name one of expression, builtin or indicator');
  const columns: Record<string, Panel> = {};
  for (const [name, panel] of Object.entries(panels)) if (panel) columns[name] = panel;
  let values = factor.expression
    ? evaluateExpression(factor.expression, columns)
    : factor.builtin
      ? builtinFactor(factor.builtin, panels, factor.window)
      : indicatorFactor(factor.indicator!, panels, factor.value);
  const groupsOf = request.groups ? values.instruments.map((id) => request.groups![id]) : undefined;
  if (request.preprocess?.winsorize)
    values = winsorize(values, { method: request.preprocess.winsorize });
  if (request.preprocess?.neutralize) {
    if (!groupsOf) throw new FactorError('bad_groups', 'neutralize needs groups');
    values = neutralize(values, { groups: groupsOf });
  }
  if (request.preprocess?.standardize) values = standardize(values);
  return values;
}

export async function runFactorJob(request: FactorRequest) {
  const events = await loadMarketEvents({
    source: request.source,
    instruments: request.instruments,
    from: request.from,
    to: request.to,
    frequency: '1d',
    seed: request.seed,
    stepMs: FACTOR_SIM_STEP_MS,
    tsdb: request.tsdb,
  });
  const bars: MarketBar[] = [];
  for (const event of events) if (isBar(event)) bars.push(event);
  if (!bars.length)
    throw new FactorError('no_data', 'no daily bars for these instruments and dates');
  const panels = barPanels(bars);
  const factor = factorOf(request, panels);
  const groupsOf = request.groups
    ? factor.instruments.map((id) => request.groups![id] ?? 'other')
    : undefined;
  const analysis = analyzeFactor({
    factor,
    prices: panels.close,
    periods: request.periods,
    quantiles: request.quantiles,
    groups: groupsOf,
    maxLoss: request.maxLoss,
  });
  let backtest: BacktestResult | undefined;
  if (request.backtest) {
    const weights = quantileWeights(factor, { quantiles: analysis.quantiles, ...request.backtest });
    backtest = runWeightBacktest(weights, bars, {
      accounts: [{ name: 'factor', initCash: request.backtest.cash ?? 10_000_000 }],
    });
  }
  return factorReportToWire(factorLabel(request.factor), factor, analysis, backtest);
}

export type FactorReport = ReturnType<typeof factorReportToWire>;

/** The report as clients see it: snake_case, plain arrays, null for no value. */
export function factorReportToWire(
  label: string,
  factor: Panel,
  analysis: FactorAnalysis,
  backtest?: BacktestResult,
) {
  const q = analysis.quantiles;
  return {
    factor: label,
    instruments: [...factor.instruments],
    dates: [...analysis.dates],
    periods: analysis.periods,
    quantiles: q,
    demeaned: analysis.demeaned,
    rows: {
      total: analysis.rows.total,
      kept: analysis.rows.kept,
      loss_share: analysis.rows.lossShare,
      dropped: Object.fromEntries(
        DROP_REASONS.map((reason) => [reason, analysis.rows.dropped[reason]]),
      ),
    },
    horizons: analysis.horizons.map((h) => ({
      period: h.period,
      ic_summary: summaryToWire(h.icSummary),
      rank_ic_summary: summaryToWire(h.rankIcSummary),
      ic: list(h.ic),
      rank_ic: list(h.rankIc),
      quantile_mean: list(h.quantileMean),
      quantile_std_error: list(h.quantileStdError),
      quantile_count: h.quantileCount,
      quantile_returns_by_date: rows(h.quantileReturnsByDate, q),
      spread: list(h.spread),
      spread_mean: finite(h.spreadMean),
      spread_std_error: finite(h.spreadStdError),
      factor_returns: list(h.factorReturns),
      factor_returns_mean: finite(h.factorReturnsMean),
      factor_returns_std: finite(h.factorReturnsStd),
      turnover_mean: list(h.turnoverMean),
      rank_autocorrelation: list(h.rankAutocorrelation),
      rank_autocorrelation_mean: finite(h.rankAutocorrelationMean),
    })),
    ...(analysis.cumulativeQuantileReturns
      ? { cumulative_quantile_returns: rows(analysis.cumulativeQuantileReturns, q) }
      : {}),
    ...(analysis.cumulativeFactorReturns
      ? { cumulative_factor_returns: list(analysis.cumulativeFactorReturns) }
      : {}),
    ...(analysis.groups
      ? {
          groups: analysis.groups.map((g) => ({
            group: g.group,
            rows: g.rows,
            ic_mean: list(g.icMean),
            rank_ic_mean: list(g.rankIcMean),
            quantile_mean: g.quantileMean.map(list),
          })),
        }
      : {}),
    ...(backtest
      ? {
          backtest: {
            account: backtest.summary.accounts[0],
            trading_days: backtest.summary.tradingDays,
            metrics: 'metrics' in backtest.statistics ? backtest.statistics.metrics : {},
            equity: backtest.equity,
          },
        }
      : {}),
  };
}

function summaryToWire(s: FactorAnalysis['horizons'][number]['icSummary']) {
  return {
    mean: finite(s.mean),
    std: finite(s.std),
    ir: finite(s.ir),
    t_stat: finite(s.tStat),
    p_value: finite(s.pValue),
    skew: finite(s.skew),
    kurtosis: finite(s.kurtosis),
    count: s.count,
  };
}
