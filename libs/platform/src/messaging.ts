import { connect as amqpConnect, ChannelModel } from 'amqplib';
import {
  connect as amqpManage,
  type AmqpConnectionManager,
  type ChannelWrapper,
} from 'amqp-connection-manager';
import Redis from 'ioredis';
import { backoffDelay } from './backoff';

/** ioredis client that reconnects with capped back-off and never gives up a command on a short outage. */
export function createRedis(
  url: string,
  name = 'qautlra',
  options: { autoPipelining?: boolean } = {},
): Redis {
  return new Redis(url, {
    connectionName: name,
    // Commands issued in one turn of the event loop go out in one write (for publishers).
    enableAutoPipelining: options.autoPipelining ?? false,
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => backoffDelay(attempt + 1, 200, 5_000),
  });
}

/** Connects to RabbitMQ, retrying with capped back-off until `attempts` run out. */
export async function connectAmqp(url: string, attempts = 5): Promise<ChannelModel> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      return await amqpConnect(url);
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 1, 200, 5_000)));
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/**
 * A RabbitMQ connection kept up by amqp-connection-manager: it reconnects (every second) and runs
 * each channel's setup again (exchanges, queues, consumers), so the apps' consumers and publishers
 * hold no reconnect loop of their own. `name` shows in the broker's connection list.
 */
export function managedAmqp(url: string, name: string): AmqpConnectionManager {
  return amqpManage([url], {
    reconnectTimeInSeconds: 1,
    heartbeatIntervalInSeconds: 5,
    connectionOptions: { clientProperties: { connection_name: name } },
  });
}

/**
 * Waits (at most `ms`) for a managed channel's first connection and setup, so an app that starts
 * with RabbitMQ up has its queues bound before it says it is ready; with RabbitMQ down it starts
 * anyway and the manager keeps trying.
 */
export async function firstConnection(channel: ChannelWrapper, ms = 5_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([channel.waitForConnect().then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
