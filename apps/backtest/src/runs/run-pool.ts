import type { BacktestResult } from '@qautlra/backtest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Progress } from './run-backtest';
import run, { bars, BarsTask, ChartBar, factor, RunTask, sweep, SweepTask } from './run.worker';
import type { FactorRequest } from '../factors/factor-job';
import type { SweepJobOutcome } from '../sweeps/sweep-job';

/**
 * Runs backtests on worker threads (piscina), `threads` at once, so a long run never holds the
 * service's event loop; the rest wait in piscina's queue. Under the test runner (sources, no
 * compiled worker) runs are done inline.
 */
export class RunPool {
  private readonly piscina?: Piscina;

  constructor(readonly threads: number) {
    const filename = join(__dirname, 'run.worker.js');
    if (existsSync(filename))
      this.piscina = new Piscina({
        filename,
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: 60_000,
      });
  }

  get parallel(): boolean {
    return this.piscina !== undefined;
  }

  async run(
    task: Omit<RunTask, 'port'>,
    onProgress: (progress: Progress) => void,
  ): Promise<BacktestResult> {
    if (!this.piscina) return run({ ...task, port: undefined });
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (progress: Progress) => onProgress(progress));
    try {
      return (await this.piscina.run(
        { ...task, port: port2 },
        { transferList: [port2] },
      )) as BacktestResult;
    } finally {
      port1.close();
    }
  }

  /** A run's bars for its chart, on a worker thread. */
  async bars(task: BarsTask): Promise<ChartBar[]> {
    if (!this.piscina) return bars(task);
    return (await this.piscina.run(task, { name: 'bars' })) as ChartBar[];
  }

  /** One sweep combination, on a worker thread. */
  async sweep(task: SweepTask): Promise<SweepJobOutcome> {
    if (!this.piscina) return sweep(task);
    return (await this.piscina.run(task, { name: 'sweep' })) as SweepJobOutcome;
  }

  /** A factor study, on a worker thread. */
  async factor(request: FactorRequest): ReturnType<typeof factor> {
    if (!this.piscina) return factor(request);
    return (await this.piscina.run(request, { name: 'factor' })) as Awaited<
      ReturnType<typeof factor>
    >;
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
