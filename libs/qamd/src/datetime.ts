import { QamdError } from './qamd.error';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/** A UTC instant with nanosecond precision, split so that no precision is lost in a JS number. */
export interface UtcInstant {
  /** Whole milliseconds since the Unix epoch (UTC). */
  readonly epochMs: number;
  /** Nanoseconds within that millisecond, 0..999999. */
  readonly subMsNanos: number;
}

/**
 * Parses an RFC 3339 timestamp (any offset, 0–9 fraction digits). Throws `QAMD_DATETIME_PARSE`
 * naming the input when it is not one.
 */
export function parseRfc3339(text: string): UtcInstant {
  const match = RFC3339.exec(text);
  if (!match) {
    throw new QamdError(
      'QAMD_DATETIME_PARSE',
      `invalid RFC 3339 datetime: ${JSON.stringify(text)}`,
      {
        input: text,
      },
    );
  }
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  ) {
    throw new QamdError('QAMD_DATETIME_PARSE', `datetime out of range: ${JSON.stringify(text)}`, {
      input: text,
    });
  }
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const nanos = Number(fraction.padEnd(9, '0'));
  const wholeMs = Math.floor(nanos / 1e6);
  const epochMs =
    Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)) -
    offsetMinutes * 60_000 +
    wholeMs;
  return { epochMs, subMsNanos: nanos - wholeMs * 1e6 };
}

/**
 * Formats a UTC instant the way chrono serialises `DateTime<Utc>` (the original's serde output):
 * `YYYY-MM-DDTHH:MM:SS` + `.mmm` / `.uuuuuu` / `.nnnnnnnnn` (only as many groups as needed; none
 * when the fraction is zero) + `Z`.
 */
export function formatRfc3339(instant: UtcInstant): string {
  const base = new Date(instant.epochMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const ms = instant.epochMs - Math.floor(instant.epochMs / 1000) * 1000;
  const nanos = ms * 1e6 + instant.subMsNanos;
  const head = base.slice(0, 19);
  if (nanos === 0) return `${head}Z`;
  if (nanos % 1e6 === 0) return `${head}.${String(nanos / 1e6).padStart(3, '0')}Z`;
  if (nanos % 1e3 === 0) return `${head}.${String(nanos / 1e3).padStart(6, '0')}Z`;
  return `${head}.${String(nanos).padStart(9, '0')}Z`;
}

/** Canonical form of any RFC 3339 input (UTC, chrono fraction rule). */
export function normaliseDatetime(text: string): string {
  return formatRfc3339(parseRfc3339(text));
}

/** Milliseconds since the epoch of an RFC 3339 timestamp. */
export function datetimeToEpochMs(text: string): number {
  return parseRfc3339(text).epochMs;
}

/** Canonical RFC 3339 string of an epoch-milliseconds value. */
export function epochMsToDatetime(epochMs: number): string {
  return formatRfc3339({ epochMs, subMsNanos: 0 });
}
