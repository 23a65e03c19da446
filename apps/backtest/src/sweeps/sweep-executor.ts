import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { createRedis } from '@qautlra/platform';
import type { SweepJob } from './sweep-job';

/** Where a sweep's jobs go: the service's worker threads, or a BullMQ queue any worker process takes from. */
export interface SweepExecutor {
  readonly kind: 'threads' | 'redis';
  /** Queues jobs; each is done at least once (a job whose worker died is done again). */
  enqueue(jobs: readonly SweepJob[]): Promise<void>;
  close(): Promise<void>;
}

/** The BullMQ job id of a combination: adding it again while it waits or runs changes nothing. */
export const sweepJobId = (job: Pick<SweepJob, 'sweepId' | 'index'>) =>
  `${job.sweepId}_${job.index}`;

/** In the service: a bounded number of jobs at a time on its worker-thread pool (`run`). */
export class ThreadSweepExecutor implements SweepExecutor {
  readonly kind = 'threads';
  private readonly waiting: SweepJob[] = [];
  private active = 0;
  private closed = false;

  constructor(
    private readonly parallel: number,
    private readonly run: (job: SweepJob) => Promise<void>,
  ) {}

  enqueue(jobs: readonly SweepJob[]): Promise<void> {
    this.waiting.push(...jobs);
    this.pump();
    return Promise.resolve();
  }

  private pump(): void {
    while (!this.closed && this.active < this.parallel && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.active += 1;
      void this.run(job)
        .catch(() => undefined)
        .finally(() => {
          this.active -= 1;
          this.pump();
        });
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    return Promise.resolve();
  }
}

/** BullMQ on `REDIS_URL`: worker processes (`npm run sweep-worker`, any number, any machine) take the jobs. */
export class RedisSweepExecutor implements SweepExecutor {
  readonly kind = 'redis';
  private readonly connection: Redis;
  private readonly queue: Queue<SweepJob>;

  constructor(redisUrl: string, queueName: string) {
    this.connection = createRedis(redisUrl, 'backtest-sweeps');
    this.queue = new Queue<SweepJob>(queueName, {
      connection: this.connection,
      defaultJobOptions: {
        // A job that throws (not a failed backtest: that is an outcome) is tried again, then kept failed.
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: 10_000,
      },
    });
  }

  async enqueue(jobs: readonly SweepJob[]): Promise<void> {
    for (let k = 0; k < jobs.length; k += 500)
      await this.queue.addBulk(
        jobs
          .slice(k, k + 500)
          .map((job) => ({ name: 'sweep', data: job, opts: { jobId: sweepJobId(job) } })),
      );
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
