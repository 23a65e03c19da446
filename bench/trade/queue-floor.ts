import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';

/** The trade runs send what is due every SEND_TICK_MS; the floor is measured on that schedule too. */
export const SEND_TICK_MS = Number(process.env.BENCH_SEND_TICK_MS ?? 10);

export interface QueueFloor {
  rate: number;
  /** Jobs were added every `tickMs` (what was due since the last tick). */
  tickMs: number;
  jobs: number;
  /** Jobs delivered per second from the first add until the last delivery. */
  sustained: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * The latency floor of the components the order flow must use, without the trade server: a BullMQ
 * `add` (job id per order, as the server does) → a worker (same concurrency) whose handler
 * publishes on Redis pub/sub → a subscriber on its own connection, at `rate` jobs/s. No matching,
 * no database, no WebSocket: what is left is the queue and bus round trip on this machine.
 */
export async function measureQueueFloor(
  redisUrl: string,
  rate: number,
  seconds: number,
  concurrency: number,
  tickMs: number,
): Promise<QueueFloor> {
  const prefix = `bench-floor-${process.pid}-${rate}-${tickMs}`;
  const connect = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  const producer = connect();
  const consumer = connect();
  const publisher = connect();
  const subscriber = connect();
  const queue = new Queue('floor', {
    connection: producer,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000 },
  });
  const sentAt = new Map<string, number>();
  let lastAt = 0;
  const latencies: number[] = [];
  const channel = `${prefix}:events`;
  subscriber.on('message', (_channel: string, id: string) => {
    const start = sentAt.get(id);
    if (start === undefined) return;
    sentAt.delete(id);
    lastAt = performance.now();
    latencies.push(lastAt - start);
  });
  await subscriber.subscribe(channel);
  const worker = new Worker(
    'floor',
    async (job) => {
      await publisher.publish(channel, job.id as string);
    },
    { connection: consumer, prefix, concurrency, drainDelay: 1 },
  );
  await worker.waitUntilReady();
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  try {
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      for (; sent < due; sent += 1) {
        const id = `j${sent}`;
        sentAt.set(id, performance.now());
        void queue.add('command', { id }, { jobId: id });
      }
      await new Promise((resolve) => setTimeout(resolve, tickMs));
    }
    const deadline = Date.now() + 10_000;
    while (sentAt.size > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    for (const connection of [producer, consumer, publisher, subscriber]) connection.disconnect();
  }
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    rate,
    tickMs,
    jobs: sorted.length,
    sustained: sorted.length / ((lastAt - started) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1) ?? NaN,
  };
}
