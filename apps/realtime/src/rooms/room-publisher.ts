import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@qautlra/diff';
import type { RoomBus, RoomMessage } from './room-bus';

/** What computes rooms: their whole state on request, and news of who wants which. */
export interface RoomSource {
  /** A room's whole state now; undefined when it is not ready (the source resets it later). */
  stateOf(room: string): JsonObject | undefined;
  /** A room became wanted (true) or no longer is (false). */
  wanted(room: string, wanted: boolean): void;
}

export interface RoomPublisherOptions {
  /** A room not asked for again within this long is no longer wanted. */
  wantTtlMs: number;
  /** A wanted room's state is stored for reads on other instances at most this often. */
  storeIntervalMs: number;
}

interface Published {
  seq: number;
  wantedUntil: number;
  storedAt: number;
}

/**
 * The leader's side of the rooms: numbers each room's messages within this run (`epoch`),
 * publishes only rooms some instance wants (asked for within `wantTtlMs`), answers requests for a
 * whole state, and stores wanted rooms' states for reads elsewhere.
 */
export class RoomPublisher {
  readonly epoch = randomUUID();
  private readonly rooms = new Map<string, Published>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: RoomBus,
    private readonly source: RoomSource,
    private readonly options: RoomPublisherOptions,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.max(100, options.wantTtlMs / 3));
    this.timer.unref();
  }

  isWanted(room: string): boolean {
    return this.rooms.has(room);
  }

  wantedRooms(): string[] {
    return [...this.rooms.keys()];
  }

  /** A merge patch of a wanted room (dropped when nobody wants it). */
  patch(room: string, data: JsonObject): void {
    const published = this.rooms.get(room);
    if (!published) return;
    published.seq += 1;
    const message: RoomMessage = { room, epoch: this.epoch, seq: published.seq, data };
    this.bus.publish(message);
    const now = Date.now();
    if (now - published.storedAt >= this.options.storeIntervalMs) {
      const state = this.source.stateOf(room);
      if (state) {
        published.storedAt = now;
        this.bus.store(room, { ...message, reset: true, data: state });
      }
    }
  }

  /** The whole state of a wanted room (its first, a new one, an answer to a request). */
  reset(room: string, state?: JsonObject): void {
    const published = this.rooms.get(room);
    const data = state ?? this.source.stateOf(room);
    if (!published || !data) return;
    published.seq += 1;
    published.storedAt = Date.now();
    const message: RoomMessage = { room, epoch: this.epoch, seq: published.seq, reset: true, data };
    this.bus.publish(message);
    this.bus.store(room, message);
  }

  close(): void {
    clearInterval(this.timer);
    for (const room of this.rooms.keys()) this.source.wanted(room, false);
    this.rooms.clear();
  }

  /** A relay's request (the bus's `onRequest`): keep `room` published; with `reset`, its state. */
  requested(room: string, reset: boolean): void {
    const until = Date.now() + this.options.wantTtlMs;
    const published = this.rooms.get(room);
    if (published) {
      published.wantedUntil = until;
      if (reset) this.reset(room);
      return;
    }
    this.rooms.set(room, { seq: 0, wantedUntil: until, storedAt: 0 });
    this.source.wanted(room, true);
    this.reset(room);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [room, published] of this.rooms) {
      if (published.wantedUntil > now) continue;
      this.rooms.delete(room);
      this.source.wanted(room, false);
    }
  }
}
