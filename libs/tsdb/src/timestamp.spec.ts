import fc from 'fast-check';
import { parseTimestampMicros, rfc3339OfDuckTimestamp } from './timestamp';

const MIN_MS = Date.UTC(1700, 0, 1);
const MAX_MS = Date.UTC(2200, 11, 31, 23, 59, 59, 999);

/** `ms` written as RFC 3339 with an offset of `offsetMinutes` and `fraction` digits. */
function withOffset(ms: number, offsetMinutes: number, fractionDigits: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString(); // …THH:MM:SS.mmmZ
  const fraction =
    fractionDigits === 0
      ? ''
      : `.${local.slice(20, 23).padEnd(fractionDigits, '7').slice(0, fractionDigits)}`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone =
    offsetMinutes === 0
      ? 'Z'
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.slice(0, 19)}${fraction}${zone}`;
}

describe('RFC 3339 timestamps', () => {
  it('parses what Date.parse parses, to the microsecond, with any offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_MS + 86_400_000, max: MAX_MS - 86_400_000 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.integer({ min: 0, max: 9 }),
        (ms, offset, digits) => {
          const text = withOffset(ms, offset, digits);
          const micros = parseTimestampMicros(text);
          const truncatedMs = digits >= 3 ? ms : Date.parse(text);
          expect(Math.floor((micros as number) / 1000)).toBe(truncatedMs);
          // The 4th–6th fraction digits are the padding '7's.
          expect((((micros as number) % 1000) + 1000) % 1000).toBe(
            digits <= 3 ? 0 : Number('777'.slice(0, digits - 3).padEnd(3, '0')),
          );
        },
      ),
    );
  });

  it.each([
    ['2025-03-28T01:30:00Z', Date.UTC(2025, 2, 28, 1, 30) * 1000],
    ['2025-03-28 09:30:00.5+08:00', (Date.UTC(2025, 2, 28, 1, 30) + 500) * 1000],
    ['2024-02-29T00:00:00.000001z', Date.UTC(2024, 1, 29) * 1000 + 1],
    ['1969-12-31T23:59:59.999999Z', -1],
  ])('%s', (text, micros) => {
    expect(parseTimestampMicros(text)).toBe(micros);
  });

  it.each([
    '2025-03-28T01:30:00', // no zone: a local time, ambiguous
    '2025-03-28',
    '2025-02-29T00:00:00Z', // not a leap year
    '2025-13-01T00:00:00Z',
    '2025-03-28T24:00:00Z',
    '2025-03-28T01:30:60Z',
    '2025-03-28T01:30:00.Z',
    '2025-03-28T01:30:00.1234567890Z',
    '2025-03-28T01:30:00+0800',
    '2025-03-28T01:30:00+24:00',
    '2025-03-28T01:30:00Z ',
    '1699-03-28T01:30:00Z',
    '2025-03-28X01:30:00Z',
    '２０２５-03-28T01:30:00Z',
  ])('refuses %s', (text) => {
    expect(parseTimestampMicros(text)).toBeUndefined();
  });

  it('formats DuckDB timestamp text as RFC 3339 UTC', () => {
    expect(rfc3339OfDuckTimestamp('2025-03-28 01:30:00.5')).toBe('2025-03-28T01:30:00.500Z');
    expect(rfc3339OfDuckTimestamp('2025-03-28 01:30:00')).toBe('2025-03-28T01:30:00.000Z');
    expect(rfc3339OfDuckTimestamp('2025-03-28 01:30:00.1234')).toBe('2025-03-28T01:30:00.123400Z');
    expect(rfc3339OfDuckTimestamp('infinity')).toBe('infinity');
  });
});
