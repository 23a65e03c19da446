import { randomUUID } from 'node:crypto';
import type { TradeIdentity } from '@qautlra/clients';
import type { PushFrame, RoomMember } from './room-hub';
import { parseRoom, Room, RoomNameError } from './room-name';

/** The outcome of a subscription request, in the original's codes. */
export interface RoomAnswer {
  code: 200 | 400 | 401 | 403 | 404 | 429 | 500;
  /** The canonical room name when the name was understood. */
  room?: string;
  message: string;
}

/** One client connection (either protocol): its id, who it authenticated as, and its rooms. */
export class RealtimeSession implements RoomMember {
  /** The original's session id (a UUIDv4), also the key of `POST /realtime_sub`. */
  readonly sid = randomUUID();
  identity?: TradeIdentity;
  readonly rooms = new Set<string>();

  constructor(readonly deliver: (frame: PushFrame) => void) {}
}

/**
 * Whether `identity` may be in `room`: account rooms for the account's owner (or an admin), a
 * portfolio for its user (or an admin); factor rooms for anyone authenticated. Undefined: allowed;
 * else why not. (The original set an auth flag and never checked it.)
 */
export function refusal(identity: TradeIdentity | undefined, room: Room): RoomAnswer | undefined {
  if (!identity)
    return { code: 401, room: room.name, message: 'authenticate first: {"topic":"auth","key":…}' };
  if (identity.isAdmin) return undefined;
  if (room.kind === 'ACCOUNT' && !identity.accounts.has(room.account))
    return { code: 403, room: room.name, message: `account ${room.account} is not yours` };
  if (room.kind === 'PORTFOLIO' && room.user !== identity.userName)
    return { code: 403, room: room.name, message: `the portfolio of ${room.user} is not yours` };
  return undefined;
}

/** A room name, or the answer that refuses it. */
export function roomOf(text: unknown): Room | RoomAnswer {
  if (typeof text !== 'string') return { code: 400, message: 'room: a string' };
  try {
    return parseRoom(text);
  } catch (error) {
    if (error instanceof RoomNameError) return { code: 400, message: error.message };
    throw error;
  }
}

export const isAnswer = (value: Room | RoomAnswer): value is RoomAnswer => 'code' in value;
