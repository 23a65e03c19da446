import { datetimeToEpochMs, normaliseDatetime, parseRfc3339 } from './datetime';
import { QamdError } from './qamd.error';

describe('RFC 3339 datetimes (chrono serde form)', () => {
  it.each([
    ['2025-03-28T01:30:00.500Z', '2025-03-28T01:30:00.500Z'],
    ['2025-03-28T01:30:00Z', '2025-03-28T01:30:00Z'],
    ['2025-03-28T01:30:00.000Z', '2025-03-28T01:30:00Z'],
    ['2025-03-28T09:30:00.5+08:00', '2025-03-28T01:30:00.500Z'],
    ['2025-03-28 09:30:00+08:00', '2025-03-28T01:30:00Z'],
    ['2025-03-28T01:30:00.123456Z', '2025-03-28T01:30:00.123456Z'],
    ['2025-03-28T01:30:00.123456789Z', '2025-03-28T01:30:00.123456789Z'],
    ['2025-03-28T01:30:00.000001Z', '2025-03-28T01:30:00.000001Z'],
    ['2025-01-01T02:00:00-05:30', '2025-01-01T07:30:00Z'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseDatetime(input)).toBe(expected);
  });

  it('converts to epoch milliseconds', () => {
    expect(datetimeToEpochMs('1970-01-01T00:00:01.250Z')).toBe(1250);
    expect(parseRfc3339('1970-01-01T00:00:00.000000250Z')).toEqual({ epochMs: 0, subMsNanos: 250 });
  });

  it.each([
    '2025-13-01T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-03-28',
    'yesterday',
    '2025-03-28T25:00:00Z',
  ])('rejects %s naming the input', (input) => {
    expect(() => normaliseDatetime(input)).toThrow(QamdError);
    expect(() => normaliseDatetime(input)).toThrow(input);
  });
});
