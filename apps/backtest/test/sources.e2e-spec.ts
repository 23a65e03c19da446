import { DuckDBInstance } from '@duckdb/node-api';
import { BarBuilder, MarketEvent, simTicks } from '@qautlra/backtest';
import type { MarketBar, MarketTick } from '@qautlra/execution';
import { AppProcess, freePort, waitFor } from '@qautlra/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { csvBars, loadMarketEvents, SourceRequest } from '../src/runs/market-source';

const INSTRUMENTS = ['SHFE.rb888', 'DCE.m888'];
const FROM = '2026-03-02';
const TO = '2026-03-04';
const root = join(__dirname, '../../..');

/**
 * Issue 17 §4: the tsdb and Parquet sources. Sim ticks recorded into a real tsdb come back as the
 * same ticks, and the tsdb's bars equal the bars the engine builds itself from those ticks; a
 * Parquet file gives the bars its CSV twin gives.
 */
describe('backtest data sources: tsdb and Parquet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backtest-sources-'));
  let tsdb: AppProcess;
  let base = '';
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const ticks: MarketTick[] = [
    ...simTicks({ instruments: INSTRUMENTS, from: FROM, to: TO, stepMs: 15_000 }),
  ];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    tsdb = new AppProcess(
      'tsdb',
      [],
      {
        P_ADDR: `127.0.0.1:${port}`,
        P_DATA_DIR: join(dir, 'data'),
        P_STAGING_DIR: join(dir, 'staging'),
        QADB_WS_CLIENT_ENABLED: 'false',
      },
      `${base}/health`,
    );
    await tsdb.start();
    const rows = ticks.map((tick) => ({
      instrument_id: tick.instrument,
      datetime: new Date(tick.datetimeMs).toISOString(),
      last_price: tick.lastPrice,
      bid_price1: tick.bidPrice,
      bid_volume1: tick.bidVolume,
      ask_price1: tick.askPrice,
      ask_volume1: tick.askVolume,
      volume: tick.volume,
      upper_limit: tick.upperLimit ?? 0,
      lower_limit: tick.lowerLimit ?? 0,
    }));
    for (let i = 0; i < rows.length; i += 5_000) {
      const response = await fetch(`${base}/api/v1/ingest`, {
        method: 'POST',
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'x-p-stream': 'bt_ticks',
        },
        body: JSON.stringify(rows.slice(i, i + 5_000)),
      });
      expect(response.status).toBe(200);
    }
  }, 60_000);
  afterAll(async () => {
    await tsdb?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (frequency: SourceRequest['frequency']): SourceRequest => ({
    source: 'tsdb',
    instruments: INSTRUMENTS,
    from: FROM,
    to: TO,
    frequency,
    tsdb: { url: base, user: 'admin', password: 'admin', stream: 'bt_ticks' },
  });

  it('replays the recorded ticks as they were', async () => {
    const replayed = [...(await loadMarketEvents(request('tick')))] as MarketTick[];
    expect(replayed.length).toBe(ticks.length);
    const key = (t: MarketTick) => `${t.datetimeMs}|${t.instrument}`;
    const byKey = new Map(ticks.map((t) => [key(t), t]));
    for (const tick of replayed) expect(tick).toEqual(byKey.get(key(tick)));
  });

  it('gives the bars the engine builds itself from the same ticks', async () => {
    const builder = new BarBuilder('1m');
    const built: MarketBar[] = [];
    for (const tick of ticks) built.push(...builder.push(tick));
    built.push(...builder.flush());
    const fromTsdb = [...(await loadMarketEvents(request('1m')))] as MarketBar[];
    const shape = (bar: MarketBar) => [
      bar.instrument,
      bar.startMs,
      bar.endMs,
      bar.tradingDay,
      bar.open,
      bar.high,
      bar.low,
      bar.close,
      bar.volume,
    ];
    const order = (bars: MarketBar[]) =>
      bars.map(shape).sort((a, b) => String(a).localeCompare(String(b)));
    expect(fromTsdb.length).toBeGreaterThan(1_000);
    expect(order(fromTsdb)).toEqual(order(built));
    const days = [...(await loadMarketEvents(request('1d')))] as MarketBar[];
    expect(days.map((bar) => `${bar.instrument} ${bar.tradingDay}`).sort()).toEqual(
      INSTRUMENTS.flatMap((id) =>
        ['20260302', '20260303', '20260304'].map((d) => `${id} ${d}`),
      ).sort(),
    );
  });

  it('runs the CLI on the tsdb', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(root, 'dist/apps/backtest/src/cli.js'),
        '--strategy',
        'examples/strategies/ma-cross.ts',
        '--instruments',
        INSTRUMENTS.join(','),
        '--from',
        FROM,
        '--to',
        TO,
        '--source',
        'tsdb',
        '--tsdb',
        base,
        '--stream',
        'bt_ticks',
        '--freq',
        '5m',
      ],
      { cwd: root },
    );
    expect(stdout).toMatch(/period\s+20260302 – 20260304 \(3 trading days\)/);
    expect(stdout).toMatch(/orders \/ trades\s+[1-9]\d* \/ [1-9]\d*/);
  });

  it('runs on the tsdb through the service (PGlite), which never shows the tsdb credentials', async () => {
    const port = await freePort();
    const service = new AppProcess(
      'backtest',
      [],
      {
        BACKTEST_ADDR: `127.0.0.1:${port}`,
        BACKTEST_DATA_DIR: join(dir, 'service'),
        BACKTEST_TSDB_URL: base,
        BACKTEST_TSDB_STREAM: 'bt_ticks',
        BACKTEST_THREADS: '1',
        DATABASE_URL: '',
      },
      `http://127.0.0.1:${port}/health`,
    );
    await service.start();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          strategy: 'ma-cross',
          source: 'tsdb',
          instruments: INSTRUMENTS,
          from: FROM,
          to: TO,
          frequency: '5m',
        }),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };
      const run = await waitFor(
        async () => {
          const answer = (await (
            await fetch(`http://127.0.0.1:${port}/api/runs/${id}`)
          ).json()) as {
            status: string;
            summary?: { trading_days: number; events: number };
          };
          return answer.status === 'done' || answer.status === 'failed' ? answer : undefined;
        },
        { what: 'the tsdb run', timeoutMs: 60_000 },
      );
      expect(run).toMatchObject({ status: 'done', summary: { trading_days: 3 } });
      const shown = JSON.stringify(
        await (await fetch(`http://127.0.0.1:${port}/api/runs?limit=5`)).json(),
      );
      expect(shown).toContain('"source":"tsdb"');
      expect(shown).not.toContain('admin');
    } finally {
      await service.kill('SIGTERM');
    }
  }, 90_000);

  it('says what is wrong when the tsdb does not answer or refuses', async () => {
    await expect(
      loadMarketEvents({
        ...request('1m'),
        tsdb: { ...request('1m').tsdb!, url: 'http://127.0.0.1:9' },
      }),
    ).rejects.toThrow(/did not answer/);
    await expect(
      loadMarketEvents({ ...request('1m'), tsdb: { ...request('1m').tsdb!, password: 'wrong' } }),
    ).rejects.toThrow(/answered 401/);
  });

  it('reads bars from Parquet as from the same CSV', async () => {
    const csv = ['datetime,instrument,open,high,low,close,volume'];
    for (let minute = 0; minute < 90; minute += 1) {
      const price = 3000 + (minute % 7) - 3;
      const at = `2026-03-03 09:${String(minute % 60).padStart(2, '0')}`.replace(
        '09:',
        minute < 60 ? '09:' : '10:',
      );
      csv.push(`${at},DCE.m888,${price},${price + 2},${price - 2},${price + 1},${100 + minute}`);
    }
    const csvFile = join(dir, 'bars.csv');
    writeFileSync(csvFile, csv.join('\n'));
    const parquetFile = join(dir, 'bars.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * FROM read_csv('${csvFile}', all_varchar = true)) TO '${parquetFile}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    const wanted = { instruments: ['DCE.m888'], from: '2026-03-03', to: '2026-03-03' };
    const fromParquet = (await loadMarketEvents({
      ...wanted,
      source: 'parquet',
      frequency: '1m',
      file: parquetFile,
    })) as MarketEvent[];
    expect([...fromParquet]).toEqual(csvBars(csv.join('\n'), wanted, '1m'));
    expect([...fromParquet]).toHaveLength(90);
  });
});
