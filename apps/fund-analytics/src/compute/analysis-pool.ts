import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { SeriesAnalysis } from '@qautlra/analytics';
import { AnalysisTask, runAnalysisTask } from './analysis-task';

export type AnalysisOutcome = SeriesAnalysis | { error: string };

export interface AnalysisPoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
  /** Batches with fewer series than this are computed inline (default 32). */
  minParallel?: number;
}

/**
 * Computes many NAV series at once, on worker threads (piscina) when the batch is large enough to
 * pay for the copies, else inline. The batch is cut into a few chunks per thread so a slow series
 * does not hold the others back. `mode` says which path a batch took.
 */
export class AnalysisPool {
  private readonly piscina?: Piscina;
  readonly threads: number;
  private readonly minParallel: number;

  constructor(options: AnalysisPoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.minParallel = options.minParallel ?? 32;
    const filename = join(__dirname, 'analysis.worker.js');
    // Under ts-jest/swc the sources run as .ts and there is no compiled worker: inline only.
    if (this.threads > 1 && existsSync(filename))
      this.piscina = new Piscina({
        filename,
        minThreads: 1,
        maxThreads: this.threads,
        idleTimeout: 30_000,
      });
  }

  /** Whether batches can go to worker threads. */
  get parallel(): boolean {
    return this.piscina !== undefined;
  }

  async run(
    task: AnalysisTask,
    options: { parallel?: boolean } = {},
  ): Promise<{ mode: 'workers' | 'inline'; results: AnalysisOutcome[] }> {
    const wanted = options.parallel ?? task.series.length >= this.minParallel;
    if (!wanted || !this.piscina) return { mode: 'inline', results: runAnalysisTask(task) };
    const chunks = Math.min(task.series.length, this.threads * 4);
    const size = Math.ceil(task.series.length / chunks);
    const parts: Promise<AnalysisOutcome[]>[] = [];
    for (let i = 0; i < task.series.length; i += size)
      parts.push(
        this.piscina.run({ ...task, series: task.series.slice(i, i + size) }) as Promise<
          AnalysisOutcome[]
        >,
      );
    return { mode: 'workers', results: (await Promise.all(parts)).flat() };
  }

  async close(): Promise<void> {
    await this.piscina?.destroy();
  }
}
