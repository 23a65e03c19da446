import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { serviceUrls, waitFor } from '@qautlra/testing';
import { BullOrderQueue } from '../src/bus/order-queue';

/** The BullMQ order queue on the real Redis: batches, order, dedupe, failures, old jobs. */
describe('BullOrderQueue (Redis)', () => {
  const connections: Redis[] = [];
  const connect = () => {
    const client = new Redis(serviceUrls.redis, { maxRetriesPerRequest: null });
    connections.push(client);
    return client;
  };
  const queues: BullOrderQueue<unknown>[] = [];
  const prefix = `qtest-oq-${randomUUID()}`;

  afterAll(async () => {
    for (const queue of queues) await queue.close();
    const cleanup = connect();
    const keys = await cleanup.keys(`${prefix}*`);
    if (keys.length > 0) await cleanup.del(...keys);
    for (const client of connections) client.disconnect();
  });

  function open<T>(name: string, options: { maxBatch?: number } = {}) {
    const errors: unknown[] = [];
    const queue = new BullOrderQueue<T>({
      name,
      prefix,
      connect,
      concurrency: 8,
      onError: (error) => errors.push(error),
      ...options,
    });
    queues.push(queue);
    return { queue, errors };
  }

  /** Jobs waiting in the queue, oldest first, as BullMQ holds them. */
  async function waitingJobs(name: string): Promise<unknown[]> {
    const reader = new Queue(name, { connection: connect(), prefix });
    try {
      const jobs = await reader.getWaiting();
      return jobs.map((job) => job.data as unknown);
    } finally {
      await reader.close();
    }
  }

  it('sends the commands of one turn as one job, in order, without a repeated insert', async () => {
    const { queue } = open<string>('batch');
    const added = ['a', 'b', 'c'].map((command) => queue.add({ command }));
    added.push(queue.add({ command: 'a-again', dedupeKey: 'u\na' }));
    added.push(queue.add({ command: 'a-repeat', dedupeKey: 'u\na' }));
    await Promise.all(added);
    await queue.add({ command: 'later' });
    expect(await waitingJobs('batch')).toEqual([
      { commands: ['a', 'b', 'c', 'a-again'] },
      { commands: ['later'] },
    ]);
  });

  it('splits a burst at maxBatch and runs every command once, in order', async () => {
    const { queue } = open<number>('burst', { maxBatch: 10 });
    await Promise.all(Array.from({ length: 35 }, (_, index) => queue.add({ command: index })));
    const jobs = (await waitingJobs('burst')) as { commands: number[] }[];
    expect(jobs.map((job) => job.commands.length)).toEqual([10, 10, 10, 5]);
    const seen: number[] = [];
    await queue.process((commands) => {
      seen.push(...commands);
      return Promise.resolve();
    });
    await waitFor(() => seen.length === 35, { intervalMs: 5 });
    expect(seen).toEqual(Array.from({ length: 35 }, (_, index) => index));
  });

  it('reports a failing command, still runs the rest of its job, and does not run it again', async () => {
    const { queue, errors } = open<string>('failing');
    const seen: string[] = [];
    await queue.process((commands) => {
      // As the engine does: every command runs, the failures are thrown together afterwards.
      const failures: Error[] = [];
      for (const command of commands) {
        seen.push(command);
        if (command.startsWith('bad')) failures.push(new Error(`broken ${command}`));
      }
      return failures.length > 0 ? Promise.reject(new AggregateError(failures)) : Promise.resolve();
    });
    await Promise.all(['ok-1', 'bad-1', 'ok-2', 'bad-2'].map((command) => queue.add({ command })));
    await waitFor(() => seen.length === 4 && errors.length === 2, { intervalMs: 5 });
    await queue.add({ command: 'next' });
    await waitFor(() => seen.includes('next'), { intervalMs: 5 });
    expect(seen).toEqual(['ok-1', 'bad-1', 'ok-2', 'bad-2', 'next']);
    expect(errors).toEqual([new Error('broken bad-1'), new Error('broken bad-2')]);
  });

  it('runs a single-command job queued by an earlier version', async () => {
    const { queue } = open<{ type: string }>('legacy');
    const writer = new Queue('legacy', { connection: connect(), prefix });
    await writer.add('command', { type: 'insert' });
    await writer.close();
    const seen: { type: string }[] = [];
    await queue.process((commands) => {
      seen.push(...commands);
      return Promise.resolve();
    });
    await waitFor(() => seen.length === 1, { intervalMs: 5 });
    expect(seen).toEqual([{ type: 'insert' }]);
  });
});
