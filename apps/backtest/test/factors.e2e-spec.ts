import { AppProcess, freePort, waitFor } from '@qautlra/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFactorJob } from '../src/factors/factor-job';

const INSTRUMENTS = [
  'SSE.600000',
  'SSE.600036',
  'SSE.601318',
  'SSE.600519',
  'SZSE.000001',
  'SZSE.000002',
  'SZSE.000858',
  'SZSE.300750',
];
const GROUPS = Object.fromEntries(INSTRUMENTS.map((id, i) => [id, ['bank', 'consumer'][i % 2]!]));

/** Issue 22 §5: factor studies over HTTP (the backtest service, built, worker threads). */
describe('backtest service: factor studies (/api/factors)', () => {
  let app: AppProcess;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = new AppProcess(
      'backtest',
      [],
      {
        BACKTEST_ADDR: `127.0.0.1:${port}`,
        DATABASE_URL: '',
        BACKTEST_DATA_DIR: mkdtempSync(join(tmpdir(), 'factors-')),
        BACKTEST_THREADS: '1',
      },
      `${base}/health`,
    );
    await app.start();
  }, 60_000);
  afterAll(() => app?.kill('SIGTERM'));

  const post = (body: unknown, route: 'analysis' | 'report' | 'sweeps' = 'analysis') =>
    fetch(`${base}/api/factors/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('lists the built-in factors and the expression language', async () => {
    const catalog = (await (await fetch(`${base}/api/factors`)).json()) as {
      builtins: { name: string; expression: string }[];
      functions: { name: string }[];
    };
    expect(catalog.builtins.map((b) => b.name)).toEqual(
      expect.arrayContaining(['momentum', 'reversal', 'volatility', 'volume_ratio', 'price_to_ma']),
    );
    expect(catalog.functions.map((f) => f.name)).toEqual(
      expect.arrayContaining(['rank', 'ts_mean', 'corr', 'cs_zscore']),
    );
  });

  it('analyses a factor on sim daily bars as the library does, with groups and a quantile backtest', async () => {
    const body = {
      instruments: INSTRUMENTS,
      from: '2025-11-03',
      to: '2026-01-30',
      expression: 'rank(ts_mean(close, 5) / close)',
      winsorize: 'mad',
      groups: GROUPS,
      periods: [1, 5],
      quantiles: 4,
      backtest: { every: 5 },
    };
    const response = await post(body);
    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      factor: string;
      rows: { total: number; kept: number; dropped: Record<string, number> };
      horizons: {
        period: number;
        rank_ic: (number | null)[];
        rank_ic_summary: { mean: number; count: number };
      }[];
      groups: { group: string }[];
      backtest: { account: { trades: number }; metrics: Record<string, number | null> };
    };
    expect(report.factor).toBe(body.expression);
    expect(report.horizons.map((h) => h.period)).toEqual([1, 5]);
    expect(report.rows.dropped.warm_up).toBeGreaterThan(0);
    expect(report.rows.kept + Object.values(report.rows.dropped).reduce((a, b) => a + b, 0)).toBe(
      report.rows.total,
    );
    for (const h of report.horizons) {
      expect(h.rank_ic_summary.count).toBeGreaterThan(20);
      for (const v of h.rank_ic) if (v !== null) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    }
    expect(report.groups.map((g) => g.group)).toEqual(['bank', 'consumer']);
    expect(report.backtest.account.trades).toBeGreaterThan(0);
    // The service's answer is the library's, computed here from the same request.
    const local = await runFactorJob({
      source: 'sim',
      instruments: INSTRUMENTS,
      from: body.from,
      to: body.to,
      factor: { expression: body.expression },
      preprocess: { winsorize: 'mad' },
      groups: GROUPS,
      periods: body.periods,
      quantiles: body.quantiles,
      backtest: body.backtest,
    });
    expect(JSON.parse(JSON.stringify(local))).toEqual(report);
  }, 120_000);

  it('renders the study as a factor tear sheet, escaping the expression', async () => {
    const response = await post(
      {
        instruments: INSTRUMENTS,
        from: '2025-11-03',
        to: '2026-01-30',
        expression: 'where(close < ts_mean(close, 5), 1, 0) * rank(volume)',
        periods: [1, 5],
        groups: GROUPS,
      },
      'report',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<code>where(close &lt; ts_mean(close, 5), 1, 0) * rank(volume)</code>');
    expect(page).toContain('By group: mean rank IC');
    expect(page).not.toContain('close < ts_mean');
  }, 120_000);

  it('sweeps factor variants as jobs, ranked by rank IC IR in and out of sample', async () => {
    const response = await post(
      {
        instruments: INSTRUMENTS,
        from: '2025-09-01',
        to: '2026-01-30',
        expression: 'rank(ts_mean(close, {n}) / close)',
        grid: { n: [3, 5, 10] },
        periods: [5],
        split: '20251201', // the compact form is taken as the ISO date
      },
      'sweeps',
    );
    expect(response.status).toBe(202);
    const sweep = (await response.json()) as { id: string; total: number; rank_by: string };
    expect(sweep).toMatchObject({ total: 3, rank_by: 'rank_ic_ir', split: '2025-12-01' });
    interface View {
      progress: { done: number; total: number; failed: number };
      ranking: {
        index: number;
        params: { n: number };
        value: number | null;
        in_sample: number | null;
        out_of_sample: number | null;
      }[];
    }
    const view = await waitFor(
      async () => {
        const current = (await (await fetch(`${base}/api/sweeps/${sweep.id}`)).json()) as View;
        return current.progress.done === 3 ? current : undefined;
      },
      { what: 'the factor sweep', timeoutMs: 90_000 },
    );
    expect(view.progress).toEqual({ done: 3, failed: 0, total: 3 });
    expect(view.ranking.map((r) => r.params.n).sort()).toEqual([10, 3, 5]);
    const inSample = view.ranking.map((r) => r.in_sample!);
    expect(inSample.every((v) => Number.isFinite(v))).toBe(true);
    expect(inSample).toEqual([...inSample].sort((a, b) => b - a));
    // The variant's whole-run rank IC IR (first horizon: 1 day, added for the portfolio) is the study's.
    const n3 = view.ranking.find((r) => r.params.n === 3)!;
    const study = (await (
      await post({
        instruments: INSTRUMENTS,
        from: '2025-09-01',
        to: '2026-01-30',
        expression: 'rank(ts_mean(close, 3) / close)',
        periods: [1, 5],
      })
    ).json()) as { horizons: { rank_ic_summary: { ir: number } }[] };
    expect(n3.value).toBeCloseTo(study.horizons[0]!.rank_ic_summary.ir, 10);
    const unused = await post(
      {
        instruments: INSTRUMENTS,
        from: '2025-09-01',
        to: '2026-01-30',
        expression: 'rank(close)',
        grid: { n: [1, 2] },
      },
      'sweeps',
    );
    expect([unused.status, await unused.text()]).toEqual([
      400,
      expect.stringMatching(/grid.n is not used: write \{n\}/),
    ]);
  }, 120_000);

  it('refuses bad studies with the rule broken (400), and a loss over max_loss with the counts', async () => {
    const base = { instruments: INSTRUMENTS, from: '2025-11-03', to: '2025-12-31' };
    const cases: [unknown, RegExp][] = [
      [{ ...base, expression: 'nosuch(close)' }, /UNKNOWN_FUNCTION.*unknown function nosuch/],
      [{ ...base, expression: 'close +' }, /EXPRESSION_SYNTAX/],
      [{ ...base, expression: 'price' }, /UNKNOWN_COLUMN/],
      [{ ...base }, /name one of expression, builtin or indicator/],
      [{ ...base, builtin: 'momentum', indicator: 'RSI(14)' }, /name one of/],
      [{ ...base, builtin: 'momentum', neutralize: true }, /neutralize needs groups/],
      [{ ...base, instruments: ['SSE.600000'], builtin: 'momentum' }, /instruments/],
      [{ ...base, from: '2015-01-05', to: '2026-01-30', builtin: 'momentum' }, /at most 2500/],
      [
        {
          ...base,
          instruments: Array.from(
            { length: 300 },
            (_, k) => `SSE.600${String(k).padStart(3, '0')}`,
          ),
          from: '2023-01-03',
          to: '2026-01-30',
          builtin: 'momentum',
        },
        /300 instruments × \d+ trading days is more than 150,000 rows/,
      ],
      [{ ...base, builtin: 'momentum', window: 20, max_loss: 0.05 }, /MAX_LOSS_EXCEEDED.*warm_up/],
      [{ ...base, indicator: 'NOPE(3)' }, /UNKNOWN_INDICATOR/],
    ];
    for (const [body, expected] of cases) {
      const response = await post(body);
      const text = (await response.text()).slice(0, 2000);
      expect([response.status, text]).toEqual([400, expect.stringMatching(expected)]);
    }
  }, 120_000);
});
