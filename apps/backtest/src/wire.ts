import { conventionToWire, SeriesAnalysis } from '@qautlra/analytics';
import type { AccountSummary, BacktestResult, DailyRecord } from '@qautlra/backtest';
import type { RunRequest } from './runs/run-backtest';
import type { RunRecord } from './store/run-store';
import type { SweepView } from './sweeps/sweep.service';
import type { SweepRecord } from './sweeps/sweep-store';

/**
 * What clients see of runs, sweeps and results (REST, server-sent events, the CLI's `--json`):
 * snake_case names, like QIFI and the other apps. The engine's TypeScript names stay camelCase.
 */

type Params = Record<string, unknown>;

export function requestToWire(request: RunRequest) {
  return {
    source: request.source,
    instruments: request.instruments,
    from: request.from,
    to: request.to,
    frequency: request.frequency,
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    params: (request.params ?? {}) as Params,
    ...(request.accounts === undefined
      ? {}
      : {
          accounts: request.accounts.map((account) => ({
            name: account.name,
            init_cash: account.initCash,
          })),
        }),
    ...(request.fill === undefined ? {} : { fill: request.fill }),
    ...(request.volumeCap === undefined ? {} : { volume_cap: request.volumeCap }),
    ...(request.slippageTicks === undefined ? {} : { slippage_ticks: request.slippageTicks }),
    ...(request.convention === undefined ? {} : { convention: request.convention }),
  };
}

export function accountSummaryToWire(account: AccountSummary) {
  return {
    name: account.name,
    init_cash: account.initCash,
    final_balance: account.finalBalance,
    total_return: account.totalReturn,
    close_profit: account.closeProfit,
    position_profit: account.positionProfit,
    commission: account.commission,
    trades: account.trades,
    orders: account.orders,
  };
}

export function summaryToWire(summary: BacktestResult['summary']) {
  return {
    strategy: summary.strategy,
    params: summary.params,
    instruments: summary.instruments,
    from: summary.from,
    to: summary.to,
    mode: summary.mode,
    ...(summary.frequency === undefined ? {} : { frequency: summary.frequency }),
    fill: summary.fill,
    events: summary.events,
    skipped_events: summary.skippedEvents,
    trading_days: summary.tradingDays,
    accounts: summary.accounts.map(accountSummaryToWire),
  };
}

export function statisticsToWire(statistics: SeriesAnalysis | { error: string }) {
  return 'error' in statistics
    ? { error: statistics.error }
    : { ...statistics, convention: conventionToWire(statistics.convention) };
}

export function dailyToWire(day: DailyRecord) {
  return {
    trading_day: day.tradingDay,
    account: day.account,
    balance: day.balance,
    available: day.available,
    margin: day.margin,
    close_profit: day.closeProfit,
    position_profit: day.positionProfit,
    commission: day.commission,
    qifi: day.qifi,
  };
}

/** A result part as stored (the engine's shapes) → as clients see it. */
export function partToWire(
  part: 'trades' | 'orders' | 'daily' | 'equity' | 'logs',
  value: unknown,
) {
  return part === 'daily' ? (value as DailyRecord[]).map(dailyToWire) : value;
}

export function runToWire(run: RunRecord) {
  return {
    id: run.id,
    sweep_id: run.sweepId,
    strategy: run.strategy,
    request: requestToWire(run.request as unknown as RunRequest),
    status: run.status,
    progress: run.progress,
    summary: run.summary && summaryToWire(run.summary),
    statistics: run.statistics && statisticsToWire(run.statistics),
    error: run.error,
    created_at: run.createdAt,
    finished_at: run.finishedAt,
  };
}

export function sweepToWire(sweep: SweepRecord) {
  return {
    id: sweep.id,
    strategy: sweep.strategy,
    request: sweep.request,
    grid: sweep.grid,
    rank_by: sweep.rankBy,
    order: sweep.order,
    created_at: sweep.createdAt,
    total: sweep.total,
    executor: sweep.options?.executor ?? 'threads',
    ...(sweep.options?.split === undefined ? {} : { split: sweep.options.split }),
    ...(sweep.options?.walkForward === undefined
      ? {}
      : { walk_forward: sweep.options.walkForward }),
  };
}

/** A sweep with its progress and ranking (the statistic whole, in and out of sample; walk-forward). */
export function sweepViewToWire(view: SweepView) {
  const { ranking } = view;
  const byIndex = new Map(view.results.map((r) => [r.index, r]));
  const ranked = new Set(ranking?.rows.map((row) => row.index));
  return {
    ...sweepToWire(view.sweep),
    progress: view.progress,
    ranking: [
      ...(ranking?.rows ?? []).map((row) => {
        const result = byIndex.get(row.index)!;
        return {
          rank: row.rank,
          index: row.index,
          params: row.params,
          value: row.value,
          ...(row.inSample === undefined
            ? {}
            : { in_sample: row.inSample, out_of_sample: row.outOfSample ?? null }),
          total_return: result.totalReturn,
          trades: result.trades,
          worker: result.worker,
        };
      }),
      // Combinations whose run failed (or gave no trading day): last, with why.
      ...view.results
        .filter((r) => !ranked.has(r.index))
        .map((r) => ({
          rank: null,
          index: r.index,
          params: r.params,
          value: null,
          total_return: r.totalReturn,
          trades: r.trades,
          worker: r.worker,
          error: r.error ?? 'no trading day',
        })),
    ],
    ...(view.rankingError ? { ranking_error: view.rankingError } : {}),
    ...(ranking?.split
      ? {
          split_summary: {
            rank_correlation: ranking.split.rankCorrelation,
            winner_out_of_sample: ranking.split.winnerOutOfSample,
            winner_out_of_sample_rank: ranking.split.winnerOutOfSampleRank,
            median_out_of_sample: ranking.split.medianOutOfSample,
          },
        }
      : {}),
    ...(ranking?.walkForward
      ? {
          walk_forward_result: {
            value: ranking.walkForward.value,
            folds: ranking.walkForward.folds.map((fold) => ({
              train: fold.train,
              test: fold.test,
              chosen: fold.chosen,
              params: fold.params,
              train_value: fold.trainValue,
              test_value: fold.testValue,
            })),
            dates: ranking.walkForward.dates,
            navs: ranking.walkForward.navs,
          },
        }
      : {}),
  };
}

/** The JSON file of the CLI's `--json`: summary, statistics, trades and daily records. */
export function resultToWire(result: BacktestResult) {
  return {
    summary: summaryToWire(result.summary),
    statistics: statisticsToWire(result.statistics),
    trades: result.trades,
    daily: result.daily.map(dailyToWire),
  };
}
