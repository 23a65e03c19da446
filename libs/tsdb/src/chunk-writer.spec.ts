import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHUNK_ROWS } from './chunk-writer';
import { TsdbEngine } from './tsdb-engine';

/**
 * The ingest path writes DuckDB vectors directly (inline string headers, int64 words, validity
 * bits): every value must come back from a query exactly as it went in, across chunk boundaries.
 */
describe('ingest round trip through the chunk writer', () => {
  let root: string;
  let engine: TsdbEngine;
  let streams = 0;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'qadb-chunk-'));
    engine = await TsdbEngine.open({ dataDir: join(root, 'd'), stagingDir: join(root, 's') });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  const maybe = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
    fc.option(arbitrary, { nil: null, freq: 5 });
  const text = fc.oneof(
    fc.string({ maxLength: 14 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }), // multi-byte UTF-8 around the 12-byte inline limit
    fc.string({ minLength: 13, maxLength: 40 }),
    fc.constantFrom(
      'SHFE.au2512',
      'SSE.600000',
      '',
      '12345678901',
      '123456789012',
      '1234567890123',
    ),
  );
  const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) });
  const row = fc.record({
    id: fc.integer({ min: 0, max: 1e9 }),
    s: maybe(text),
    d: maybe(fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x))),
    b: maybe(fc.boolean()),
    t: maybe(instant.map((ms) => new Date(ms).toISOString())),
    j: maybe(fc.dictionary(fc.constantFrom('a', 'b'), fc.integer(), { minKeys: 1 })),
  });

  it('gives back every value (strings, doubles, booleans, timestamps, JSON, nulls)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 }),
        async (sample, repeat) => {
          // Some runs cross one or two chunk boundaries.
          const events = Array.from({ length: sample.length + repeat * CHUNK_ROWS }, (_, i) => ({
            ...(sample[i % sample.length] as (typeof sample)[number]),
            id: i,
          }));
          const name = `rt${(streams += 1)}`;
          await engine.createStream(name);
          await engine.ingest(name, events);
          const back = await engine.query(
            `SELECT id, ${['s', 'd', 'b', 't', 'j']
              .filter((field) => engine.stream(name).fields.some((f) => f.name === field))
              .join(', ')} FROM ${name} ORDER BY id`,
          );
          // One deep comparison per run (an expect per value made this test take half a minute).
          const got = back.map((r) =>
            'j' in r ? { ...r, j: r.j === null ? null : JSON.parse(r.j as string) } : r,
          );
          const want = events.map((sent, i) =>
            Object.fromEntries(
              Object.keys(back[0] ?? {}).map((field) => [
                field,
                field === 'id' ? i : sent[field as keyof typeof sent],
              ]),
            ),
          );
          expect(got).toEqual(want);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 25) },
    );
  });

  it('stores an offset timestamp as the UTC instant and answers in UTC', async () => {
    await engine.createStream('offsets');
    await engine.ingest('offsets', [
      { instrument_id: 'SHFE.au2512', datetime: '2025-03-28T09:30:00.250+08:00' },
    ]);
    expect(await engine.query('SELECT datetime, p_date FROM offsets')).toEqual([
      { datetime: '2025-03-28T01:30:00.250Z', p_date: '2025-03-28' },
    ]);
  });
});
