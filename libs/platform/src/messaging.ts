import { connect as amqpConnect, ChannelModel } from 'amqplib';
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
