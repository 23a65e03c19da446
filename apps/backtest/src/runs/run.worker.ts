import type { MessagePort } from 'node:worker_threads';
import type { BacktestResult } from '@qautlra/backtest';
import { loadStrategy } from '../strategies/strategy-loader';
import { runBacktest, RunRequest } from './run-backtest';

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
