import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';

/**
 * A unit of broker work; `dedupeKey` (user + order id) makes a repeated insert a no-op while the
 * first is still queued (in-process) or in the same batch (BullMQ); after that the account engine
 * refuses the order id as a duplicate.
 */
export interface QueuedCommand<T> {
  command: T;
  dedupeKey?: string;
}

/**
 * Runs commands in the order given (a batch: what was queued together) and resolves when they are
 * done. It rejects with the failure of a command (an `AggregateError` for several); the queue
 * reports it and goes on (the other commands ran).
 */
export type CommandHandler<T> = (commands: T[], origin?: string) => Promise<void>;

/** The failures inside a handler's rejection, one by one. */
function failuresOf(error: unknown): unknown[] {
  return error instanceof AggregateError ? error.errors : [error];
}

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

/**
 * In-process queue (no Redis): a FIFO drained by one handler, same order and dedupe rules; what is
 * queued when the handler is free goes to it as one batch.
 */
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

  /** Hands the queued commands to the handler in order; its synchronous part runs at once, as a worker's would. */
  private drain(): void {
    if (this.draining || !this.handler || this.pending.length === 0) return;
    this.draining = true;
    try {
      const commands = this.pending.splice(0);
      const run: Promise<void> = this.handler(commands)
        .catch((error: unknown) => failuresOf(error).forEach((failure) => this.onError(failure)))
        .finally(() => {
          this.running.delete(run);
          for (const command of commands) {
            const key = this.keyOf.get(command);
            if (key === undefined) continue;
            this.queuedKeys.delete(key);
            this.keyOf.delete(command);
          }
        });
      this.running.add(run);
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
  /** Most commands in one job (default 256). */
  maxBatch?: number;
  /** Hears of a command whose handler failed (the rest of its job still runs). */
  onError?: (error: unknown) => void;
  /** This instance's id, carried by its jobs and handed to the handler with their commands. */
  origin?: string;
}

/** A job's data: the commands added during one turn of the event loop, in order, and who added them. */
export interface CommandBatch<T> {
  commands: T[];
  origin?: string;
}

/**
 * A job's commands and who added them: a batch, or one command without an origin (a job queued
 * by an earlier version).
 */
export function batchOf<T>(data: unknown): CommandBatch<T> {
  const batch = data as Partial<CommandBatch<T>> | null;
  if (batch === null || typeof batch !== 'object' || !Array.isArray(batch.commands))
    return { commands: [data as T] };
  return {
    commands: batch.commands,
    origin: typeof batch.origin === 'string' ? batch.origin : undefined,
  };
}

/**
 * BullMQ queue per broker. The commands added during one turn of the event loop go out as one job
 * (at most `maxBatch`): under load, one Redis round trip to add, fetch and complete carries many
 * orders instead of one each, and an idle queue sends a lone command at once (no timer).
 *
 * A repeated insert (same user and order id) in the same batch is dropped here; one that arrives
 * later reaches the account engine, which refuses the id as a duplicate (`DUPLICATE_ORDER_ID`).
 * A command whose handler fails is reported and does not fail its job: retrying the job would run
 * its other commands again.
 */
export class BullOrderQueue<T> implements OrderQueue<T> {
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private readonly queueConnection: Redis;
  /** The batch being gathered: its commands, their dedupe keys, and who waits for it. */
  private gathering?: {
    commands: T[];
    keys: Set<string>;
    sent: Promise<void>;
    settle: (error?: Error) => void;
  };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxBatch: number;

  constructor(private readonly options: BullOrderQueueOptions) {
    this.maxBatch = options.maxBatch ?? 256;
    this.queueConnection = options.connect(`${options.name}-queue`);
    this.queue = new Queue(options.name, {
      connection: this.queueConnection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 3 },
    });
  }

  /** Resolves when the job holding the command is in Redis. */
  add({ command, dedupeKey }: QueuedCommand<T>): Promise<void> {
    const batch = this.gathering ?? this.gather();
    if (dedupeKey !== undefined) {
      if (batch.keys.has(dedupeKey)) return batch.sent;
      batch.keys.add(dedupeKey);
    }
    batch.commands.push(command);
    if (batch.commands.length >= this.maxBatch) this.send(batch);
    return batch.sent;
  }

  async process(handler: CommandHandler<T>): Promise<void> {
    if (this.worker) return;
    this.workerConnection = this.options.connect(`${this.options.name}-worker`);
    const report = this.options.onError ?? (() => undefined);
    this.worker = new Worker(
      this.options.name,
      async (job) => {
        // The job is done when its commands are (committed); a failed command is reported, not
        // retried with the others.
        const { commands, origin } = batchOf<T>(job.data);
        await handler(commands, origin).catch((error: unknown) =>
          failuresOf(error).forEach(report),
        );
      },
      {
        connection: this.workerConnection,
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        drainDelay: 1,
      },
    );
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
    if (this.gathering) this.send(this.gathering);
    await Promise.all(this.inFlight);
    await this.stopProcessing();
    await this.queue.close();
    this.queueConnection.disconnect();
  }

  /** Starts a batch; it goes out on the next turn of the event loop (or when full). */
  private gather(): NonNullable<BullOrderQueue<T>['gathering']> {
    let settle!: (error?: Error) => void;
    const sent = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    const batch = { commands: [] as T[], keys: new Set<string>(), sent, settle };
    this.gathering = batch;
    setImmediate(() => this.send(batch));
    return batch;
  }

  private send(batch: NonNullable<BullOrderQueue<T>['gathering']>): void {
    if (this.gathering !== batch) return;
    this.gathering = undefined;
    const added = this.queue
      .add('commands', {
        commands: batch.commands,
        origin: this.options.origin,
      } satisfies CommandBatch<T>)
      .then(
        () => batch.settle(),
        (error: unknown) =>
          batch.settle(
            error instanceof Error ? error : new Error(`queue add failed: ${String(error)}`),
          ),
      )
      .finally(() => this.inFlight.delete(added));
    this.inFlight.add(added);
  }
}
