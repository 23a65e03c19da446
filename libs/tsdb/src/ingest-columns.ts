import { BOOLEAN, DOUBLE, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { epochMsToBeijing, futuresTradingDay } from '@qautlra/calendar';
import type { Row } from './result-rows';
import { parseTimestampMicros } from './timestamp';

/** Turning a batch of JSON events into columns: readers, DuckDB types, partition dates, latest. */

export function rememberLatest(latest: Map<string, Row>, event: Row): void {
  const id = event.instrument_id;
  if (typeof id !== 'string') return;
  const previous = latest.get(id);
  const newer =
    !previous ||
    typeof event.datetime !== 'string' ||
    typeof previous.datetime !== 'string' ||
    event.datetime >= previous.datetime;
  if (newer) latest.set(id, event);
}

/** Trading day by epoch hour: the trading-day rules change only on the hour (16:00, midnight). */
export const tradingDayByHour = new Map<number, string>();

export function tradingDayOf(epochMs: number): string {
  const hour = Math.floor(epochMs / 3_600_000);
  let day = tradingDayByHour.get(hour);
  if (day === undefined) {
    try {
      day = futuresTradingDay(epochMs);
    } catch {
      day = epochMsToBeijing(epochMs).date;
    }
    if (tradingDayByHour.size > 100_000) tradingDayByHour.clear();
    tradingDayByHour.set(hour, day);
  }
  return day;
}

/**
 * Partition dates of a batch: the trading day of market data (`instrument_id` + `datetime`), else
 * the ingest day (Beijing). `datetimeMicros` are the events' `datetime` values already parsed
 * (epoch µs by index); without them the text is parsed here.
 */
export function partitionDates(
  events: readonly Row[],
  nowMs: number,
  datetimeMicros?: readonly (number | undefined)[],
): string[] {
  const today = epochMsToBeijing(nowMs).date;
  const dates = new Array<string>(events.length);
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i] as Row;
    let us = datetimeMicros?.[i];
    if (us === undefined && !datetimeMicros && typeof event.datetime === 'string')
      us = parseTimestampMicros(event.datetime);
    dates[i] =
      us !== undefined && typeof event.instrument_id === 'string'
        ? tradingDayOf(Math.floor(us / 1000))
        : today;
  }
  return dates;
}

export const arrayReader =
  (values: readonly unknown[] | undefined) =>
  (row: number): unknown =>
    values?.[row];

/**
 * A reader of one field of a batch's events. Generated per field so that each property read sees
 * one key (a shared `event[name]` site turns megamorphic across a stream's fields and is several
 * times slower on the ingest path). Field names are validated identifiers.
 */
export function fieldReader(events: readonly Row[], name: string): (row: number) => unknown {
  const key = JSON.stringify(name);
  // A name an object inherits (`constructor`, `toString`, `__proto__`…) must be read as an own
  // property only, or an event without it would yield the inherited function or prototype.
  const read =
    name in Object.prototype
      ? `(Object.hasOwn(events[i], ${key}) ? events[i][${key}] : undefined)`
      : `events[i][${key}]`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('events', `return (i) => ${read};`) as (
    events: readonly Row[],
  ) => (row: number) => unknown;
  return make(events);
}

export const DUCK_TYPES = { DOUBLE, VARCHAR, TIMESTAMP, BOOLEAN, JSON: VARCHAR } as const;
