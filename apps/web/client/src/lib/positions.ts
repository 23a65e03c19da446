import type { Direction, Offset } from './diff-session';
import { num, str } from './format';

/**
 * Float PnL of a position on the live market: (last − open price) × lots × multiplier, long minus
 * short. Falls back to the server's figure when there is no quote.
 */
export function floatProfit(
  position: Record<string, unknown>,
  last: number | undefined,
  multiplier: number,
): number | undefined {
  if (last === undefined) return num(position.float_profit);
  const long = num(position.volume_long) ?? 0;
  const short = num(position.volume_short) ?? 0;
  const openLong = num(position.open_price_long) ?? last;
  const openShort = num(position.open_price_short) ?? last;
  return ((last - openLong) * long + (openShort - last) * short) * multiplier;
}

/** What the ticket is set to by a one-click action (closing a position). */
export interface TicketPreset {
  id: string;
  direction: Direction;
  offset: Offset;
  volume: number;
  seq: number;
}

/**
 * The order that closes a position: the opposite side, all lots. On SHFE and INE, today's lots
 * need CLOSETODAY (CLOSE there closes yesterday's); elsewhere CLOSE takes today's too.
 */
export function closingOrder(
  position: Record<string, unknown>,
): Omit<TicketPreset, 'id' | 'seq'> | undefined {
  const long = num(position.volume_long) ?? 0;
  const short = num(position.volume_short) ?? 0;
  if (long <= 0 && short <= 0) return undefined;
  const side = long > 0 ? 'long' : 'short';
  const today = num(position[`volume_${side}_today`]) ?? 0;
  const splitToday = ['SHFE', 'INE'].includes(str(position.exchange_id)) && today > 0;
  return {
    direction: side === 'long' ? 'SELL' : 'BUY',
    offset: splitToday ? 'CLOSETODAY' : 'CLOSE',
    volume: splitToday ? today : side === 'long' ? long : short,
  };
}
