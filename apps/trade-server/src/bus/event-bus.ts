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
  /**
   * Another instance listens on `channel` now (its command for that account arrived through the
   * queue): a bus that stops publishing channels nobody else hears starts again.
   */
  expectListeners?(channel: string): void;
  /**
   * Calls `listener` each time the bus is back after its connection dropped: what was published
   * meanwhile is lost, and a worker that stopped publishing channels nobody heard does not know
   * this instance listens again until it sends a command.
   */
  onReconnected?(listener: () => void): void;
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

  expectListeners(channel: string): void {
    this.inner.expectListeners?.(`${this.prefix}:${channel}`);
  }

  onReconnected(listener: () => void): void {
    this.inner.onReconnected?.(listener);
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

  has(channel: string): boolean {
    return this.handlers.has(channel);
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

export interface RedisEventBusOptions {
  /**
   * Channels whose listeners on other instances always announce themselves (`expectListeners`, on
   * the worker, when their command arrives through the queue) right after they subscribe: these are
   * published to Redis only while another instance may listen (the account channels: mirrors ask
   * for a snapshot, REST requests send their command).
   */
  quietWhenAlone?: (channel: string) => boolean;
}

/** A quiet channel: whether it is published to Redis, and how often interest was announced. */
interface QuietState {
  publishing: boolean;
  generation: number;
}

/**
 * Redis pub/sub: one publishing and one subscribing connection per instance. This instance's own
 * handlers get its events at once, in-process (as the in-process bus delivers them), and skip the
 * copy that comes back from Redis: each message carries its sender's id. Other instances' handlers
 * get them through Redis. (The Socket.IO Redis adapter treats its own broadcasts the same way.)
 *
 * A quiet channel (`quietWhenAlone`) stops being published to Redis once a PUBLISH showed that no
 * other instance receives it — known for sure only when this instance's own subscription to it
 * did not change meanwhile and the subscriber connection did not drop — and starts again when
 * `expectListeners` says one announced itself. Alone, an instance then spends no Redis round trip
 * and no echo on its own events.
 */
export class RedisEventBus implements EventBus {
  private readonly table = new HandlerTable();
  /** This instance's id, prefixed to what it publishes (a UUID: never `{`, unlike a bare event). */
  private readonly origin = randomUUID();
  private readonly quiet = new Map<string, QuietState>();
  /** Channels the subscriber connection has confirmed, and a counter of changes per channel. */
  private readonly confirmed = new Set<string>();
  private readonly changes = new Map<string, number>();
  /** Bumped whenever the subscriber connection drops or resubscribes: older answers say nothing. */
  private epoch = 0;
  private resubscribing = false;
  private readonly reconnected: (() => void)[] = [];
  /** Events not sent to Redis because no other instance listened (a statistic). */
  skipped = 0;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisEventBusOptions = {},
  ) {
    subscriber.on('message', (channel: string, raw: string) => {
      const message = originOf(raw);
      if (message.origin !== this.origin) this.table.deliver(channel, message.body);
    });
    subscriber.on('close', () => this.forgetAudience());
    subscriber.on('ready', () => void this.confirmAfterReconnect());
  }

  publish(channel: string, message: string): void {
    queueMicrotask(() => this.table.deliver(channel, message));
    const quiet = this.quietStateOf(channel);
    if (quiet && !quiet.publishing) {
      this.skipped += 1;
      return;
    }
    const sent = {
      epoch: this.epoch,
      change: this.changes.get(channel) ?? 0,
      own: this.confirmed.has(channel),
      generation: quiet?.generation ?? 0,
    };
    void this.publisher.publish(channel, this.origin + message).then(
      (receivers) => {
        if (!quiet || this.resubscribing || sent.epoch !== this.epoch) return;
        if ((this.changes.get(channel) ?? 0) !== sent.change) return;
        // Nobody but (perhaps) this instance's own subscriber, and nobody announced since.
        if (receivers - (sent.own ? 1 : 0) === 0 && quiet.generation === sent.generation)
          quiet.publishing = false;
      },
      () => undefined,
    );
  }

  onReconnected(listener: () => void): void {
    this.reconnected.push(listener);
  }

  /** Another instance listens on `channel` (its command arrived): publish it to Redis again. */
  expectListeners(channel: string): void {
    const quiet = this.quietStateOf(channel);
    if (!quiet) return;
    quiet.publishing = true;
    quiet.generation += 1;
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    if (!this.table.add(channel, handler)) return;
    this.changed(channel);
    await this.subscriber.subscribe(channel);
    if (this.table.has(channel)) this.confirmed.add(channel);
    this.changed(channel);
  }

  async unsubscribe(channel: string, handler: BusHandler): Promise<void> {
    if (!this.table.remove(channel, handler)) return;
    this.confirmed.delete(channel);
    this.changed(channel);
    await this.subscriber.unsubscribe(channel);
    this.changed(channel);
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  private quietStateOf(channel: string): QuietState | undefined {
    let state = this.quiet.get(channel);
    if (!state && this.options.quietWhenAlone?.(channel)) {
      state = { publishing: true, generation: 0 };
      this.quiet.set(channel, state);
    }
    return state;
  }

  private changed(channel: string): void {
    this.changes.set(channel, (this.changes.get(channel) ?? 0) + 1);
  }

  /** The subscriber dropped: whatever was learnt of the audience no longer holds; publish all. */
  private forgetAudience(): void {
    this.epoch += 1;
    this.resubscribing = true;
    for (const state of this.quiet.values()) {
      state.publishing = true;
      state.generation += 1;
    }
  }

  /**
   * Back after a drop (ioredis resubscribes by itself): subscribe to this instance's channels once
   * more and wait for the answer, so that an answer counted before they were back is not read as
   * "nobody else listens".
   */
  private async confirmAfterReconnect(): Promise<void> {
    if (!this.resubscribing) return;
    const epoch = this.epoch;
    const channels = [...this.confirmed];
    try {
      if (channels.length > 0) await this.subscriber.subscribe(...channels);
    } catch {
      return;
    }
    if (epoch !== this.epoch) return;
    this.epoch += 1;
    this.resubscribing = false;
    for (const listener of this.reconnected) listener();
  }
}

const ORIGIN_LENGTH = 36;

/** Splits a bus message into its sender's id and body (a message without an id is all body). */
export function originOf(raw: string): { origin?: string; body: string } {
  if (raw.startsWith('{') || raw.length < ORIGIN_LENGTH) return { body: raw };
  return { origin: raw.slice(0, ORIGIN_LENGTH), body: raw.slice(ORIGIN_LENGTH) };
}
