import { QifiPosition } from '@qautlra/qifi';

export type CloseOffset = 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';

export interface ClosePart {
  offset: CloseOffset;
  volume: number;
}

/**
 * Splits a plain `CLOSE` of `volume` lots into what the exchange takes, given the position: SHFE
 * and INE need today's and yesterday's lots closed apart, so a close becomes CLOSEYESTERDAY for the
 * free yesterday lots first (SHFE's cheaper side: several products charge more to close today) and
 * CLOSETODAY for the rest, each capped at what is free; other exchanges (and stocks) close with one
 * `CLOSE` (the account engine takes yesterday's lots first). vn.py's OffsetConverter does the same
 * job (it closes today's lots first). Lots beyond what is free are not dropped: they go as one more
 * `CLOSE`, which the account engine refuses (INSUFFICIENT_POSITION, or T+1 for shares bought
 * today), so the strategy hears of it.
 *
 * `direction` is the closing order's: SELL closes the long side, BUY the short side.
 */
export function splitClose(
  exchange: string,
  direction: 'BUY' | 'SELL',
  volume: number,
  position: QifiPosition | undefined,
): ClosePart[] {
  if (volume <= 0) return [];
  if (!position) return [{ offset: 'CLOSE', volume }];
  const long = direction === 'SELL';
  const his = long
    ? position.volume_long_his - position.volume_long_frozen_his
    : position.volume_short_his - position.volume_short_frozen_his;
  const today = long
    ? position.volume_long_today - position.volume_long_frozen_today
    : position.volume_short_today - position.volume_short_frozen_today;
  const upper = exchange.toUpperCase();
  if (upper !== 'SHFE' && upper !== 'INE') return [{ offset: 'CLOSE', volume }];
  const parts: ClosePart[] = [];
  const fromHis = Math.min(volume, Math.max(0, his));
  if (fromHis > 0) parts.push({ offset: 'CLOSEYESTERDAY', volume: fromHis });
  const fromToday = Math.min(volume - fromHis, Math.max(0, today));
  if (fromToday > 0) parts.push({ offset: 'CLOSETODAY', volume: fromToday });
  const excess = volume - fromHis - fromToday;
  if (excess > 0) parts.push({ offset: 'CLOSE', volume: excess });
  return parts;
}
