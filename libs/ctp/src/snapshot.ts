import { resolveCtpTickTime } from '@qautlra/calendar';
import {
  cleanClose,
  cleanLevelPrice,
  cleanLevelVolume,
  cleanOptionalValue,
  cleanRequiredPrice,
  epochMsToDatetime,
  type MDSnapshot,
  presetOf,
} from '@qautlra/qamd';
import type { CtpStruct } from './codec';

/** The futures exchanges a CTP front quotes. */
export const CTP_EXCHANGES = ['SHFE', 'DCE', 'CZCE', 'CFFEX', 'INE', 'GFEX'] as const;

const num = (value: CtpStruct[string]): number => (typeof value === 'number' ? value : Number.NaN); // absent (DBL_MAX) → NaN → the sentinel rules
const lots = (value: CtpStruct[string]): number =>
  typeof value === 'number' && value > 0 ? value : 0;

/** Instant of HH:00:00 of a tick's hour, per exchange and days (the calendar work, once per hour). */
const hourCache = new Map<string, number>();

function tickEpochMs(
  exchange: string,
  tradingDay: string,
  actionDay: string,
  time: string,
  ms: number,
): number {
  const key = `${exchange}|${tradingDay}|${actionDay}|${time.slice(0, 2)}`;
  let hour = hourCache.get(key);
  if (hour === undefined) {
    if (hourCache.size > 10_000) hourCache.clear();
    hour = resolveCtpTickTime({
      exchange,
      tradingDay,
      actionDay,
      updateTime: `${time.slice(0, 2)}:00:00`,
      updateMillisec: 0,
    }).epochMs;
    hourCache.set(key, hour);
  }
  const minutes = Number(time.slice(3, 5));
  const seconds = Number(time.slice(6, 8));
  return hour + (minutes * 60 + seconds) * 1000 + ms;
}

const DAY = /^\d{8}$/;
const TIME = /^\d\d:\d\d:\d\d$/;

/**
 * A CTP DepthMarketData tick as a QAMD snapshot (spec market-data-sources §E.3 with the §E.4 fixes):
 * - `instrument_id` = `EXCHANGE.code`, the exchange from the tick or, when the front leaves ExchangeID
 *   empty (ordinary futures fronts do), from the subscription (`exchange`);
 * - `datetime` from the exchange's own day rules (ActionDay on SHFE/INE/CFFEX/GFEX, the calendar for
 *   DCE's and CZCE's night ticks), Asia/Shanghai, with UpdateMillisec;
 * - DBL_MAX and NaN → "no value" by libs/qamd's sentinel rules (required prices 0, optional `"-"`,
 *   `close` null, levels absent);
 * - `average` per unit: CTP's AveragePrice carries the contract multiplier except on CZCE.
 * Returns undefined for a tick without UpdateTime (bogus: vn.py drops them too) or trading day.
 */
export function ctpTickToSnapshot(tick: CtpStruct, exchange: string): MDSnapshot | undefined {
  const code = String(tick.InstrumentID ?? '');
  const updateTime = String(tick.UpdateTime ?? '');
  const tradingDay = String(tick.TradingDay ?? '');
  if (!code || !TIME.test(updateTime) || !DAY.test(tradingDay)) return undefined;
  const exchangeId = (String(tick.ExchangeID ?? '') || exchange).toUpperCase();
  const actionDay = String(tick.ActionDay ?? '');
  const epochMs = tickEpochMs(
    exchangeId,
    tradingDay,
    DAY.test(actionDay) ? actionDay : '',
    updateTime,
    Math.min(999, Math.max(0, Number(tick.UpdateMillisec) || 0)),
  );
  const multiplier = exchangeId === 'CZCE' ? 1 : presetOf(code).unit_table || 1;
  const average = num(tick.AveragePrice);
  const snapshot: MDSnapshot = {
    instrument_id: `${exchangeId}.${code}`,
    amount: cleanRequiredPrice(num(tick.Turnover)),
    ask_price1: cleanRequiredPrice(num(tick.AskPrice1)),
    ask_volume1: lots(tick.AskVolume1),
    bid_price1: cleanRequiredPrice(num(tick.BidPrice1)),
    bid_volume1: lots(tick.BidVolume1),
    close: cleanClose(num(tick.ClosePrice)),
    datetime: epochMsToDatetime(epochMs),
    highest: cleanRequiredPrice(num(tick.HighestPrice)),
    last_price: cleanRequiredPrice(num(tick.LastPrice)),
    lower_limit: cleanRequiredPrice(num(tick.LowerLimitPrice)),
    lowest: cleanRequiredPrice(num(tick.LowestPrice)),
    open: cleanRequiredPrice(num(tick.OpenPrice)),
    open_interest: cleanOptionalValue(num(tick.OpenInterest)),
    pre_close: cleanRequiredPrice(num(tick.PreClosePrice)),
    pre_open_interest: cleanOptionalValue(num(tick.PreOpenInterest)),
    pre_settlement: cleanOptionalValue(num(tick.PreSettlementPrice)),
    settlement: cleanOptionalValue(num(tick.SettlementPrice)),
    upper_limit: cleanRequiredPrice(num(tick.UpperLimitPrice)),
    volume: lots(tick.Volume),
    average: cleanRequiredPrice(average / multiplier),
    iopv: null,
  };
  // Levels 2–5 (CTP has five): present only with a price and a volume.
  for (const level of LEVELS) {
    const bid = cleanLevelPrice(num(tick[`BidPrice${level}`]));
    const bidVolume = cleanLevelVolume(lots(tick[`BidVolume${level}`]));
    if (bid !== undefined && bidVolume !== undefined) {
      snapshot[`bid_price${level}`] = bid;
      snapshot[`bid_volume${level}`] = bidVolume;
    }
    const ask = cleanLevelPrice(num(tick[`AskPrice${level}`]));
    const askVolume = cleanLevelVolume(lots(tick[`AskVolume${level}`]));
    if (ask !== undefined && askVolume !== undefined) {
      snapshot[`ask_price${level}`] = ask;
      snapshot[`ask_volume${level}`] = askVolume;
    }
  }
  return snapshot;
}

const LEVELS = [2, 3, 4, 5] as const;
