import { computeMetrics, navToReturns, resolveConvention } from '@qautlra/analytics';
import { dayBefore, type BacktestResult, type SweepOutcome } from '@qautlra/backtest';
import { toIsoDate } from '@qautlra/calendar';
import { loadStrategy } from '@qautlra/strategies';
import { runFactorJob, type FactorReport, type FactorRequest } from '../factors/factor-job';
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
  /** A strategy's name, or `factor` for a factor variant. */
  strategy: string;
  params: Record<string, unknown>;
  /** A strategy's checked run request. */
  request?: RunRequest;
  /** A factor variant: the study with this combination's values put in (then `request` is unused). */
  factor?: FactorRequest;
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
  /** A factor variant's rank IC and IC per date (first horizon), on `dates` without the base. */
  series?: Record<string, (number | null)[]>;
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

/**
 * A factor variant's outcome: the NAV of its factor-weighted portfolio (the 1-day horizon's factor returns,
 * chained), so every NAV statistic ranks it, with its rank IC and IC per date (the first horizon) for the
 * IC statistics; `metrics` holds the NAV's statistics and the IC summaries of every horizon.
 */
export function factorOutcomeOf(
  index: number,
  params: Record<string, unknown>,
  report: FactorReport,
): SweepJobOutcome {
  const growth = report.cumulative_factor_returns ?? [];
  const kept = report.dates
    .map((date, i) => ({ date, nav: growth[i] ?? null, i }))
    .filter((point) => point.nav !== null);
  const dates = kept.length ? [dayBefore(kept[0]!.date), ...kept.map((p) => p.date)] : [];
  const navs = kept.length ? [1, ...kept.map((p) => p.nav!)] : [];
  const first = report.horizons[0];
  const metrics: Record<string, number | null> = {};
  if (navs.length >= 3) {
    const convention = resolveConvention(undefined);
    const { returns } = navToReturns(
      dates.map((date, i) => ({ date, nav: navs[i]! })),
      convention,
    );
    Object.assign(metrics, computeMetrics(returns, convention).metrics);
  }
  for (const h of report.horizons) {
    metrics[`rank_ic_mean_${h.period}d`] = h.rank_ic_summary.mean;
    metrics[`rank_ic_ir_${h.period}d`] = h.rank_ic_summary.ir;
    metrics[`ic_mean_${h.period}d`] = h.ic_summary.mean;
    metrics[`spread_${h.period}d`] = h.spread_mean;
  }
  return {
    index,
    params,
    finalBalance: null,
    totalReturn: navs.length ? navs[navs.length - 1]! - 1 : null,
    trades: null,
    metrics,
    dates,
    navs,
    ...(first
      ? {
          series: {
            rank_ic: kept.map((p) => first.rank_ic[p.i] ?? null),
            ic: kept.map((p) => first.ic[p.i] ?? null),
          },
        }
      : {}),
  };
}

/** Runs a job: a strategy's backtest (its file found by the runner) or a factor variant's study. */
export async function runSweepJob(
  job: SweepJob,
  file: string,
  request: RunRequest | FactorRequest = (job.factor ?? job.request)!,
): Promise<SweepJobOutcome> {
  try {
    if (job.factor)
      return factorOutcomeOf(job.index, job.params, await runFactorJob(request as FactorRequest));
    return outcomeOf(
      job.index,
      job.params,
      await runBacktest(loadStrategy(file), request as RunRequest),
    );
  } catch (error) {
    return failedOutcome(job.index, job.params, (error as Error)?.message ?? String(error));
  }
}

/** An outcome as the ranking reads it. */
export function rankable(outcome: SweepJobOutcome): SweepOutcome {
  return {
    index: outcome.index,
    params: outcome.params,
    dates: outcome.dates,
    navs: outcome.navs,
    ...(outcome.series ? { series: outcome.series } : {}),
  };
}
