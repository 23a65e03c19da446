import { inferNewFields } from './schema';
import { TsdbError } from './tsdb.error';

describe('schema inference', () => {
  it('types RFC 3339 text as TIMESTAMP and hands back the parsed microseconds', () => {
    const timestamps = new Map<string, (number | undefined)[]>();
    const added = inferNewFields(
      [],
      [
        { t: '2025-03-28T01:30:00Z', s: 'x', n: 1, b: true, j: { a: 1 } },
        { t: null, s: '2025-03-28T01:30:00Z' },
        { t: '2025-03-28T09:30:00.5+08:00' },
      ],
      timestamps,
    );
    expect(added).toEqual([
      { name: 't', type: 'TIMESTAMP' },
      { name: 's', type: 'VARCHAR' },
      { name: 'n', type: 'DOUBLE' },
      { name: 'b', type: 'BOOLEAN' },
      { name: 'j', type: 'JSON' },
    ]);
    const base = Date.UTC(2025, 2, 28, 1, 30) * 1000;
    expect(timestamps.get('t')).toEqual([base, undefined, base + 500_000]);
    expect(timestamps.has('s')).toBe(false);
  });

  it('makes a new field VARCHAR when any of its values in the batch is not a timestamp', () => {
    const timestamps = new Map<string, (number | undefined)[]>();
    expect(inferNewFields([], [{ t: '2025-03-28T01:30:00Z' }, { t: 'soon' }], timestamps)).toEqual([
      { name: 't', type: 'VARCHAR' },
    ]);
    expect(timestamps.size).toBe(0);
  });

  it('lets a VARCHAR field take any text, and refuses other text in a TIMESTAMP field', () => {
    expect(
      inferNewFields([{ name: 't', type: 'VARCHAR' }], [{ t: '2025-03-28T01:30:00Z' }]),
    ).toEqual([]);
    expect(() =>
      inferNewFields(
        [{ name: 't', type: 'TIMESTAMP' }],
        [{ t: '2025-03-28T01:30:00Z' }, { t: 'x' }],
      ),
    ).toThrow(expect.objectContaining({ code: 'TSDB_SCHEMA_CONFLICT', field: 't' }) as TsdbError);
  });
});
