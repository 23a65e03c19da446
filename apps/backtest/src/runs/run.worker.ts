import type { MessagePort } from 'node:worker_threads';
import { BarBuilder, type BacktestResult, isBar } from '@qautlra/backtest';
import type { BarFrequency, MarketBar } from '@qautlra/execution';
import { loadMarketEvents } from './market-source';
import { loadStrategy } from '@qautlra/strategies';
import { runBacktest, RunRequest } from './run-backtest';
import { runSweepJob, type SweepJob, type SweepJobOutcome } from '../sweeps/sweep-job';
import { runFactorJob, type FactorReport, type FactorRequest } from '../factors/factor-job';

export interface RunTask {
  file: string;
  request: RunRequest;
  /** Hears `{days, total, events}` once per trading day. */
  port?: MessagePort;
}

/** Piscina worker: one backtest per call (the strategy file is loaded in the worker). */
export default async function run(task: RunTask): Promise<BacktestResult> {
  try {
    return await runBacktest(loadStrategy(task.file), task.request, (progress) =>
      task.port?.postMessage(progress),
    );
  } finally {
    task.port?.close();
  }
}

/** A bar as a chart draws it: start (epoch ms), open, high, low, close, volume. */
export type ChartBar = [number, number, number, number, number, number];

export interface BarsTask {
  request: RunRequest;
  frequency: BarFrequency;
  /** Most bars given; more is an error asking for a coarser frequency. */
  most: number;
}

/** The bars of a run's data at `frequency` (ticks and finer bars gathered), for its chart. */
export async function bars(task: BarsTask): Promise<ChartBar[]> {
  const builder = new BarBuilder(task.frequency);
  const out: ChartBar[] = [];
  const take = (bar: MarketBar) => {
    if (out.length >= task.most)
      throw new Error(`too many bars (over ${task.most}): ask a coarser frequency`);
    out.push([bar.startMs, bar.open, bar.high, bar.low, bar.close, bar.volume]);
  };
  /** A finer bar's day volume so far, per instrument: the builder counts volume as its rise. */
  const dayVolume = new Map<string, { day: string; volume: number }>();
  for (const event of await loadMarketEvents(task.request)) {
    if (isBar(event) && event.frequency === task.frequency) take(event);
    else if (isBar(event)) {
      // A finer bar as four ticks (open, high, low, close); its volume arrives with the close.
      const before = dayVolume.get(event.instrument);
      const start = before?.day === event.tradingDay ? before.volume : 0;
      dayVolume.set(event.instrument, { day: event.tradingDay, volume: start + event.volume });
      const prices = [event.open, event.high, event.low, event.close];
      for (const [index, price] of prices.entries())
        for (const bar of builder.push({
          instrument: event.instrument,
          datetimeMs: event.startMs,
          tradingDay: event.tradingDay,
          lastPrice: price,
          bidPrice: 0,
          bidVolume: 0,
          askPrice: 0,
          askVolume: 0,
          volume: index === prices.length - 1 ? start + event.volume : start,
        }))
          take(bar);
    } else for (const bar of builder.push(event)) take(bar);
  }
  for (const bar of builder.flush()) take(bar);
  return out;
}

export interface SweepTask {
  job: SweepJob;
  file: string;
  /** The job's request (a factor variant's study) with what the runner adds: a tsdb's address and credentials. */
  request: RunRequest | FactorRequest;
}

/** One sweep combination (piscina task `sweep`). */
export function sweep(task: SweepTask): Promise<SweepJobOutcome> {
  return runSweepJob(task.job, task.file, task.request);
}

/** A factor study (piscina task `factor`); a FactorError comes back as `{error: {code, message}}`. */
export async function factor(
  request: FactorRequest,
): Promise<FactorReport | { error: { code: string; message: string } }> {
  try {
    return await runFactorJob(request);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if ((error as Error).name === 'FactorError' || (error as Error).name === 'SourceError')
      return {
        error: {
          code: typeof code === 'string' ? code : 'bad_source',
          message: (error as Error).message,
        },
      };
    throw error;
  }
}
