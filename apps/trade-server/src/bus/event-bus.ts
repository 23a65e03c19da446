import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

export type BusHandler = (message: string) => void;

/**
 * Pub/sub between the broker worker and the instances holding users' sockets: one channel per
 * account (`trade:account:<cookie>`). Messages are JSON text on both implementations.
 */
export interface EventBus {
  publish(channel: string, message: string): void;
  subscribe(channel: string, handler: BusHandler): Promise<void>;
  unsubscribe(channel: string, handler: BusHandler): Promise<void>;
  close(): Promise<void>;
}

export const accountChannel = (accountCookie: string) => `trade:account:${accountCookie}`;
/** Where an instance says that an account was opened (the message: its cookie). */
export const ACCOUNTS_CHANNEL = 'trade:accounts';

/** A bus whose channel names carry a prefix (instances of one deployment share it). */
export class PrefixedBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly prefix: string,
  ) {}

  publish(channel: string, message: string): void {
    this.inner.publish(`${this.prefix}:${channel}`, message);
  }

  subscribe(channel: string, handler: BusHandler): Promise<void> {
    return this.inner.subscribe(`${this.prefix}:${channel}`, handler);
  }

  unsubscribe(channel: string, handler: BusHandler): Promise<void> {
    return this.inner.unsubscribe(`${this.prefix}:${channel}`, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Handlers per channel, shared by both buses. */
class HandlerTable {
  private readonly handlers = new Map<string, Set<BusHandler>>();

  /** Adds a handler; true when it is the channel's first. */
  add(channel: string, handler: BusHandler): boolean {
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return first;
  }

  /** Removes a handler; true when the channel has none left. */
  remove(channel: string, handler: BusHandler): boolean {
    const set = this.handlers.get(channel);
    if (!set) return false;
    set.delete(handler);
    if (set.size > 0) return false;
    this.handlers.delete(channel);
    return true;
  }

  deliver(channel: string, message: string): void {
    const set = this.handlers.get(channel);
    if (set) for (const handler of [...set]) handler(message);
  }
}

/** In-process bus: delivery on a microtask, as text, like the Redis one. */
export class InProcessEventBus implements EventBus {
  private readonly table = new HandlerTable();

  publish(channel: string, message: string): void {
    queueMicrotask(() => this.table.deliver(channel, message));
  }

  subscribe(channel: string, handler: BusHandler): Promise<void> {
    this.table.add(channel, handler);
    return Promise.resolve();
  }

  unsubscribe(channel: string, handler: BusHandler): Promise<void> {
    this.table.remove(channel, handler);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Redis pub/sub: one publishing and one subscribing connection per instance. This instance's own
 * handlers get its events at once, in-process (as the in-process bus delivers them), and skip the
 * copy that comes back from Redis: each message carries its sender's id. Other instances' handlers
 * get them through Redis. (The Socket.IO Redis adapter treats its own broadcasts the same way.)
 */
export class RedisEventBus implements EventBus {
  private readonly table = new HandlerTable();
  /** This instance's id, prefixed to what it publishes (a UUID: never `{`, unlike a bare event). */
  private readonly origin = randomUUID();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    subscriber.on('message', (channel: string, raw: string) => {
      const message = originOf(raw);
      if (message.origin !== this.origin) this.table.deliver(channel, message.body);
    });
  }

  publish(channel: string, message: string): void {
    queueMicrotask(() => this.table.deliver(channel, message));
    void this.publisher.publish(channel, this.origin + message).catch(() => undefined);
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    if (this.table.add(channel, handler)) await this.subscriber.subscribe(channel);
  }

  async unsubscribe(channel: string, handler: BusHandler): Promise<void> {
    if (this.table.remove(channel, handler)) await this.subscriber.unsubscribe(channel);
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}

const ORIGIN_LENGTH = 36;

/** Splits a bus message into its sender's id and body (a message without an id is all body). */
export function originOf(raw: string): { origin?: string; body: string } {
  if (raw.startsWith('{') || raw.length < ORIGIN_LENGTH) return { body: raw };
  return { origin: raw.slice(0, ORIGIN_LENGTH), body: raw.slice(ORIGIN_LENGTH) };
}
