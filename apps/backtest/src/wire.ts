import { conventionToWire, SeriesAnalysis } from '@qautlra/analytics';
import type { AccountSummary, BacktestResult, DailyRecord } from '@qautlra/backtest';
import type { RunRequest } from './runs/run-backtest';
import type { RunRecord, SweepRecord } from './store/run-store';

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
