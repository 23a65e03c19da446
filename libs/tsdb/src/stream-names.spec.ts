import { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamNameProblem, TsdbEngine } from './tsdb-engine';
import { TsdbError } from './tsdb.error';

/** Stream names never collide with the engine's own objects, and one bad stream never stops a start. */
describe('TsdbEngine stream namespace', () => {
  let root: string;
  let engine: TsdbEngine;
  const open = () =>
    TsdbEngine.open({ dataDir: join(root, 'data'), stagingDir: join(root, 'staging') });
  const event = (last: number) => ({
    instrument_id: 'SHFE.au2512',
    datetime: '2025-03-28T01:30:00Z',
    last_price: last,
  });

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'qadb-names-'));
    engine = await open();
  });
  afterEach(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(['stage_market_data', 'streams', 'fields', 'flushes', 'compactions', 'stage_x'])(
    'a stream named %s is an ordinary stream and survives a restart',
    async (name) => {
      await engine.ingestCreating('market_data', [event(1)]);
      await engine.ingestCreating(name, [event(2), event(3)]);
      await engine.close();
      engine = await open();
      expect(engine.listStreams()).toEqual([name, 'market_data'].sort());
      expect(await engine.query(`SELECT count(*) AS n FROM "${name}"`)).toEqual([{ n: 2 }]);
      expect(await engine.query('SELECT count(*) AS n FROM market_data')).toEqual([{ n: 1 }]);
      expect(engine.failedStreams()).toEqual([]);
    },
  );

  it.each([
    '_qadb_streams',
    '_qadb',
    'main',
    'Information_Schema',
    'pg_catalog',
    'duckdb_tables',
    'sqlite_master',
    'pg_tables',
    'a b',
    '',
    'x'.repeat(65),
  ])('refuses the reserved or invalid name %j and registers nothing', async (name) => {
    const refusal = await engine.ingestCreating(name, [event(1)]).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TsdbError);
    expect((refusal as TsdbError).code).toBe('TSDB_INVALID_STREAM');
    expect(engine.listStreams()).toEqual([]);
    await engine.close();
    engine = await open();
    expect(engine.listStreams()).toEqual([]);
  });

  it('treats names differing in case as one stream (SQL identifiers are case-insensitive)', async () => {
    await engine.createStream('Ticks');
    await expect(engine.createStream('ticks')).rejects.toMatchObject({
      code: 'TSDB_STREAM_EXISTS',
    });
    await expect(engine.ingestCreating('TICKS', [event(1)])).rejects.toMatchObject({
      code: 'TSDB_STREAM_EXISTS',
    });
    expect(engine.listStreams()).toEqual(['Ticks']);
  });

  it('a refused batch into a new stream leaves no stream behind', async () => {
    await expect(engine.ingestCreating('fresh', [{ a: 1 }, { a: 'text' }])).rejects.toMatchObject({
      code: 'TSDB_SCHEMA_CONFLICT',
    });
    expect(engine.listStreams()).toEqual([]);
    await engine.ingestCreating('fresh', [{ a: 'text' }]);
    expect(engine.stream('fresh').fields).toEqual([{ name: 'a', type: 'VARCHAR' }]);
  });

  it('starts with one broken stream: reports it, serves the rest, and can delete it', async () => {
    await engine.ingestCreating('good', [event(1)]);
    await engine.ingestCreating('bad', [event(2)]);
    await engine.close();
    // Break one stream's staged table behind the engine's back.
    const instance = await DuckDBInstance.create(join(root, 'staging', 'staging.duckdb'));
    const connection = await instance.connect();
    await connection.run('DROP TABLE _qadb.stage_bad');
    connection.closeSync();
    instance.closeSync();
    engine = await open();
    expect(engine.listStreams()).toEqual(['good']);
    expect(engine.failedStreams()).toEqual([
      { name: 'bad', error: expect.stringContaining('stage_bad') as unknown },
    ]);
    expect(await engine.query('SELECT last_price FROM good')).toEqual([{ last_price: 1 }]);
    await engine.deleteStream('bad');
    expect(engine.failedStreams()).toEqual([]);
    await engine.ingestCreating('bad', [event(3)]);
    expect(await engine.query('SELECT last_price FROM bad')).toEqual([{ last_price: 3 }]);
  });

  it('moves a store of the earlier layout (catalog in main) into the internal schema', async () => {
    await engine.close();
    const staging = join(root, 'legacy-staging');
    mkdirSync(staging, { recursive: true });
    const instance = await DuckDBInstance.create(join(staging, 'staging.duckdb'));
    const connection = await instance.connect();
    for (const statement of [
      'CREATE TABLE _qadb_streams (name VARCHAR PRIMARY KEY, partition_by VARCHAR, created_at TIMESTAMP)',
      'CREATE TABLE _qadb_fields (stream VARCHAR, name VARCHAR, type VARCHAR, position INTEGER)',
      'CREATE TABLE _qadb_flushes (id VARCHAR PRIMARY KEY, stream VARCHAR, done_at TIMESTAMP)',
      'CREATE TABLE _qadb_compactions (id VARCHAR PRIMARY KEY, dir VARCHAR, old_files VARCHAR)',
      "INSERT INTO _qadb_streams VALUES ('ticks', NULL, now())",
      "INSERT INTO _qadb_fields VALUES ('ticks', 'last_price', 'DOUBLE', 0)",
      'CREATE TABLE stage_ticks (p_seq BIGINT, p_timestamp TIMESTAMP, p_date VARCHAR, last_price DOUBLE)',
      "INSERT INTO stage_ticks VALUES (7, now(), '2025-03-28', 5.5)",
      'CREATE VIEW ticks AS SELECT * EXCLUDE (p_seq) FROM stage_ticks',
    ])
      await connection.run(statement);
    connection.closeSync();
    instance.closeSync();
    engine = await TsdbEngine.open({ dataDir: join(root, 'legacy-data'), stagingDir: staging });
    expect(engine.listStreams()).toEqual(['ticks']);
    expect(await engine.query('SELECT last_price FROM ticks')).toEqual([{ last_price: 5.5 }]);
    await engine.ingest('ticks', [{ last_price: 6.5 }]);
    expect(await engine.query('SELECT max(p_seq) AS s FROM _qadb.stage_ticks')).toEqual([{ s: 8 }]);
    // The old catalog names are free now.
    await engine.ingestCreating('stage_ticks', [{ last_price: 1 }]);
    await engine.close();
    engine = await TsdbEngine.open({ dataDir: join(root, 'legacy-data'), stagingDir: staging });
    expect(engine.listStreams()).toEqual(['stage_ticks', 'ticks']);
  });
});

describe('streamNameProblem', () => {
  it.each(['market_data', 'SHFE-ticks', '1m', 'stage_market_data'])('accepts %s', (name) => {
    expect(streamNameProblem(name)).toBeUndefined();
  });
  it.each(['_qadb_x', 'DUCKDB_views', 'temp', 'memory', '-x', 'a.b', 'a"b'])(
    'refuses %s',
    (name) => {
      expect(streamNameProblem(name)).toEqual(expect.any(String));
    },
  );
});

describe('TsdbEngine limits on wide and deep events', () => {
  let root: string;
  let engine: TsdbEngine;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'qadb-limits-'));
    engine = await TsdbEngine.open({
      dataDir: join(root, 'data'),
      stagingDir: join(root, 'staging'),
      maxFields: 50,
      maxJsonDepth: 8,
    });
  });
  afterEach(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses an event that would take a stream past its field limit, naming the limit', async () => {
    const wide = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i]));
    const refusal = (await engine
      .ingestCreating('wide', [wide])
      .catch((e: unknown) => e)) as TsdbError;
    expect(refusal).toMatchObject({ code: 'TSDB_INVALID_EVENT' });
    expect(refusal.message).toContain('more than 50 fields');
    expect(engine.listStreams()).toEqual([]);
    delete wide.f50;
    expect(await engine.ingestCreating('wide', [wide])).toBe(1);
    await expect(engine.ingest('wide', [{ another: 1 }])).rejects.toMatchObject({
      code: 'TSDB_INVALID_EVENT',
    });
    expect(engine.stream('wide').fields).toHaveLength(50);
  });

  it('refuses a value nested past the depth limit (a 100,000-deep one without a stack overflow)', async () => {
    const nest = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i += 1) value = { v: value };
      return value;
    };
    expect(await engine.ingestCreating('deep', [{ ok: nest(8) }])).toBe(1);
    for (const depth of [9, 100_000]) {
      const refusal = (await engine
        .ingest('deep', [{ ok: nest(depth) }])
        .catch((e: unknown) => e)) as TsdbError;
      expect(refusal).toBeInstanceOf(TsdbError);
      expect(refusal.message).toContain('deeper than 8 levels');
    }
    expect(await engine.query('SELECT count(*) AS n FROM deep')).toEqual([{ n: 1 }]);
  });

  it('refuses a field differing from an existing one only in case', async () => {
    await engine.ingestCreating('cased', [{ Price: 1 }]);
    await expect(engine.ingest('cased', [{ price: 2 }])).rejects.toMatchObject({
      code: 'TSDB_SCHEMA_CONFLICT',
    });
    await expect(engine.ingest('cased', [{ a: 1, A: 2 }])).rejects.toMatchObject({
      code: 'TSDB_SCHEMA_CONFLICT',
    });
    expect(await engine.ingest('cased', [{ Price: 3 }])).toBe(1);
  });
});

describe('TsdbEngine user queries change nothing', () => {
  it('a write hidden in a CTE or under EXPLAIN ANALYZE is refused or rolled back', async () => {
    const root = mkdtempSync(join(tmpdir(), 'qadb-ro-'));
    const engine = await TsdbEngine.open({ dataDir: join(root, 'd'), stagingDir: join(root, 's') });
    try {
      await engine.ingestCreating('ticks', [{ a: 1 }]);
      const attempts = [
        "WITH x AS (SELECT 1) INSERT INTO _qadb.streams VALUES ('evil', NULL, now())",
        "EXPLAIN ANALYZE INSERT INTO _qadb.streams VALUES ('evil', NULL, now())",
        'EXPLAIN ANALYZE DELETE FROM _qadb.streams',
      ];
      for (const sql of attempts) await engine.query(sql).catch(() => undefined);
      expect(await engine.query('SELECT name FROM _qadb.streams ORDER BY name')).toEqual([
        { name: 'ticks' },
      ]);
      await expect(engine.query(attempts[0]!)).rejects.toMatchObject({ code: 'TSDB_SQL_REFUSED' });
    } finally {
      await engine.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
