import { CalendarError } from './calendar.error';
import { addCalendarDays, CHINA_TRADE_CALENDAR, toIsoDate, TradeCalendar } from './trade-calendar';

/** China has used UTC+8 without daylight saving since 1991: exchange times are Asia/Shanghai. */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** UTC epoch milliseconds of a Beijing date (`YYYY-MM-DD`/`YYYYMMDD`), time `HH:MM:SS` and milliseconds. */
export function beijingToEpochMs(date: string, time: string, millis = 0): number {
  const match = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(time.trim());
  if (!match) {
    throw new CalendarError('CALENDAR_INVALID_DATE', `invalid time ${JSON.stringify(time)}`, {
      input: time,
    });
  }
  const [, h, m, s] = match;
  const seconds = Number(h) * 3600 + Number(m) * 60 + Number(s);
  return Date.parse(`${toIsoDate(date)}T00:00:00Z`) + seconds * 1000 + millis - BEIJING_OFFSET_MS;
}

/** Beijing calendar date and time of a UTC instant. */
export function epochMsToBeijing(epochMs: number): { date: string; time: string } {
  const iso = new Date(epochMs + BEIJING_OFFSET_MS).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** Trading day of a futures instant: the night session (21:00–02:30) belongs to the next trading day. */
export function futuresTradingDay(
  epochMs: number,
  calendar: TradeCalendar = CHINA_TRADE_CALENDAR,
): string {
  const { date, time } = epochMsToBeijing(epochMs);
  return calendar.tradingDayOf(`${date} ${time}`);
}

/**
 * Calendar date of a night-session time given only the trading day it belongs to: evening times
 * fall on the previous trading day, after-midnight times on the calendar day after that.
 */
export function nightCalendarDate(
  tradingDay: string,
  time: string,
  calendar: TradeCalendar = CHINA_TRADE_CALENDAR,
): string {
  const hour = Number(time.slice(0, 2));
  if (hour >= 18) return calendar.previousTradeDate(tradingDay);
  if (hour < 6) return addCalendarDays(calendar.previousTradeDate(tradingDay), 1);
  return toIsoDate(tradingDay);
}

/** The time fields of a CTP `DepthMarketData` tick. */
export interface CtpTickTime {
  readonly exchange: string;
  /** `TradingDay`, `YYYYMMDD`. */
  readonly tradingDay: string;
  /** `ActionDay`, `YYYYMMDD` (may be empty). */
  readonly actionDay: string;
  /** `UpdateTime`, `HH:MM:SS`. */
  readonly updateTime: string;
  /** `UpdateMillisec`. */
  readonly updateMillisec: number;
}

/**
 * The real instant and the trading day of a CTP tick (spec market-data-sources §A.7, fixing §14
 * M2/M3: the original stamped night ticks with the TradingDay, so a Friday 21:30 SHFE tick read as
 * Monday 21:30, and read the time in the host's zone).
 *
 * - SHFE, INE, CFFEX, GFEX: `ActionDay` is the calendar day, `TradingDay` the trading day.
 * - DCE: `ActionDay` is the trading day too, so the calendar day is derived from the calendar.
 * - CZCE: `TradingDay` is the calendar day, so the trading day is derived from the calendar.
 * - Empty `ActionDay`: derived as for DCE.
 */
export function resolveCtpTickTime(
  tick: CtpTickTime,
  calendar: TradeCalendar = CHINA_TRADE_CALENDAR,
): { epochMs: number; tradingDay: string } {
  const exchange = tick.exchange.toUpperCase();
  let calendarDate: string;
  let tradingDay: string;
  if (exchange === 'CZCE') {
    calendarDate = toIsoDate(tick.actionDay || tick.tradingDay);
    tradingDay = calendar.tradingDayOf(`${calendarDate} ${tick.updateTime}`);
  } else if (exchange === 'DCE' || !tick.actionDay) {
    tradingDay = toIsoDate(tick.tradingDay);
    calendarDate = nightCalendarDate(tradingDay, tick.updateTime, calendar);
  } else {
    tradingDay = toIsoDate(tick.tradingDay);
    calendarDate = toIsoDate(tick.actionDay);
  }
  return {
    epochMs: beijingToEpochMs(calendarDate, tick.updateTime, tick.updateMillisec),
    tradingDay,
  };
}
