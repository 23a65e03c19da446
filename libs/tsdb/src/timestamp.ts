/**
 * RFC 3339 timestamps as the store reads them: `YYYY-MM-DD(T| )hh:mm:ss[.fraction](Z|±hh:mm)`.
 * A zone is required (a local time without one is ambiguous and stays text). Parsed by hand: the
 * ingest path reads one per tick, and this is several times faster than `Date.parse`.
 */

const DIGIT_0 = 48;
const MS_PER_DAY = 86_400_000;

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i += 1) {
    const digit = text.charCodeAt(i) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Microseconds since the Unix epoch (UTC) of an RFC 3339 timestamp, or undefined when the text is
 * not one (wrong shape, impossible date, no zone, or outside the years 1700–2200, whose microseconds
 * a JS number holds exactly). Fraction digits beyond microseconds are truncated.
 */
export function parseTimestampMicros(text: string): number | undefined {
  const length = text.length;
  if (length < 20 || length > 35) return undefined;
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  )
    return undefined;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 32 && separator !== 116) return undefined; // T, space, t
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1700 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > (month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number)))
    return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
    return undefined;
  let at = 19;
  let micros = 0;
  if (text.charCodeAt(at) === 46) {
    // .fraction: 1–9 digits
    at += 1;
    const start = at;
    while (at < length) {
      const digit = text.charCodeAt(at) - DIGIT_0;
      if (digit < 0 || digit > 9) break;
      if (at - start < 6) micros = micros * 10 + digit;
      at += 1;
    }
    const count = at - start;
    if (count === 0 || count > 9) return undefined;
    for (let i = count; i < 6; i += 1) micros *= 10;
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(at);
  if (zone === 90 || zone === 122) {
    // Z, z
    at += 1;
  } else if (zone === 43 || zone === 45) {
    // +hh:mm, -hh:mm
    if (length - at !== 6 || text.charCodeAt(at + 3) !== 58) return undefined;
    const offsetHours = digits(text, at + 1, 2);
    const offsetMins = digits(text, at + 4, 2);
    if (offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) return undefined;
    offsetMinutes = (offsetHours * 60 + offsetMins) * (zone === 45 ? -1 : 1);
    at += 6;
  } else return undefined;
  if (at !== length) return undefined;
  const ms =
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000;
  return ms * 1000 + micros;
}

/**
 * DuckDB's JSON text of a TIMESTAMP (`2025-03-28 01:30:00.5`) as RFC 3339 UTC with milliseconds
 * (`2025-03-28T01:30:00.500Z`), microseconds kept when there are any.
 */
export function rfc3339OfDuckTimestamp(text: string): string {
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/.test(text)) return text; // infinity, BC, years > 9999
  const dot = text.indexOf('.', 19);
  const base = `${text.slice(0, 10)}T${text.slice(11, dot < 0 ? undefined : dot)}`;
  if (dot < 0) return `${base}.000Z`;
  const fraction = text.slice(dot + 1);
  return `${base}.${fraction.length <= 3 ? fraction.padEnd(3, '0') : fraction.padEnd(6, '0')}Z`;
}
