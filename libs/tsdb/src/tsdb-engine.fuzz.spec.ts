import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsdbEngine } from './tsdb-engine';
import { TsdbError } from './tsdb.error';

describe('TsdbEngine ingest fuzz', () => {
  let root: string;
  let engine: TsdbEngine;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'qadb-fuzz-'));
    engine = await TsdbEngine.open({ dataDir: join(root, 'd'), stagingDir: join(root, 's') });
    await engine.createStream('fuzz');
  });
  afterAll(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  const key = fc.oneof(
    fc.constantFrom(
      'a',
      'b',
      'price',
      'instrument_id',
      'datetime',
      'p_date',
      '1bad',
      'with space',
      '',
    ),
    fc.string({ maxLength: 8 }),
  );
  const value = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ maxLength: 12 }),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 2 }),
  );

  it('any batch is either stored whole or refused whole with a TsdbError', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(key, value, { maxKeys: 5 }), { maxLength: 6 }),
        async (events) => {
          const before = (await engine.query('SELECT count(*) AS n FROM fuzz'))[0]?.n as number;
          let stored = 0;
          try {
            stored = await engine.ingest('fuzz', events);
          } catch (error) {
            expect(error).toBeInstanceOf(TsdbError);
          }
          const after = (await engine.query('SELECT count(*) AS n FROM fuzz'))[0]?.n as number;
          expect(after - before).toBe(stored);
          expect([0, events.length]).toContain(stored);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
  });
});
