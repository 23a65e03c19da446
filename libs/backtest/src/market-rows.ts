import { futuresTradingDay, toCompactDate, toIsoDate } from '@qautlra/calendar';
import type { BarFrequency, MarketBar, MarketTick } from '@qautlra/execution';
import { periodMs } from './bar-builder';

const numberOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

/** Epoch ms of an ISO date or date-time; without a zone it is Beijing time. */
export function beijingInstant(text: string): number {
  if (/^\d{4}-?\d{2}-?\d{2}$/.test(text)) return Date.parse(`${toIsoDate(text)}T00:00:00+08:00`);
  const zoned = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text);
  return Date.parse(zoned ? text : `${text.replace(' ', 'T')}+08:00`);
}

/**
 * A tick from a quote as the gateway sends it (merged `/ws/market` state) or a tick row of the
 * tsdb (`t` in epoch ms, or `datetime`). Its trading day is the row's (`tradingDay`) or the one the
 * tsdb files it under (`p_date`: the futures trading day of its time), so a live run and a replay
 * of the recorded ticks agree. Undefined when the row has no time or no last price.
 */
export function tickOfRow(
  row: Record<string, unknown>,
  tradingDay?: string,
): MarketTick | undefined {
  const instrument = row.instrument_id;
  const datetimeMs =
    typeof row.t === 'number'
      ? row.t
      : typeof row.datetime === 'string'
        ? beijingInstant(row.datetime)
        : NaN;
  const lastPrice = row.last_price;
  if (typeof instrument !== 'string' || !Number.isFinite(datetimeMs)) return undefined;
  if (typeof lastPrice !== 'number' || !Number.isFinite(lastPrice) || lastPrice <= 0)
    return undefined;
  const upper = numberOr(row.upper_limit, 0);
  const lower = numberOr(row.lower_limit, 0);
  return {
    instrument,
    datetimeMs,
    tradingDay: tradingDay ?? toCompactDate(futuresTradingDay(datetimeMs)),
    lastPrice,
    bidPrice: numberOr(row.bid_price1, 0),
    bidVolume: numberOr(row.bid_volume1, 0),
    askPrice: numberOr(row.ask_price1, 0),
    askVolume: numberOr(row.ask_volume1, 0),
    volume: numberOr(row.volume, 0),
    ...(upper > 0 ? { upperLimit: upper } : {}),
    ...(lower > 0 ? { lowerLimit: lower } : {}),
  };
}

/** A bar from a row of the tsdb's `GET /api/v1/bars` (its `datetime` is the bar's start). */
export function barOfRow(
  row: Record<string, unknown>,
  instrument: string,
  frequency: BarFrequency,
): MarketBar {
  const tradingDay = toCompactDate(String(row.trading_day));
  const startMs = Date.parse(String(row.datetime));
  const period = periodMs(frequency);
  return {
    instrument,
    frequency,
    startMs,
    endMs:
      period === undefined ? beijingInstant(`${toIsoDate(tradingDay)} 15:15:00`) : startMs + period,
    tradingDay,
    open: Number(row.open),
    high: Number(row.high),
    low: Number(row.low),
    close: Number(row.close),
    volume: numberOr(row.volume, 0),
    ...(typeof row.amount === 'number' ? { amount: row.amount } : {}),
    ...(typeof row.open_interest === 'number' ? { openInterest: row.open_interest } : {}),
  };
}
