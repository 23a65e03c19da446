import type { JsonObject } from '@qautlra/diff';
import type Redis from 'ioredis';

/**
 * One push of a room from the instance that computes it (the leader) to every instance serving
 * the room's sockets. `seq` counts the room's messages within the leader's run `epoch`; `reset`
 * carries the whole state (a first message, an answer to a request, a new leader), the others a
 * merge patch of it.
 */
export interface RoomMessage {
  room: string;
  epoch: string;
  seq: number;
  reset?: boolean;
  data: JsonObject;
}

export type RoomHandler = (message: RoomMessage) => void;
export type RequestHandler = (room: string, reset: boolean) => void;

/**
 * Between the leader and the relays: the rooms' messages, the relays' requests for a room (who
 * wants it, and its whole state), and the last stored state of each room for reads on any instance.
 */
export interface RoomBus {
  publish(message: RoomMessage): void;
  subscribe(room: string, handler: RoomHandler): Promise<void>;
  unsubscribe(room: string, handler: RoomHandler): Promise<void>;
  /**
   * A relay wants `room` kept computed and published (it repeats this while it has members);
   * with `reset` it needs the whole state too: the leader answers with a `reset` message.
   */
  request(room: string, reset: boolean): void;
  /** The leader's side of `request`. */
  onRequest(handler: RequestHandler): void;
  /** The leader stores a room's state (REST reads on other instances). */
  store(room: string, message: RoomMessage): void;
  /** A room's stored state, if any. */
  load(room: string): Promise<RoomMessage | undefined>;
  close(): Promise<void>;
}

/** One process: the leader and the relay are the same instance. */
export class InProcessRoomBus implements RoomBus {
  private readonly handlers = new Map<string, Set<RoomHandler>>();
  private readonly requestHandlers: RequestHandler[] = [];
  private readonly stored = new Map<string, RoomMessage>();

  publish(message: RoomMessage): void {
    const set = this.handlers.get(message.room);
    if (set) for (const handler of [...set]) handler(message);
  }

  subscribe(room: string, handler: RoomHandler): Promise<void> {
    let set = this.handlers.get(room);
    if (!set) this.handlers.set(room, (set = new Set()));
    set.add(handler);
    return Promise.resolve();
  }

  unsubscribe(room: string, handler: RoomHandler): Promise<void> {
    const set = this.handlers.get(room);
    set?.delete(handler);
    if (set?.size === 0) this.handlers.delete(room);
    return Promise.resolve();
  }

  request(room: string, reset: boolean): void {
    queueMicrotask(() => {
      for (const handler of this.requestHandlers) handler(room, reset);
    });
  }

  onRequest(handler: RequestHandler): void {
    this.requestHandlers.push(handler);
  }

  store(room: string, message: RoomMessage): void {
    this.stored.set(room, message);
  }

  load(room: string): Promise<RoomMessage | undefined> {
    return Promise.resolve(this.stored.get(room));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** How long a stored room state lives in Redis without being written again. */
const STATE_TTL_SECONDS = 600;

/**
 * Redis: messages on `<ns>:room:<room>` (pub/sub), requests on `<ns>:requests`, states in
 * `<ns>:state:<room>` (a key per room, with a TTL). Every instance, the leader included, gets the
 * messages through Redis, so all serve the same pushes in the same order.
 */
export class RedisRoomBus implements RoomBus {
  private readonly handlers = new Map<string, Set<RoomHandler>>();
  private readonly requestHandlers: RequestHandler[] = [];
  private readonly requestsChannel: string;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly namespace: string,
  ) {
    this.requestsChannel = `${namespace}:requests`;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.requestsChannel) {
        // `!<room>`: the whole state is wanted too; `<room>`: keep it published.
        const reset = text.startsWith('!');
        const room = reset ? text.slice(1) : text;
        for (const handler of this.requestHandlers) handler(room, reset);
        return;
      }
      const room = channel.slice(`${namespace}:room:`.length);
      const set = this.handlers.get(room);
      if (!set) return;
      let message: RoomMessage;
      try {
        message = JSON.parse(text) as RoomMessage;
      } catch {
        return;
      }
      for (const handler of [...set]) handler(message);
    });
  }

  private channelOf(room: string): string {
    return `${this.namespace}:room:${room}`;
  }

  publish(message: RoomMessage): void {
    void this.publisher
      .publish(this.channelOf(message.room), JSON.stringify(message))
      .catch(() => undefined);
  }

  async subscribe(room: string, handler: RoomHandler): Promise<void> {
    let set = this.handlers.get(room);
    const first = !set;
    if (!set) this.handlers.set(room, (set = new Set()));
    set.add(handler);
    if (first) await this.subscriber.subscribe(this.channelOf(room));
  }

  async unsubscribe(room: string, handler: RoomHandler): Promise<void> {
    const set = this.handlers.get(room);
    if (!set) return;
    set.delete(handler);
    if (set.size > 0) return;
    this.handlers.delete(room);
    await this.subscriber.unsubscribe(this.channelOf(room));
  }

  request(room: string, reset: boolean): void {
    void this.publisher
      .publish(this.requestsChannel, reset ? `!${room}` : room)
      .catch(() => undefined);
  }

  onRequest(handler: RequestHandler): void {
    if (this.requestHandlers.length === 0)
      void this.subscriber.subscribe(this.requestsChannel).catch(() => undefined);
    this.requestHandlers.push(handler);
  }

  store(room: string, message: RoomMessage): void {
    void this.publisher
      .set(`${this.namespace}:state:${room}`, JSON.stringify(message), 'EX', STATE_TTL_SECONDS)
      .catch(() => undefined);
  }

  async load(room: string): Promise<RoomMessage | undefined> {
    const text = await this.publisher.get(`${this.namespace}:state:${room}`);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as RoomMessage;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }
}
