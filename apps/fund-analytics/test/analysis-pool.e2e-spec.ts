import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConvention } from '@qautlra/analytics';
import type { AnalysisPool as Pool } from '../src/compute/analysis-pool';
import { runAnalysisTask } from '../src/compute/analysis-task';
import { syntheticNav, weekdays } from '../src/demo/synthetic-nav';

/** The built pool: its worker threads run the compiled worker (`npm run build` comes first). */
const BUILT = join(__dirname, '../../../dist/apps/fund-analytics/src/compute/analysis-pool.js');

describe('analysis pool (piscina worker threads, built code)', () => {
  let pool: Pool;

  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
    const { AnalysisPool } = (await import(BUILT)) as { AnalysisPool: typeof Pool };
    pool = new AnalysisPool({ threads: 2, minParallel: 8 });
  });

  afterAll(async () => {
    await pool?.close();
  });

  const dates = weekdays('2020-01-06', 400);
  const market = syntheticNav(400, { seed: 7, drift: 0.0003, vol: 0.01 });
  const series = Array.from({ length: 40 }, (_, i) =>
    syntheticNav(400, { seed: 50 + i, drift: 0.0002, vol: 0.006, beta: 0.7, market }),
  );
  const task = { dates, convention: resolveConvention('quantstats'), series, benchmark: market };

  it('a large batch goes to the workers and gives exactly the main thread’s results, in order', async () => {
    expect(pool.parallel).toBe(true);
    const { mode, results } = await pool.run(task);
    expect(mode).toBe('workers');
    expect(results).toHaveLength(40);
    expect(JSON.parse(JSON.stringify(results))).toEqual(
      JSON.parse(JSON.stringify(runAnalysisTask(task))),
    );
  });

  it('a small batch is computed inline; a bad series yields its error, the others their results', async () => {
    const small = await pool.run({ ...task, series: series.slice(0, 3) });
    expect(small.mode).toBe('inline');
    const broken = Float64Array.from(series[0]!);
    broken[10] = -1;
    const { mode, results } = await pool.run({ ...task, series: [...series.slice(0, 9), broken] });
    expect(mode).toBe('workers');
    expect(results[9]).toEqual({ error: `NAV on ${dates[10]} must be a positive number, got -1` });
    expect(results.slice(0, 9).every((result) => 'metrics' in result)).toBe(true);
  });
});
