import { dayBefore, type BacktestResult, type SweepOutcome } from '@qautlra/backtest';
import { toIsoDate } from '@qautlra/calendar';
import { loadStrategy } from '@qautlra/strategies';
import { runBacktest, type RunRequest } from '../runs/run-backtest';

/**
 * One combination of a sweep: the same job whether a worker thread of the service or a worker process on
 * any machine (BullMQ) runs it. It names its strategy (each machine finds the file in its own strategy
 * folders) and carries the checked run request without secrets (a tsdb source's credentials are the
 * worker's own).
 */
export interface SweepJob {
  sweepId: string;
  index: number;
  strategy: string;
  params: Record<string, unknown>;
  request: RunRequest;
}

/** What a combination gave: the run's summary figures, its statistics and its daily NAV (for ranking). */
export interface SweepJobOutcome {
  index: number;
  params: Record<string, unknown>;
  /** The default account: final balance, total return, trades. */
  finalBalance: number | null;
  totalReturn: number | null;
  trades: number | null;
  /** libs/analytics metrics of the whole run. */
  metrics: Record<string, number | null>;
  /** ISO dates (the first is the base, NAV 1) and NAVs of the default account. */
  dates: string[];
  navs: number[];
  /** Why the run failed, when it did (then the rest is empty). */
  error?: string;
}

export function outcomeOf(
  index: number,
  params: Record<string, unknown>,
  result: BacktestResult,
): SweepJobOutcome {
  const account = result.summary.accounts[0];
  const own = result.daily.filter((day) => day.account === account?.name);
  const dates = own.length
    ? [dayBefore(own[0]!.tradingDay), ...own.map((day) => toIsoDate(day.tradingDay))]
    : [];
  const navs =
    own.length && account ? [1, ...own.map((day) => day.balance / account.initCash)] : [];
  return {
    index,
    params,
    finalBalance: account?.finalBalance ?? null,
    totalReturn: account?.totalReturn ?? null,
    trades: account?.trades ?? null,
    metrics: 'metrics' in result.statistics ? result.statistics.metrics : {},
    dates,
    navs,
  };
}

export function failedOutcome(
  index: number,
  params: Record<string, unknown>,
  error: string,
): SweepJobOutcome {
  return {
    index,
    params,
    finalBalance: null,
    totalReturn: null,
    trades: null,
    metrics: {},
    dates: [],
    navs: [],
    error,
  };
}

/** Runs a job with a strategy file found by its runner. */
export async function runSweepJob(
  job: SweepJob,
  file: string,
  request: RunRequest = job.request,
): Promise<SweepJobOutcome> {
  try {
    return outcomeOf(job.index, job.params, await runBacktest(loadStrategy(file), request));
  } catch (error) {
    return failedOutcome(job.index, job.params, (error as Error)?.message ?? String(error));
  }
}

/** An outcome as the ranking reads it. */
export function rankable(outcome: SweepJobOutcome): SweepOutcome {
  return { index: outcome.index, params: outcome.params, dates: outcome.dates, navs: outcome.navs };
}
