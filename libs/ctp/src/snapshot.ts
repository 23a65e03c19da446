import { resolveCtpTickTime } from '@qautlra/calendar';
import {
  cleanSnapshot,
  DEPTH_LEVELS,
  epochMsToDatetime,
  type MDSnapshot,
  presetOf,
} from '@qautlra/qamd';
import type { CtpStruct } from './codec';

/** The futures exchanges a CTP front quotes. */
export const CTP_EXCHANGES = ['SHFE', 'DCE', 'CZCE', 'CFFEX', 'INE', 'GFEX'] as const;

const num = (value: CtpStruct[string]): number => (typeof value === 'number' ? value : Number.NaN); // absent (DBL_MAX) → NaN → the sentinel rules

/**
 * A CTP DepthMarketData tick as a QAMD snapshot (spec market-data-sources §E.3 with the §E.4 fixes):
 * - `instrument_id` = `EXCHANGE.code`, the exchange from the tick or, when the front leaves ExchangeID
 *   empty (ordinary futures fronts do), from the subscription (`exchange`);
 * - `datetime` from the exchange's own day rules (ActionDay on SHFE/INE/CFFEX/GFEX, the calendar for
 *   DCE's and CZCE's night ticks), Asia/Shanghai, with UpdateMillisec;
 * - DBL_MAX and NaN → "no value" (required prices 0, optional `"-"`, `close` null, levels absent);
 * - `average` per unit: CTP's AveragePrice carries the contract multiplier except on CZCE.
 * Returns undefined for a tick without UpdateTime (bogus: vn.py drops them too).
 */
export function ctpTickToSnapshot(tick: CtpStruct, exchange: string): MDSnapshot | undefined {
  const code = String(tick.InstrumentID ?? '');
  const updateTime = String(tick.UpdateTime ?? '');
  if (!code || !/^\d\d:\d\d:\d\d$/.test(updateTime)) return undefined;
  const exchangeId = (String(tick.ExchangeID ?? '') || exchange).toUpperCase();
  const tradingDay = String(tick.TradingDay ?? '');
  if (!/^\d{8}$/.test(tradingDay)) return undefined;
  const { epochMs } = resolveCtpTickTime({
    exchange: exchangeId,
    tradingDay,
    actionDay: /^\d{8}$/.test(String(tick.ActionDay ?? '')) ? String(tick.ActionDay) : '',
    updateTime,
    updateMillisec: Math.min(999, Math.max(0, Number(tick.UpdateMillisec) || 0)),
  });
  const multiplier = exchangeId === 'CZCE' ? 1 : presetOf(code).unit_table || 1;
  const average = num(tick.AveragePrice);
  const snapshot: Record<string, unknown> = {
    instrument_id: `${exchangeId}.${code}`,
    amount: num(tick.Turnover),
    ask_price1: num(tick.AskPrice1),
    ask_volume1: Number(tick.AskVolume1) || 0,
    bid_price1: num(tick.BidPrice1),
    bid_volume1: Number(tick.BidVolume1) || 0,
    close: num(tick.ClosePrice),
    datetime: epochMsToDatetime(epochMs),
    highest: num(tick.HighestPrice),
    last_price: num(tick.LastPrice),
    lower_limit: num(tick.LowerLimitPrice),
    lowest: num(tick.LowestPrice),
    open: num(tick.OpenPrice),
    open_interest: num(tick.OpenInterest),
    pre_close: num(tick.PreClosePrice),
    pre_open_interest: num(tick.PreOpenInterest),
    pre_settlement: num(tick.PreSettlementPrice),
    settlement: num(tick.SettlementPrice),
    upper_limit: num(tick.UpperLimitPrice),
    volume: Math.max(0, Number(tick.Volume) || 0),
    average: Number.isFinite(average) ? average / multiplier : Number.NaN,
    iopv: null,
  };
  for (const level of DEPTH_LEVELS) {
    if (level > 5) continue; // CTP has five levels
    snapshot[`bid_price${level}`] = num(tick[`BidPrice${level}`]);
    snapshot[`bid_volume${level}`] = Number(tick[`BidVolume${level}`]) || 0;
    snapshot[`ask_price${level}`] = num(tick[`AskPrice${level}`]);
    snapshot[`ask_volume${level}`] = Number(tick[`AskVolume${level}`]) || 0;
  }
  return cleanSnapshot(snapshot as MDSnapshot);
}
