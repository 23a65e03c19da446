import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { createRedis } from '@qautlra/platform';
import type { SubmitResult, TraderAccount } from '../account/trader-account';
import { withDefaultTopic } from './mq-message';

/** The BullMQ intake queue of an account. */
export const bullQueueOf = (account: string) => `trader-${account}`;

/**
 * Order intake from BullMQ (`REDIS_URL`): a queue `trader-<account>` per account whose jobs are
 * intake messages; a job completes with the account's answer or fails with its refusal.
 */
export class BullIntake {
  private readonly logger = new Logger('trader');
  private readonly parts: { queue: Queue; worker: Worker; connections: Redis[] }[] = [];

  constructor(private readonly redisUrl: string) {}

  start(accounts: readonly TraderAccount[]): void {
    for (const account of accounts) {
      const name = account.account;
      const queueConnection = createRedis(this.redisUrl, `trader-${name}-queue`);
      const workerConnection = createRedis(this.redisUrl, `trader-${name}-worker`);
      const queue = new Queue(bullQueueOf(name), {
        connection: queueConnection,
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 1000 },
      });
      const worker = new Worker(
        bullQueueOf(name),
        (job) =>
          new Promise<SubmitResult>((resolve) =>
            account.submit(withDefaultTopic(job.data), resolve),
          ).then((result) => {
            if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
            return result;
          }),
        { connection: workerConnection, concurrency: 256 },
      );
      worker.on('error', (error) => this.logger.warn(`bullmq ${name}: ${error.message}`));
      this.parts.push({ queue, worker, connections: [queueConnection, workerConnection] });
    }
  }

  queues(): string[] {
    return this.parts.map((part) => part.queue.name);
  }

  async close(): Promise<void> {
    for (const { worker, queue, connections } of this.parts) {
      await worker.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      for (const connection of connections) connection.disconnect();
    }
  }
}
