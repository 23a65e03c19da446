/**
 * `npm run bench:tsdb` — the store under load, each figure with a baseline from the same run:
 *  1. batch ingest: BENCH_TSDB_ROWS (5,000,000) synthetic ticks over 500 instruments through the engine
 *     (schema check, durable staging, partition day) vs the raw DuckDB appender (node-api DataChunk
 *     API, the rows' values as they are) into a plain table in a database file, and into an in-memory
 *     one (no durability) for scale;
 *  2. HTTP JSON ingest (BENCH_TSDB_HTTP_ROWS, 500,000) to the built server, batches of 10,000;
 *  3. 1-minute bars of one instrument-day (p50/p99), last tick of 500 instruments from memory (p50/p99),
 *     and a full-day count by instrument — after the ticks are flushed to Parquet.
 */
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import { barsSql, Row, TsdbEngine } from '@qautlra/tsdb';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROWS = Number(process.env.BENCH_TSDB_ROWS ?? 5_000_000);
const HTTP_ROWS = Number(process.env.BENCH_TSDB_HTTP_ROWS ?? 500_000);
const INSTRUMENTS = 500;
const BATCH = 100_000;
const DAY_START = Date.parse('2025-03-28T01:30:00Z'); // 09:30 Beijing
const FIELDS = [
  'instrument_id',
  'datetime',
  'last_price',
  'volume',
  'amount',
  'bid_price1',
  'ask_price1',
  'bid_volume1',
  'ask_volume1',
  'open_interest',
] as const;

/** Batch `b` of the synthetic day: instruments round-robin, 4 hours of ticks spread evenly. */
function batch(b: number, size = BATCH): Row[] {
  const rows: Row[] = [];
  const spacing = (4 * 3_600_000) / (ROWS / INSTRUMENTS);
  for (let i = 0; i < size; i += 1) {
    const n = b * size + i;
    const k = n % INSTRUMENTS;
    const step = Math.floor(n / INSTRUMENTS);
    const price = 10 + k + Math.sin(step / 50) * 0.5;
    rows.push({
      instrument_id: `SSE.${600000 + k}`,
      datetime: new Date(DAY_START + Math.floor(step * spacing)).toISOString(),
      last_price: Math.round(price * 100) / 100,
      volume: step * 100,
      amount: step * 100 * price,
      bid_price1: Math.round((price - 0.01) * 100) / 100,
      ask_price1: Math.round((price + 0.01) * 100) / 100,
      bid_volume1: 100 + (n % 7) * 100,
      ask_volume1: 200 + (n % 5) * 100,
      open_interest: 0,
    });
  }
  return rows;
}

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function rawAppender(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(
    `CREATE TABLE ticks (${FIELDS.map((f, i) => `${f} ${i < 2 ? 'VARCHAR' : 'DOUBLE'}`).join(', ')})`,
  );
  const types = FIELDS.map((_, i) => (i < 2 ? VARCHAR : DOUBLE));
  let busy = 0;
  for (let b = 0; b < ROWS / BATCH; b += 1) {
    const rows = batch(b);
    const started = performance.now();
    const appender = await connection.createAppender('ticks');
    for (let s = 0; s < rows.length; s += 2048) {
      const slice = rows.slice(s, s + 2048);
      const chunk = DuckDBDataChunk.create(types, slice.length);
      FIELDS.forEach((field, i) =>
        chunk.setColumnValues(
          i,
          slice.map((row) => row[field] as string | number),
        ),
      );
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    busy += performance.now() - started;
  }
  connection.closeSync();
  instance.closeSync();
  return ROWS / (busy / 1000);
}

async function engineIngest(engine: TsdbEngine): Promise<number> {
  await engine.createStream('ticks', { partitionBy: 'instrument_id' });
  let busy = 0;
  for (let b = 0; b < ROWS / BATCH; b += 1) {
    const rows = batch(b);
    const started = performance.now();
    await engine.ingest('ticks', rows);
    busy += performance.now() - started;
  }
  return ROWS / (busy / 1000);
}

async function httpIngest(root: string): Promise<number> {
  const port = 18_900 + Math.floor(Math.random() * 90);
  const child = spawn(process.execPath, [join(__dirname, '../../apps/tsdb/src/main.js')], {
    env: {
      ...process.env,
      P_ADDR: `127.0.0.1:${port}`,
      P_DATA_DIR: join(root, 'http-data'),
      P_STAGING_DIR: join(root, 'http-staging'),
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    if ((await fetch(`${base}/health`).catch(() => undefined))?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const size = 10_000;
  const bodies = Array.from({ length: HTTP_ROWS / size }, (_, b) => JSON.stringify(batch(b, size)));
  const started = performance.now();
  // Two requests in flight, as a client pipeline would.
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const response = await fetch(`${base}/api/v1/ingest`, {
        method: 'POST',
        headers: { Authorization: auth, 'X-P-Stream': 'ticks', 'Content-Type': 'application/json' },
        body,
      });
      if (!response.ok)
        throw new Error(`ingest failed: ${response.status} ${await response.text()}`);
    }
  };
  await Promise.all([worker(), worker()]);
  const rate = HTTP_ROWS / ((performance.now() - started) / 1000);
  child.kill('SIGKILL');
  return rate;
}

async function timed(runs: number, run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-tsdb-'));
  try {
    console.log(
      `tsdb: ${fmt(ROWS)} synthetic ticks over ${INSTRUMENTS} instruments, batches of ${fmt(BATCH)}`,
    );
    const raw = await rawAppender(join(root, 'raw.duckdb'));
    const rawMemory = await rawAppender(':memory:');
    const engine = await TsdbEngine.open({
      dataDir: join(root, 'data'),
      stagingDir: join(root, 'staging'),
    });
    const ingest = await engineIngest(engine);
    console.log(
      `1. batch ingest: engine ${fmt(ingest)} rows/s, raw DuckDB appender into a table in a file ${fmt(raw)} rows/s → ` +
        `${(ingest / raw).toFixed(2)}× (target ≥ 0.6× and ≥ 1,000,000 rows/s)`,
    );
    console.log(
      `   raw appender into an in-memory table (not durable): ${fmt(rawMemory)} rows/s → engine ${(ingest / rawMemory).toFixed(2)}×`,
    );
    const flushStarted = performance.now();
    const flushed = await engine.flush('ticks');
    const flushSeconds = (performance.now() - flushStarted) / 1000;
    console.log(
      `   flush to zstd Parquet: ${fmt(flushed)} rows in ${flushSeconds.toFixed(1)} s (${fmt(flushed / flushSeconds)} rows/s)`,
    );

    const bars = await timed(30, () => engine.bars('ticks', 'SSE.600123', '1m'));
    const barCount = (await engine.bars('ticks', 'SSE.600123', '1m')).length;
    await engine.latest('ticks'); // load once from storage
    const ids = Array.from({ length: INSTRUMENTS }, (_, k) => `SSE.${600000 + k}`);
    const latest = await timed(200, () => engine.latest('ticks', ids));
    const count = await timed(10, () =>
      engine.query(
        "SELECT instrument_id, count(*) AS n FROM ticks WHERE p_date = '2025-03-28' GROUP BY instrument_id",
      ),
    );
    // The same-run floor: a bare DuckDB connection straight on the same Parquet files.
    const bare = await (await DuckDBInstance.create(':memory:')).connect();
    const files = `read_parquet('${join(root, 'data', 'ticks')}/**/*.parquet', hive_partitioning = true)`;
    const bareCount = await timed(10, () =>
      bare.runAndReadAll(
        `SELECT instrument_id, count(*) AS n FROM ${files} WHERE p_date = '2025-03-28' GROUP BY instrument_id`,
      ),
    );
    // The engine's own bars query, on the instrument's Parquet files directly.
    const barsOnFiles = barsSql(
      `read_parquet('${join(root, 'data', 'ticks')}/*/instrument_id=SSE.600123/*.parquet', hive_partitioning = true, hive_types_autocast = false)`,
      engine.stream('ticks').fields,
      'SSE.600123',
      '1m',
    );
    const bareBars = await timed(30, () => bare.runAndReadAll(barsOnFiles));
    bare.closeSync();
    console.log(
      `3. 1-minute bars, one instrument-day (${barCount} bars): p50 ${percentile(bars, 0.5).toFixed(1)} ms, p99 ${percentile(bars, 0.99).toFixed(1)} ms ` +
        `(bare DuckDB, the same query on the same files: ${percentile(bareBars, 0.5).toFixed(1)} ms → ${(percentile(bars, 0.5) / percentile(bareBars, 0.5)).toFixed(2)}×)`,
    );
    console.log(
      `   last tick of ${INSTRUMENTS} instruments (memory): p50 ${percentile(latest, 0.5).toFixed(2)} ms, p99 ${percentile(latest, 0.99).toFixed(2)} ms (target p50 ≤ 1 ms)`,
    );
    console.log(
      `   full-day count by instrument (${fmt(ROWS)} rows in Parquet): p50 ${percentile(count, 0.5).toFixed(1)} ms; ` +
        `bare DuckDB on the same files ${percentile(bareCount, 0.5).toFixed(1)} ms → ${(percentile(count, 0.5) / percentile(bareCount, 0.5)).toFixed(2)}× (target ≤ 1.5×)`,
    );
    await engine.close();
    const http = await httpIngest(root);
    console.log(
      `2. HTTP JSON ingest: ${fmt(http)} rows/s (${fmt(HTTP_ROWS)} rows, 10,000 per request, 2 in flight; target ≥ 150,000)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
