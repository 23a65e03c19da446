import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsdbEngine } from './tsdb-engine';
import { TsdbError } from './tsdb.error';

describe('TsdbEngine (embedded DuckDB, real files)', () => {
  let root: string;
  let engine: TsdbEngine;
  const open = () =>
    TsdbEngine.open({ dataDir: join(root, 'data'), stagingDir: join(root, 'staging') });

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'qadb-'));
    engine = await open();
  });
  afterEach(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  const tick = (id: string, datetime: string, last: number) => ({
    instrument_id: id,
    datetime,
    last_price: last,
    volume: 10,
  });

  it('creates, lists, ingests with schema evolution, and queries staged rows', async () => {
    await engine.createStream('ticks', { partitionBy: 'instrument_id' });
    expect(engine.listStreams()).toEqual(['ticks']);
    await engine.ingest('ticks', [tick('SHFE.au2512', '2025-03-28T01:30:00Z', 600)]);
    await engine.ingest('ticks', [
      { ...tick('SHFE.au2512', '2025-03-28T01:30:01Z', 601), bid: 600.5 },
    ]);
    expect(engine.stream('ticks').fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'instrument_id:VARCHAR',
      'datetime:TIMESTAMP',
      'last_price:DOUBLE',
      'volume:DOUBLE',
      'bid:DOUBLE',
    ]);
    const rows = await engine.query('SELECT last_price, bid, p_date FROM ticks ORDER BY datetime');
    expect(rows).toEqual([
      { last_price: 600, bid: null, p_date: '2025-03-28' },
      { last_price: 601, bid: 600.5, p_date: '2025-03-28' },
    ]);
  });

  it('reads fields named like Object.prototype members as own properties only', async () => {
    await engine.createStream('s');
    // As a JSON body arrives: `__proto__` is then an own field, not the prototype.
    const first = JSON.parse(
      '{"n": 1, "constructor": "c", "toString": "t", "valueOf": 1, "__proto__": "a long enough text"}',
    ) as Record<string, unknown>;
    await engine.ingest('s', [first]);
    await engine.ingest('s', [{ n: 2 }, JSON.parse('{"n": 3}') as Record<string, unknown>]);
    expect(
      await engine.query(
        'SELECT n, "constructor", "toString", "valueOf", "__proto__" AS p FROM s ORDER BY n',
      ),
    ).toEqual([
      { n: 1, constructor: 'c', toString: 't', valueOf: 1, p: 'a long enough text' },
      { n: 2, constructor: null, toString: null, valueOf: null, p: null },
      { n: 3, constructor: null, toString: null, valueOf: null, p: null },
    ]);
  });

  it('a type conflict names the field and writes nothing of the batch', async () => {
    await engine.createStream('s');
    await engine.ingest('s', [{ a: 1 }]);
    await expect(engine.ingest('s', [{ a: 2 }, { a: 'x', b: true }])).rejects.toMatchObject({
      code: 'TSDB_SCHEMA_CONFLICT',
      field: 'a',
    });
    expect(await engine.query('SELECT count(*)::INTEGER AS n FROM s')).toEqual([{ n: 1 }]);
    expect(engine.stream('s').fields.map((f) => f.name)).toEqual(['a']);
  });

  it('flushes to zstd Parquet partitioned by trading day and field; rows in exactly one place', async () => {
    await engine.createStream('ticks', { partitionBy: 'instrument_id' });
    // Friday night session tick belongs to Monday's trading day.
    await engine.ingest('ticks', [
      tick('SHFE.au2512', '2025-03-28T13:30:00Z', 600),
      tick('SHFE.rb2510', '2025-03-28T02:00:00Z', 3300),
    ]);
    expect(await engine.flush('ticks')).toBe(2);
    await engine.ingest('ticks', [tick('SHFE.au2512', '2025-03-31T01:30:00Z', 605)]);
    const dirs = readdirSync(join(root, 'data', 'ticks')).sort();
    expect(dirs).toEqual(['p_date=2025-03-28', 'p_date=2025-03-31']);
    const rows = await engine.query(
      'SELECT instrument_id, p_date, last_price FROM ticks ORDER BY datetime',
    );
    expect(rows).toEqual([
      { instrument_id: 'SHFE.rb2510', p_date: '2025-03-28', last_price: 3300 },
      { instrument_id: 'SHFE.au2512', p_date: '2025-03-31', last_price: 600 },
      { instrument_id: 'SHFE.au2512', p_date: '2025-03-31', last_price: 605 },
    ]);
    // Survives a restart: staged and flushed rows, once each.
    await engine.close();
    engine = await open();
    expect(await engine.query('SELECT count(*)::INTEGER AS n FROM ticks')).toEqual([{ n: 3 }]);
    await engine.ingest('ticks', [tick('SHFE.au2512', '2025-03-31T01:30:01Z', 606)]);
    expect(
      await engine.query('SELECT count(*)::INTEGER AS n, max(datetime) AS m FROM ticks'),
    ).toEqual([{ n: 4, m: '2025-03-31T01:30:01.000Z' }]);
  });

  it('compacts small files into one per partition without changing results; expires old days', async () => {
    await engine.createStream('ticks', { partitionBy: 'instrument_id' });
    for (let b = 0; b < 5; b += 1) {
      await engine.ingest('ticks', [
        tick('SHFE.au2512', `2025-03-27T01:30:0${b}Z`, 590 + b),
        tick('SHFE.au2512', `2025-03-28T01:30:0${b}Z`, 600 + b),
      ]);
      await engine.flush('ticks');
    }
    const before = await engine.query('SELECT p_date, last_price FROM ticks ORDER BY datetime');
    const leaf = join(root, 'data', 'ticks', 'p_date=2025-03-28', 'instrument_id=SHFE.au2512');
    expect(readdirSync(leaf).filter((f) => f.endsWith('.parquet'))).toHaveLength(5);
    expect(await engine.compact('ticks')).toBe(10);
    expect(readdirSync(leaf)).toHaveLength(1);
    expect(await engine.query('SELECT p_date, last_price FROM ticks ORDER BY datetime')).toEqual(
      before,
    );
    // Survives a restart the same way.
    await engine.close();
    engine = await open();
    expect(await engine.query('SELECT count(*)::INTEGER AS n FROM ticks')).toEqual([{ n: 10 }]);

    expect(await engine.expire('ticks', '2025-03-28')).toBe(1);
    expect(await engine.query('SELECT DISTINCT p_date FROM ticks')).toEqual([
      { p_date: '2025-03-28' },
    ]);
  });

  it('refuses results over the byte limit without building them (JSON and Parquet), and stays usable', async () => {
    await engine.close();
    engine = await TsdbEngine.open({
      dataDir: join(root, 'data'),
      stagingDir: join(root, 'staging'),
      maxResultBytes: 1_000_000,
    });
    expect(await engine.query("SELECT length(repeat('x', 900000)) AS n")).toEqual([{ n: 900_000 }]);
    await expect(engine.query("SELECT repeat('x', 3000000) AS s")).rejects.toThrow(
      'larger than 1000000 bytes',
    );
    // Many small rows add up too; the stream stops once the limit is passed.
    await expect(
      engine.query("SELECT i, 'some text' AS t FROM range(10000000) r(i)"),
    ).rejects.toThrow('larger than 1000000 bytes');
    await expect(
      engine.exportParquet('SELECT i, md5(i::VARCHAR) AS h FROM range(2000000) r(i)'),
    ).rejects.toThrow('larger than 1000000 bytes');
    expect(await engine.query('SELECT 42 AS x')).toEqual([{ x: 42 }]);
  });

  it('refuses results over the row limit and interrupts queries over the time limit', async () => {
    await engine.close();
    engine = await TsdbEngine.open({
      dataDir: join(root, 'data'),
      stagingDir: join(root, 'staging'),
      maxResultRows: 100,
      queryTimeoutMs: 200,
    });
    expect(await engine.query('SELECT * FROM range(100)')).toHaveLength(100);
    await expect(engine.query('SELECT * FROM range(101)')).rejects.toThrow(
      'the result has more than 100 rows',
    );
    await expect(
      engine.query('SELECT count(*) FROM range(100000000) a, range(100000) b'),
    ).rejects.toThrow('query interrupted after 200 ms');
    expect(await engine.query('SELECT 42 AS x')).toEqual([{ x: 42 }]);
  });

  it.each([
    "COPY (SELECT 1) TO '/tmp/x.csv'",
    "ATTACH '/tmp/x.db'",
    'INSTALL httpfs',
    'LOAD httpfs',
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    'SET enable_external_access = true',
    'CREATE TABLE t (a INT)',
    'SELECT 1; SELECT 2',
    'DROP TABLE _qadb_streams',
  ])('refuses %s', async (sql) => {
    await expect(engine.query(sql)).rejects.toBeInstanceOf(TsdbError);
  });
});

describe('query results as JSON', () => {
  it('gives exact 64-bit integers and decimals as numbers, larger ones as strings', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qadb-json-'));
    const engine = await TsdbEngine.open({ dataDir: join(root, 'd'), stagingDir: join(root, 's') });
    try {
      expect(
        await engine.query(
          'SELECT count(*) AS n, 1.5 AS d, 9007199254740993::BIGINT AS big, 170141183460469231731687303715884105727::HUGEINT AS huge',
        ),
      ).toEqual([
        { n: 1, d: 1.5, big: '9007199254740993', huge: '170141183460469231731687303715884105727' },
      ]);
    } finally {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('bars from a feed whose cumulative volume restarts', () => {
  it('a drop of the cumulative volume starts a new count: no bar has a negative volume', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qadb-bars-'));
    const engine = await TsdbEngine.open({ dataDir: join(root, 'd'), stagingDir: join(root, 's') });
    try {
      const tick = (minute: number, second: number, volume: number, amount: number) => ({
        instrument_id: 'SHFE.rb2601',
        datetime: `2025-03-28T01:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`,
        last_price: 3300,
        volume,
        amount,
      });
      await engine.ingestCreating('ticks', [
        tick(30, 0, 100, 1000),
        tick(30, 30, 150, 1500),
        tick(31, 0, 200, 2000),
        // The feed restarted (count from the seed again) in the middle of minute 31.
        tick(31, 30, 20, 200),
        tick(32, 0, 50, 500),
      ]);
      const bars = await engine.bars('ticks', 'SHFE.rb2601', '1m');
      expect(bars.map((bar) => [bar.volume, bar.amount])).toEqual([
        [150, 1500],
        [50 + 20, 500 + 200],
        [30, 300],
      ]);
      const daily = await engine.bars('ticks', 'SHFE.rb2601', '1d');
      expect(daily.map((bar) => bar.volume)).toEqual([250]);
    } finally {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
