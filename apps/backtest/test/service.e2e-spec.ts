import { AppProcess, freePort, TestDatabase, waitFor } from '@qautlra/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Run {
  id: string;
  status: string;
  progress: { days: number; total: number } | null;
  summary: {
    trading_days: number;
    params: Record<string, unknown>;
    accounts: {
      final_balance: number;
      init_cash: number;
      close_profit: number;
      position_profit: number;
      commission: number;
      trades: number;
    }[];
  } | null;
  statistics: { metrics: Record<string, number | null> } | null;
  error: string | null;
}

/**
 * Issue 17 §6: the backtest service (built, worker threads, PostgreSQL): strategies, runs with
 * progress over server-sent events, results, validation, parameter sweeps ranked, restart.
 */
describe('backtest service (QARS, :8021)', () => {
  let database: TestDatabase;
  let app: AppProcess;
  let base = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'backtest-service-'));

  const start = async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = new AppProcess(
      'backtest',
      [],
      {
        BACKTEST_ADDR: `127.0.0.1:${port}`,
        DATABASE_URL: database.url,
        BACKTEST_DATA_DIR: dataDir,
        BACKTEST_THREADS: '2',
        BACKTEST_MAX_SWEEP: '12',
      },
      `${base}/health`,
    );
    await app.start();
  };

  beforeAll(async () => {
    database = await TestDatabase.create('backtest');
    await start();
  }, 60_000);
  afterAll(async () => {
    await app?.kill('SIGTERM');
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`);
    expect([path, response.status]).toEqual([path, 200]);
    return (await response.json()) as T;
  };
  const finished = (id: string) =>
    waitFor(
      async () => {
        const run = await get<Run>(`/api/runs/${id}`);
        return run.status === 'done' || run.status === 'failed' ? run : undefined;
      },
      { what: `run ${id} to finish`, timeoutMs: 120_000 },
    );

  it('lists the example strategies with their parameters', async () => {
    const strategies =
      await get<{ name: string; parameters: Record<string, { default: unknown }> }[]>(
        '/api/strategies',
      );
    expect(strategies.map((s) => s.name).sort()).toEqual([
      'ma-cross',
      'py-ma-cross',
      'rebalancer',
      'rsi-reversion',
    ]);
    expect(strategies.find((s) => s.name === 'ma-cross')?.parameters.fast?.default).toBe(5);
    expect(JSON.stringify(strategies)).not.toContain('/examples/'); // no server paths
  });

  it('runs a backtest on a worker thread, streams its progress and keeps its results', async () => {
    const response = await post('/api/runs', {
      strategy: 'ma-cross',
      instruments: ['SHFE.rb888'],
      from: '2026-02-02',
      to: '2026-02-27',
      frequency: '5m',
      params: { fast: 3, slow: 12 },
    });
    expect(response.status).toBe(202);
    const queued = (await response.json()) as Run;
    expect(['queued', 'running']).toContain(queued.status);
    // Server-sent events: progress per trading day, then done.
    const stream = await fetch(`${base}/api/runs/${queued.id}/events`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const text = await stream.text();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map(
        (line) =>
          JSON.parse(line.slice(6)) as { type: string; progress?: { days: number; total: number } },
      );
    expect(events.at(-1)?.type).toBe('done');
    const run = await finished(queued.id);
    expect(run.status).toBe('done');
    expect(run.summary?.params).toEqual({ fast: 3, slow: 12, lots: 1 });
    // Progress was reported per trading day up to the last one.
    expect(run.progress).toMatchObject({ days: 14, total: 14 });
    expect(run.summary?.trading_days).toBe(14); // 2026-02-02 … 02-27 without the Spring Festival week
    const account = run.summary!.accounts[0]!;
    expect(account.final_balance - account.init_cash).toBeCloseTo(
      account.close_profit + account.position_profit - account.commission,
      4,
    );
    expect(typeof run.statistics?.metrics.sharpe).toBe('number');
    const trades = await get<unknown[]>(`/api/runs/${run.id}/trades`);
    expect(trades.length).toBe(account.trades);
    const daily = await get<{ trading_day: string; qifi: { accounts: { balance: number } } }[]>(
      `/api/runs/${run.id}/daily`,
    );
    expect(daily).toHaveLength(14);
    expect(daily.at(-1)?.qifi.accounts.balance).toBeCloseTo(account.final_balance, 4);
    const equity = await get<[number, number][]>(`/api/runs/${run.id}/equity`);
    expect(equity.length).toBeGreaterThan(100);
    const report = await fetch(`${base}/api/runs/${run.id}/report`);
    expect(report.headers.get('content-type')).toContain('text/html');
    const html = await report.text();
    expect(html).toMatch(/ma-cross \{[^}]*&quot;slow&quot;:12[^}]*\} · SHFE\.rb888/);
    expect(html.match(/<svg/g)?.length).toBeGreaterThan(2);
    expect(await (await fetch(`${base}/api/runs/${run.id}/report?lang=zh`)).text()).toContain(
      '夏普',
    );
    expect((await fetch(`${base}/api/runs/${run.id}/report?lang=xx`)).status).toBe(400);
    // The replayed bars again, for the chart (the sources are deterministic): 5m and 1d.
    const bars = await get<number[][]>(`/api/runs/${run.id}/bars?instrument=SHFE.rb888`);
    expect(bars.length).toBeGreaterThan(500);
    const days = await get<number[][]>(
      `/api/runs/${run.id}/bars?instrument=SHFE.rb888&frequency=1d`,
    );
    expect(days).toHaveLength(14);
    expect(days[0]![1]).toBe(bars[0]![1]); // the first day opens with the first 5m bar
    // …and its volume is the day's 5m volumes summed.
    const firstDay = bars.filter((bar) => bar[0]! < days[1]![0]!);
    expect(days[0]![5]).toBe(firstDay.reduce((sum, bar) => sum + bar[5]!, 0));
    expect(
      (await fetch(`${base}/api/runs/${run.id}/bars?instrument=SHFE.rb888&frequency=1m`)).status,
    ).toBe(400);
    expect((await fetch(`${base}/api/runs/${run.id}/bars?instrument=DCE.m888`)).status).toBe(400);
    const listed = await get<Run[]>('/api/runs?limit=5');
    expect(listed.map((r) => r.id)).toContain(run.id);
  }, 120_000);

  it('refuses bad requests with the rule broken, in the REST error shape', async () => {
    const cases: [unknown, number, string][] = [
      [
        { strategy: 'nope', instruments: ['SHFE.rb888'], from: '2026-02-02', to: '2026-02-06' },
        404,
        'no strategy nope',
      ],
      [
        { strategy: 'ma-cross', instruments: [], from: '2026-02-02', to: '2026-02-06' },
        400,
        'instruments',
      ],
      [
        {
          strategy: 'ma-cross',
          instruments: ['SHFE.rb888'],
          from: '2026-02-02',
          to: '2026-02-06',
          cash: 1e308,
        },
        400,
        'cash',
      ],
      [
        {
          strategy: 'ma-cross',
          instruments: ['SHFE.rb888'],
          from: '2026-02-02',
          to: '2026-02-06',
          params: { fast: 1 },
        },
        400,
        'parameter fast must be ≥ 2',
      ],
      [
        {
          strategy: 'ma-cross',
          instruments: ['SHFE.rb888'],
          from: '2026-02-02',
          to: '2026-02-06',
          extra: 1,
        },
        400,
        'extra',
      ],
      [
        { strategy: 'ma-cross', instruments: ['SHFE.rb888'], from: '2000-01-04', to: '2026-02-06' },
        400,
        'at most',
      ],
      [
        { strategy: 'ma-cross', instruments: ['SHFE.rb888'], from: '2026-02-09', to: '2026-02-06' },
        400,
        'after',
      ],
      [
        { strategy: 'ma-cross', instruments: ['XXX.zz1'], from: '2026-02-02', to: '2026-02-06' },
        400,
        'the sim has no instrument XXX.zz1',
      ],
    ];
    for (const [body, status, message] of cases) {
      const response = await post('/api/runs', body);
      const answer = (await response.json()) as {
        statusCode: number;
        code: string;
        message: string | string[];
      };
      expect([message, response.status]).toEqual([message, status]);
      expect(answer.statusCode).toBe(status);
      expect(typeof answer.code).toBe('string');
      expect(JSON.stringify(answer.message)).toContain(message);
      if (status === 400 && message === 'cash')
        expect(answer).toMatchObject({ code: 'INVALID_REQUEST', details: [{ field: 'cash' }] });
    }
    expect((await fetch(`${base}/api/runs/not-a-uuid`)).status).toBe(400);
    expect((await fetch(`${base}/api/runs/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });

  it('sweeps a parameter grid as jobs on the worker threads, ranked in and out of sample, with walk-forward', async () => {
    const response = await post('/api/sweeps', {
      strategy: 'ma-cross',
      instruments: ['DCE.m888'],
      from: '2026-03-02',
      to: '2026-03-31',
      frequency: '15m',
      grid: { slow: [10, 20, 30], fast: [3, 5] },
      rank_by: 'sharpe',
      split: '2026-03-16',
      walk_forward: 2,
    });
    expect(response.status).toBe(202);
    const sweep = (await response.json()) as {
      id: string;
      total: number;
      order: string;
      executor: string;
    };
    expect(sweep).toMatchObject({ total: 6, order: 'desc', executor: 'threads' });
    interface View {
      progress: { done: number; failed: number; total: number };
      ranking: {
        rank: number;
        index: number;
        value: number | null;
        in_sample: number | null;
        out_of_sample: number | null;
        params: Record<string, number>;
        worker: string;
      }[];
      split_summary: { rank_correlation: number | null; winner_out_of_sample_rank: number | null };
      walk_forward_result: { folds: { chosen: number; test: string[] }[]; value: number | null };
    }
    let view = await get<View>(`/api/sweeps/${sweep.id}`);
    await waitFor(
      async () => (view = await get<View>(`/api/sweeps/${sweep.id}`)).progress.done === 6,
      {
        what: 'the sweep done',
        timeoutMs: 170_000,
      },
    );
    expect(view.progress).toEqual({ done: 6, failed: 0, total: 6 });
    expect(view.ranking).toHaveLength(6);
    // Ranked by the in-sample statistic (a split is set), best first.
    const inSample = view.ranking
      .map((row) => row.in_sample)
      .filter((v): v is number => v !== null);
    expect(inSample).toEqual([...inSample].sort((a, b) => b - a));
    expect(view.ranking.every((row) => row.worker === 'thread')).toBe(true);
    // Indexes follow the sorted parameter names: fast varies slowest.
    const byIndex = [...view.ranking]
      .sort((a, b) => a.index - b.index)
      .map((row) => `${row.params.fast}/${row.params.slow}`);
    expect(byIndex).toEqual(['3/10', '3/20', '3/30', '5/10', '5/20', '5/30']);
    expect(view.split_summary.winner_out_of_sample_rank).toBeGreaterThanOrEqual(1);
    expect(view.walk_forward_result.folds).toHaveLength(2);
    const tooBig = await post('/api/sweeps', {
      strategy: 'ma-cross',
      instruments: ['DCE.m888'],
      from: '2026-03-02',
      to: '2026-03-13',
      grid: { fast: [2, 3, 4, 5], slow: [10, 20, 30, 40] },
    });
    expect(tooBig.status).toBe(400);
    expect(JSON.stringify(await tooBig.json())).toContain('at most 12');
  }, 180_000);

  it('fails the runs a stop interrupted, and serves the finished ones after a restart', async () => {
    const done = (await get<Run[]>('/api/runs?limit=1'))[0]!;
    const response = await post('/api/runs', {
      strategy: 'ma-cross',
      instruments: ['SHFE.rb888'],
      from: '2024-01-02',
      to: '2026-02-27',
      frequency: '1m',
    });
    const long = (await response.json()) as Run;
    await app.kill('SIGKILL');
    await start();
    const interrupted = await get<Run>(`/api/runs/${long.id}`);
    expect(interrupted).toMatchObject({
      status: 'failed',
      error: 'interrupted: the service stopped',
    });
    expect((await get<Run>(`/api/runs/${done.id}`)).status).toBe('done');
  }, 60_000);
});
