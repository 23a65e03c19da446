import calendarData from './data/cn-trade-dates.json';
import { CalendarError } from './calendar.error';

/**
 * China trade calendar (SSE/SZSE trading days, 1990-12-19 … last year of the data file), and the
 * original's `QATradeDate` functions. Dates are `YYYY-MM-DD` strings; inputs may also be
 * `YYYYMMDD` (string or number), as QIFI and DIFF write them.
 */
export class TradeCalendar {
  private readonly dates: readonly string[];
  private readonly set: ReadonlySet<string>;

  constructor(dates: readonly string[]) {
    this.dates = [...dates].sort();
    this.set = new Set(this.dates);
  }

  get first(): string {
    return this.dates[0] ?? '';
  }

  get last(): string {
    return this.dates[this.dates.length - 1] ?? '';
  }

  isTradeDate(date: DateInput): boolean {
    return this.set.has(toIsoDate(date));
  }

  /**
   * The next trading day: after `date` if it is a trading day, else the first one after it
   * (`get_next_day`). With `n`, the n-th (`get_next_n_day`).
   */
  nextTradeDate(date: DateInput, n = 1): string {
    const iso = toIsoDate(date);
    const index = this.lowerBound(iso);
    const offset = this.set.has(iso) ? n : n - 1;
    return this.at(index + offset, iso);
  }

  /** The n-th trading day strictly before `date` (`get_last_day`, `get_last_n_day`). */
  previousTradeDate(date: DateInput, n = 1): string {
    const iso = toIsoDate(date);
    return this.at(this.lowerBound(iso) - n, iso);
  }

  /** `date` itself if it is a trading day, else the previous trading day (`get_real_date`). */
  realTradeDate(date: DateInput): string {
    const iso = toIsoDate(date);
    return this.set.has(iso) ? iso : this.previousTradeDate(iso);
  }

  /** Trading days from `start` to `end`, both inclusive (`get_trade_range`). */
  tradeRange(start: DateInput, end: DateInput): string[] {
    const from = this.lowerBound(toIsoDate(start));
    const endIso = toIsoDate(end);
    let to = this.lowerBound(endIso);
    if (this.dates[to] === endIso) to += 1;
    return this.dates.slice(from, to);
  }

  /**
   * Trading day of a Beijing-time datetime (`get_trade_day`): a date alone → itself if a trading
   * day, else the next; with a time before 16:00 → that date if a trading day, else the next; at
   * or after 16:00 → the trading day after the date (or after the last trading day before it).
   * Input `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or with `T`.
   */
  tradingDayOf(beijingDatetime: string): string {
    const match = /^(\d{4}-?\d{2}-?\d{2})(?:[ T](\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(
      beijingDatetime.trim(),
    );
    if (!match) {
      throw new CalendarError(
        'CALENDAR_INVALID_DATE',
        `invalid datetime ${JSON.stringify(beijingDatetime)}`,
        {
          input: beijingDatetime,
        },
      );
    }
    const [, datePart = '', hourText] = match;
    const date = toIsoDate(datePart);
    if (hourText === undefined || Number(hourText) < 16) {
      return this.isTradeDate(date) ? date : this.nextTradeDate(date);
    }
    return this.nextTradeDate(this.realTradeDate(date));
  }

  private lowerBound(iso: string): number {
    let low = 0;
    let high = this.dates.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.dates[mid] as string) < iso) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private at(index: number, input: string): string {
    const value = this.dates[index];
    if (value === undefined) {
      throw new CalendarError(
        'CALENDAR_OUT_OF_RANGE',
        `${input}: outside the trade calendar (${this.first} … ${this.last})`,
        { input, first: this.first, last: this.last },
      );
    }
    return value;
  }
}

export type DateInput = string | number;

/** `YYYY-MM-DD` of `YYYY-MM-DD`, `YYYYMMDD` (string or number). Throws `CALENDAR_INVALID_DATE`. */
export function toIsoDate(date: DateInput): string {
  const text = String(date).trim();
  const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (match) {
    const [, y, m, d] = match;
    const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (probe.getUTCMonth() === Number(m) - 1 && probe.getUTCDate() === Number(d))
      return `${y}-${m}-${d}`;
  }
  throw new CalendarError('CALENDAR_INVALID_DATE', `invalid date ${JSON.stringify(date)}`, {
    input: date,
  });
}

/** `YYYYMMDD` form (QIFI `trading_day`, DIFF `qry_settlement_info`). */
export function toCompactDate(date: DateInput): string {
  return toIsoDate(date).replace(/-/g, '');
}

/** Adds calendar days to a `YYYY-MM-DD` date. */
export function addCalendarDays(date: DateInput, days: number): string {
  const iso = toIsoDate(date);
  const epoch = Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000;
  return new Date(epoch).toISOString().slice(0, 10);
}

/** The calendar of `shared/data/cn-trade-dates.json` (maintained data; see its README). */
export const CHINA_TRADE_CALENDAR = new TradeCalendar((calendarData as { dates: string[] }).dates);
