import { epochMsToBeijing } from './futures-session';
import { addCalendarDays, CHINA_TRADE_CALENDAR, TradeCalendar } from './trade-calendar';

/** A continuous-trading window in Beijing time, `HH:MM` (end exclusive). */
export type SessionWindow = readonly [string, string];

const STOCK_DAY: readonly SessionWindow[] = [
  ['09:30', '11:30'],
  ['13:00', '15:00'],
];
const COMMODITY_DAY: readonly SessionWindow[] = [
  ['09:00', '10:15'],
  ['10:30', '11:30'],
  ['13:30', '15:00'],
];
const INDEX_FUTURES_DAY = STOCK_DAY;
const TREASURY_DAY: readonly SessionWindow[] = [
  ['09:30', '11:30'],
  ['13:00', '15:15'],
];

/** End of each product's night session (it starts at 21:00); products not listed have none. */
const NIGHT_END: Readonly<Record<string, string>> = {
  // SHFE / INE: gold, silver, crude to 02:30; base metals to 01:00; the rest to 23:00.
  AU: '02:30',
  AG: '02:30',
  SC: '02:30',
  CU: '01:00',
  AL: '01:00',
  ZN: '01:00',
  PB: '01:00',
  NI: '01:00',
  SN: '01:00',
  SS: '01:00',
  BC: '01:00',
  AO: '01:00',
  RB: '23:00',
  HC: '23:00',
  BU: '23:00',
  RU: '23:00',
  FU: '23:00',
  SP: '23:00',
  BR: '23:00',
  LU: '23:00',
  NR: '23:00',
  // DCE
  A: '23:00',
  B: '23:00',
  M: '23:00',
  Y: '23:00',
  P: '23:00',
  C: '23:00',
  CS: '23:00',
  I: '23:00',
  J: '23:00',
  JM: '23:00',
  L: '23:00',
  V: '23:00',
  PP: '23:00',
  EG: '23:00',
  EB: '23:00',
  PG: '23:00',
  RR: '23:00',
  LG: '23:00',
  // CZCE
  SR: '23:00',
  CF: '23:00',
  TA: '23:00',
  MA: '23:00',
  FG: '23:00',
  RM: '23:00',
  OI: '23:00',
  ZC: '23:00',
  SA: '23:00',
  PF: '23:00',
  SH: '23:00',
  PX: '23:00',
  CY: '23:00',
};

const TREASURY = new Set(['TS', 'TF', 'T', 'TL']);

/** Day-session windows of an instrument, by exchange and (futures) upper-case product code. */
export function daySessions(exchange: string, product: string): readonly SessionWindow[] {
  if (exchange === 'SSE' || exchange === 'SZSE' || exchange === 'BSE') return STOCK_DAY;
  if (exchange === 'CFFEX') return TREASURY.has(product) ? TREASURY_DAY : INDEX_FUTURES_DAY;
  return COMMODITY_DAY;
}

/** Night-session window (start 21:00, end may be after midnight), or undefined when none. */
export function nightSession(exchange: string, product: string): SessionWindow | undefined {
  if (exchange === 'SSE' || exchange === 'SZSE' || exchange === 'BSE' || exchange === 'CFFEX')
    return undefined;
  const end = NIGHT_END[product];
  return end ? ['21:00', end] : undefined;
}

function isTradeDay(calendar: TradeCalendar, date: string): boolean {
  // Past the end of the calendar data, assume weekdays trade.
  if (date > calendar.last) return ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
  return calendar.isTradeDate(date);
}

/**
 * Whether a night session runs in the evening of `date`: `date` trades and the next trading day
 * comes within three calendar days (Friday → Monday). Before a longer holiday there is none.
 */
function hasNight(calendar: TradeCalendar, date: string): boolean {
  if (!isTradeDay(calendar, date)) return false;
  for (let gap = 1; gap <= 3; gap += 1) {
    if (isTradeDay(calendar, addCalendarDays(date, gap))) return true;
  }
  return false;
}

/**
 * Whether continuous trading is open for an instrument at a UTC instant: the day sessions on trade
 * days, and the product's night session (21:00 to its end, possibly after midnight) on evenings
 * that have one. Call auctions are not counted.
 */
export function isSessionOpen(
  exchange: string,
  product: string,
  epochMs: number,
  calendar: TradeCalendar = CHINA_TRADE_CALENDAR,
): boolean {
  const { date, time } = epochMsToBeijing(epochMs);
  const hhmm = time.slice(0, 5);
  if (
    isTradeDay(calendar, date) &&
    daySessions(exchange, product).some(([start, end]) => hhmm >= start && hhmm < end)
  )
    return true;
  const night = nightSession(exchange, product);
  if (!night) return false;
  const [start, end] = night;
  const crossesMidnight = end < start;
  if (hhmm >= start) return hasNight(calendar, date) && (crossesMidnight || hhmm < end);
  if (crossesMidnight && hhmm < end) return hasNight(calendar, addCalendarDays(date, -1));
  return false;
}
