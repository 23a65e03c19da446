import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createRedis, HealthRegistry, Lease, LocalLease, RedisLease } from '@qautlra/platform';
import type Redis from 'ioredis';
import type { TradeServerConfig } from '../config';
import type { TradeCommand } from '../engine/trade-events';
import {
  accountChannel,
  EventBus,
  InProcessEventBus,
  PrefixedBus,
  RedisEventBus,
} from './event-bus';
import { BullOrderQueue, InProcessOrderQueue, OrderQueue } from './order-queue';

/** The sim broker (`bid` values that name it: TRADE_SIM_BROKER_IDS). */
export const SIM_BROKER = 'sim';
/** The CTP broker, when TRADE_CTP_FRONT is set (`bid` values: TRADE_CTP_BROKER_IDS). */
export const CTP_BROKER = 'ctp';

/** How commands reach the broker worker and its events come back, and who the worker is. */
export interface TradeTransport {
  readonly kind: 'redis' | 'in-process';
  /** This instance's id (its queue jobs carry it). */
  readonly instanceId: string;
  readonly queue: OrderQueue<TradeCommand>;
  readonly bus: EventBus;
  readonly lease: Lease;
  close(): Promise<void>;
}

/**
 * The transport the configuration asks for: with `REDIS_URL`, a BullMQ queue, Redis pub/sub and a
 * Redis lease (several instances, one worker); without, all in this process.
 */
export async function createTransport(
  config: TradeServerConfig,
  health: HealthRegistry,
): Promise<TradeTransport> {
  const logger = new Logger('trade-server');
  const commandFailed = (error: unknown) =>
    logger.error(`a broker command failed: ${(error as Error).message}`);
  if (!config.redisUrl) {
    const queue = new InProcessOrderQueue<TradeCommand>(commandFailed);
    const bus = new InProcessEventBus();
    return {
      kind: 'in-process',
      instanceId: randomUUID(),
      queue,
      bus,
      lease: new LocalLease(),
      close: async () => {
        await queue.close();
        await bus.close();
      },
    };
  }
  const url = config.redisUrl;
  const clients: Redis[] = [];
  const connect = (role: string) => {
    // The event publisher sends a burst of account events in one write (not one per event).
    const client = createRedis(url, `trade-server-${role}`, {
      autoPipelining: role === 'publisher',
    });
    clients.push(client);
    return client;
  };
  const control = connect('control');
  await control.connect();
  health.register('redis', async () => {
    await control.ping();
  });
  const instanceId = randomUUID();
  const queue = new BullOrderQueue<TradeCommand>({
    name: `trade-${SIM_BROKER}`,
    prefix: config.namespace,
    connect,
    concurrency: config.workerConcurrency,
    onError: commandFailed,
    origin: instanceId,
  });
  const publisher = connect('publisher');
  const subscriber = connect('subscriber');
  await Promise.all([publisher.connect(), subscriber.connect()]);
  // Account events go to Redis only while another instance may hear them (see expectListeners).
  const accountPrefix = `${config.namespace}:${accountChannel('')}`;
  const bus = new PrefixedBus(
    new RedisEventBus(publisher, subscriber, {
      quietWhenAlone: (channel) => channel.startsWith(accountPrefix),
    }),
    config.namespace,
  );
  return {
    kind: 'redis',
    instanceId,
    queue,
    bus,
    lease: new RedisLease(control, `${config.namespace}:trade:lease:${SIM_BROKER}`, config.leaseMs),
    close: async () => {
      await queue.close();
      await bus.close();
      for (const client of clients) client.disconnect();
    },
  };
}
