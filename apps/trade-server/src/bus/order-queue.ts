import { createHash } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';

/** A unit of broker work; `dedupeKey` (user + order id) makes a repeated insert a no-op in the queue. */
export interface QueuedCommand<T> {
  command: T;
  dedupeKey?: string;
}

export type CommandHandler<T> = (command: T) => Promise<void>;

/**
 * The per-broker command queue between the trade-server instances that hold users' sockets and
 * the broker worker that owns the accounts. Commands are handled one after another in queue order.
 */
export interface OrderQueue<T> {
  add(entry: QueuedCommand<T>): Promise<void>;
  /** Starts handling commands (on the instance that holds the broker lease). */
  process(handler: CommandHandler<T>): Promise<void>;
  /** Stops handling; queued commands stay for the next worker. */
  stopProcessing(): Promise<void>;
  close(): Promise<void>;
}

/** The BullMQ job id of a deduplicated command (BullMQ ids may not contain `:`). */
export function jobIdOf(dedupeKey: string): string {
  return `o-${createHash('sha256').update(dedupeKey).digest('base64url')}`;
}

/** In-process queue (no Redis): a FIFO drained by one handler, same order and dedupe rules. */
export class InProcessOrderQueue<T> implements OrderQueue<T> {
  private readonly pending: T[] = [];
  private readonly queuedKeys = new Set<string>();
  private readonly keyOf = new Map<T, string>();
  private handler?: CommandHandler<T>;
  private draining = false;
  /** Commands being handled (stopping waits for them, as a BullMQ worker's close does). */
  private readonly running = new Set<Promise<void>>();

  /** `onError` hears of a command whose handler failed (a BullMQ job would fail the same way). */
  constructor(private readonly onError: (error: unknown) => void = () => undefined) {}

  add({ command, dedupeKey }: QueuedCommand<T>): Promise<void> {
    if (dedupeKey !== undefined) {
      if (this.queuedKeys.has(dedupeKey)) return Promise.resolve();
      this.queuedKeys.add(dedupeKey);
      this.keyOf.set(command, dedupeKey);
    }
    this.pending.push(command);
    this.drain();
    return Promise.resolve();
  }

  process(handler: CommandHandler<T>): Promise<void> {
    this.handler = handler;
    this.drain();
    return Promise.resolve();
  }

  async stopProcessing(): Promise<void> {
    this.handler = undefined;
    await Promise.all(this.running);
  }

  close(): Promise<void> {
    return this.stopProcessing();
  }

  /** Handles queued commands in order; the handler's synchronous part runs at once, as a worker would. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.handler && this.pending.length > 0) {
        const command = this.pending.shift() as T;
        const key = this.keyOf.get(command);
        const run: Promise<void> = this.handler(command)
          .catch((error: unknown) => this.onError(error))
          .finally(() => {
            this.running.delete(run);
            if (key === undefined) return;
            this.queuedKeys.delete(key);
            this.keyOf.delete(command);
          });
        this.running.add(run);
      }
    } finally {
      this.draining = false;
    }
  }
}

export interface BullOrderQueueOptions {
  /** Queue name, one per broker (`trade-sim`). */
  name: string;
  /** BullMQ key prefix. */
  prefix: string;
  /** Opens a Redis connection (BullMQ needs its own, with `maxRetriesPerRequest: null`). */
  connect: (role: string) => Redis;
  /**
   * Jobs fetched at once by the worker. Each job's handler runs its synchronous part (matching) in
   * fetch order and then waits for the group commit, so more than one job must be in flight.
   */
  concurrency: number;
}

/**
 * BullMQ queue per broker. A command with a dedupe key gets the job id derived from it, so a second
 * insert of the same user and order id while the first is queued or running is dropped by BullMQ;
 * once the first ran, the account engine refuses the id as a duplicate.
 */
export class BullOrderQueue<T> implements OrderQueue<T> {
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private readonly queueConnection: Redis;

  constructor(private readonly options: BullOrderQueueOptions) {
    this.queueConnection = options.connect(`${options.name}-queue`);
    this.queue = new Queue(options.name, {
      connection: this.queueConnection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 3 },
    });
  }

  async add({ command, dedupeKey }: QueuedCommand<T>): Promise<void> {
    await this.queue.add(
      'command',
      command,
      dedupeKey === undefined ? {} : { jobId: jobIdOf(dedupeKey) },
    );
  }

  async process(handler: CommandHandler<T>): Promise<void> {
    if (this.worker) return;
    this.workerConnection = this.options.connect(`${this.options.name}-worker`);
    this.worker = new Worker(this.options.name, (job) => handler(job.data as T), {
      connection: this.workerConnection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      drainDelay: 1,
    });
    this.worker.on('error', () => undefined);
    await this.worker.waitUntilReady();
  }

  async stopProcessing(): Promise<void> {
    const worker = this.worker;
    const connection = this.workerConnection;
    this.worker = undefined;
    this.workerConnection = undefined;
    await worker?.close();
    connection?.disconnect();
  }

  async close(): Promise<void> {
    await this.stopProcessing();
    await this.queue.close();
    this.queueConnection.disconnect();
  }
}
