import { isJsonObject, JsonObject } from './merge-patch';

/**
 * DIFF / Open-Trade-Gateway messages (spec seed-protocols.md §4). Every frame is a JSON object
 * with an `aid`. Field names and value spellings are the wire's.
 */

export type Direction = 'BUY' | 'SELL';
export type Offset = 'OPEN' | 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';
export type PriceType = 'LIMIT' | 'MARKET' | 'ANY';
export type TimeCondition = 'IOC' | 'GFS' | 'GFD' | 'GTD' | 'GTC' | 'GFA';
export type VolumeCondition = 'ANY' | 'MIN' | 'ALL';

export const DIRECTIONS: readonly Direction[] = ['BUY', 'SELL'];
export const OFFSETS: readonly Offset[] = ['OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'];
export const PRICE_TYPES: readonly PriceType[] = ['LIMIT', 'MARKET', 'ANY'];
export const TIME_CONDITIONS: readonly TimeCondition[] = ['IOC', 'GFS', 'GFD', 'GTD', 'GTC', 'GFA'];
export const VOLUME_CONDITIONS: readonly VolumeCondition[] = ['ANY', 'MIN', 'ALL'];

// ---- client → server ----

export interface ReqLogin {
  aid: 'req_login';
  /** Broker name, e.g. `simnow`. */
  bid: string;
  user_name: string;
  password: string;
}

export interface PeekMessage {
  aid: 'peek_message';
}

export interface InsertOrder {
  aid: 'insert_order';
  user_id: string;
  /** Client-chosen, ≤ 128 bytes, unique per user: retries are idempotent. Dotted ids name trading units. */
  order_id?: string;
  account_id?: string;
  exchange_id: string;
  instrument_id: string;
  direction: Direction;
  offset: Offset;
  volume: number;
  price_type: PriceType;
  limit_price?: number;
  volume_condition?: VolumeCondition;
  time_condition?: TimeCondition;
}

export interface CancelOrder {
  aid: 'cancel_order';
  user_id: string;
  order_id: string;
}

export interface ReqTransfer {
  aid: 'req_transfer';
  bank_id: string;
  future_account: string;
  future_password: string;
  bank_password: string;
  currency: string;
  /** > 0 bank → futures, < 0 futures → bank. */
  amount: number;
}

export interface QrySettlementInfo {
  aid: 'qry_settlement_info';
  /** `YYYYMMDD` as an integer. */
  trading_day: number;
}

export interface QryBankCapital {
  aid: 'qry_bankcapital';
  bank_id: string;
  future_account: string;
  future_password: string;
  bank_password: string;
  currency: string;
}

export interface ChangePassword {
  aid: 'change_password';
  old_password: string;
  new_password: string;
}

export interface SubscribeQuote {
  aid: 'subscribe_quote';
  /** Comma-separated instrument ids; the latest list replaces the subscription set. */
  ins_list: string;
}

export interface SetChart {
  aid: 'set_chart';
  chart_id: string;
  ins_list: string;
  /** Bar length in ns: 0 = ticks, 86400000000000 = day. */
  duration: number;
  view_width: number;
}

export interface Ping {
  aid: 'ping';
}

export type DiffClientMessage =
  | ReqLogin
  | PeekMessage
  | InsertOrder
  | CancelOrder
  | ReqTransfer
  | QrySettlementInfo
  | QryBankCapital
  | ChangePassword
  | SubscribeQuote
  | SetChart
  | Ping;

export type DiffClientAid = DiffClientMessage['aid'];

// ---- server → client ----

/** One transaction of merge patches against the client's snapshot. */
export interface RtnData {
  aid: 'rtn_data';
  data: Record<string, unknown>[];
}

/**
 * The `[key, patch]` pairs of the `quotes` of a parsed `rtn_data` message, in order; none for any
 * other message. Parts or patches that are not JSON objects are skipped.
 */
export function rtnDataQuotes(message: unknown): [string, JsonObject][] {
  if (!isJsonObject(message) || message.aid !== 'rtn_data' || !Array.isArray(message.data))
    return [];
  const out: [string, JsonObject][] = [];
  for (const part of message.data as unknown[]) {
    if (!isJsonObject(part) || !isJsonObject(part.quotes)) continue;
    for (const [key, patch] of Object.entries(part.quotes))
      if (isJsonObject(patch)) out.push([key, patch]);
  }
  return out;
}

/** `rtnDataQuotes` of a frame's text; none when the text is not JSON. */
export function rtnDataQuotesOfText(text: string): [string, JsonObject][] {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return [];
  }
  return rtnDataQuotes(message);
}

/** The notify texts (`content`) of an `rtn_data` message, in order; malformed parts are skipped. */
export function rtnDataNotices(message: unknown): string[] {
  if (!isJsonObject(message) || message.aid !== 'rtn_data' || !Array.isArray(message.data))
    return [];
  const out: string[] = [];
  for (const part of message.data as unknown[]) {
    if (!isJsonObject(part) || !isJsonObject(part.notify)) continue;
    for (const entry of Object.values(part.notify)) {
      const content = isJsonObject(entry) ? entry.content : undefined;
      if (typeof content === 'string') out.push(content);
    }
  }
  return out;
}

export interface NotifyEntry {
  type: 'MESSAGE' | 'TEXT' | 'HTML';
  level: 'INFO' | 'WARNING' | 'ERROR';
  code: number;
  content: string;
}

export interface SettlementInfoReply {
  aid: 'qry_settlement_info';
  data: [{ trade: { trading_day: string; settlement_info: string } }];
}

export interface Pong {
  aid: 'pong';
}

export type DiffServerMessage = RtnData | SettlementInfoReply | Pong;
