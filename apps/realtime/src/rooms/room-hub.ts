import { JsonObject, mergePatchInPlace } from '@qautlra/diff';
import type { RoomBus, RoomMessage } from './room-bus';

/** One push to a member: the room's state (`reset`) or a merge patch of it. */
export interface PushFrame {
  room: string;
  reset: boolean;
  data: JsonObject;
  /** The original protocol's frame, built once for all members. */
  topicText(): string;
}

/** A socket (of either protocol) in rooms. */
export interface RoomMember {
  deliver(frame: PushFrame): void;
}

class RelayedRoom {
  readonly members = new Set<RoomMember>();
  state?: JsonObject;
  epoch?: string;
  seq = 0;
  resetAskedAt = 0;

  constructor(readonly handler: (message: RoomMessage) => void) {}
}

function frameOf(message: RoomMessage, data: JsonObject): PushFrame {
  let text: string | undefined;
  return {
    room: message.room,
    reset: message.reset === true,
    data,
    topicText: () =>
      (text ??= JSON.stringify({
        data,
        topic: 'realtime_pub',
        code: 200,
        room: message.room,
        ...(message.reset ? { reset: true } : {}),
      })),
  };
}

export interface RoomHubOptions {
  /** How often a relayed room is asked for again (kept computed; its state if still missing). */
  keepAliveMs: number;
}

/**
 * The rooms this instance's sockets are in: one bus subscription and one merged copy of the state
 * per room, shared by its members. A room's first member subscribes and asks the leader for the
 * state; later members get the copy at once. Messages must follow one another (`seq + 1` within
 * an `epoch`): a gap or a new leader asks for the whole state again.
 */
export class RoomHub {
  private readonly rooms = new Map<string, RelayedRoom>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: RoomBus,
    private readonly options: RoomHubOptions,
  ) {
    this.timer = setInterval(() => this.keepAlive(), options.keepAliveMs);
    this.timer.unref();
  }

  /** Rooms with members here, and how many. */
  list(): { room: string; members: number }[] {
    return [...this.rooms].map(([room, relayed]) => ({ room, members: relayed.members.size }));
  }

  has(room: string, member: RoomMember): boolean {
    return this.rooms.get(room)?.members.has(member) ?? false;
  }

  async join(room: string, member: RoomMember): Promise<void> {
    let relayed = this.rooms.get(room);
    if (!relayed) {
      const created = new RelayedRoom((message) => this.receive(created, message));
      relayed = created;
      this.rooms.set(room, created);
      await this.bus.subscribe(room, created.handler);
      this.askReset(created, room);
    } else if (relayed.state) {
      member.deliver(
        frameOf(
          { room, epoch: relayed.epoch!, seq: relayed.seq, reset: true, data: relayed.state },
          relayed.state,
        ),
      );
    }
    relayed.members.add(member);
  }

  async leave(room: string, member: RoomMember): Promise<boolean> {
    const relayed = this.rooms.get(room);
    if (!relayed || !relayed.members.delete(member)) return false;
    if (relayed.members.size === 0) {
      this.rooms.delete(room);
      await this.bus.unsubscribe(room, relayed.handler);
    }
    return true;
  }

  async leaveAll(member: RoomMember): Promise<void> {
    for (const [room, relayed] of [...this.rooms])
      if (relayed.members.has(member)) await this.leave(room, member);
  }

  /** A room's state: this instance's copy when it relays the room, else the stored one. */
  async read(room: string): Promise<JsonObject | undefined> {
    const relayed = this.rooms.get(room);
    if (relayed?.state) return relayed.state;
    return (await this.bus.load(room))?.data;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private receive(relayed: RelayedRoom, message: RoomMessage): void {
    if (message.reset) {
      relayed.state = structuredClone(message.data);
      relayed.epoch = message.epoch;
      relayed.seq = message.seq;
      relayed.resetAskedAt = 0;
      const frame = frameOf(message, relayed.state);
      for (const member of relayed.members) member.deliver(frame);
      return;
    }
    if (!relayed.state || message.epoch !== relayed.epoch || message.seq > relayed.seq + 1) {
      // Missed messages (or a new leader): the copy cannot be patched; ask for the state.
      this.askReset(relayed, message.room);
      return;
    }
    if (message.seq <= relayed.seq) return;
    relayed.seq = message.seq;
    mergePatchInPlace(relayed.state, message.data);
    const frame = frameOf(message, message.data);
    for (const member of relayed.members) member.deliver(frame);
  }

  private askReset(relayed: RelayedRoom, room: string): void {
    const now = Date.now();
    // One request in flight per room (a burst of out-of-order messages asks once).
    if (relayed.resetAskedAt && now - relayed.resetAskedAt < this.options.keepAliveMs) return;
    relayed.resetAskedAt = now;
    this.bus.request(room, true);
  }

  private keepAlive(): void {
    for (const [room, relayed] of this.rooms) {
      if (!relayed.state) {
        relayed.resetAskedAt = 0;
        this.askReset(relayed, room);
      } else this.bus.request(room, false);
    }
  }
}
