/**
 * `npm run bench:fund` — full statistics (every metric, benchmark-relative ones, drawdown periods,
 * trailing and calendar rows) for BENCH_PRODUCTS (1,000) NAV series × BENCH_POINTS (2,500) daily
 * points against one benchmark, quantstats convention.
 *
 * Baseline in the same run: the same batch computed on the main thread, one series after another.
 * Then the same batch through the fund service's worker pool (piscina, one thread per core), after
 * a warm-up batch that starts the threads. Both must give the same numbers.
 */
import { availableParallelism } from 'node:os';
import { resolveConvention } from '@qautlra/analytics';
import { AnalysisPool } from '../../apps/fund-analytics/src/compute/analysis-pool';
import { AnalysisTask, runAnalysisTask } from '../../apps/fund-analytics/src/compute/analysis-task';
import { syntheticNav, weekdays } from '../../apps/fund-analytics/src/demo/synthetic-nav';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1000);
const POINTS = Number(process.env.BENCH_POINTS ?? 2500);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());

async function main(): Promise<void> {
  const dates = weekdays('2015-01-05', POINTS);
  const benchmark = syntheticNav(POINTS, { seed: 1, drift: 0.0002, vol: 0.012 });
  const series = Array.from({ length: PRODUCTS }, (_, i) =>
    syntheticNav(POINTS, {
      seed: 100 + i,
      drift: 0.0001 + (i % 7) * 0.00005,
      vol: 0.004 + (i % 11) * 0.001,
      beta: 0.6,
      market: benchmark,
    }),
  );
  const task: AnalysisTask = {
    dates,
    convention: resolveConvention('quantstats'),
    series,
    benchmark,
  };
  console.log(
    `bench:fund — ${PRODUCTS} products × ${POINTS} daily points, full statistics vs a benchmark, ${THREADS} worker threads`,
  );

  const t0 = performance.now();
  const single = runAnalysisTask(task);
  const singleMs = performance.now() - t0;

  const pool = new AnalysisPool({ threads: THREADS });
  if (!pool.parallel) throw new Error('the worker pool is not available (run from dist)');
  await pool.run({ ...task, series: series.slice(0, THREADS * 4) }, { parallel: true }); // warm-up
  const t1 = performance.now();
  const { mode, results } = await pool.run(task, { parallel: true });
  const workersMs = performance.now() - t1;
  await pool.close();

  if (mode !== 'workers') throw new Error(`pool ran ${mode}`);
  let mismatches = 0;
  results.forEach((result, i) => {
    if (JSON.stringify(result) !== JSON.stringify(single[i])) mismatches += 1;
  });
  const errors = results.filter((result) => 'error' in result).length;
  const first = single[0]!;
  const metricCount = 'metrics' in first ? Object.keys(first.metrics).length : 0;

  console.log(
    `statistics per product: ${metricCount} metrics + drawdown, trailing and calendar rows`,
  );
  console.log('| path | total | per product | products/s |');
  console.log('|---|---|---|---|');
  const row = (name: string, ms: number) =>
    console.log(
      `| ${name} | ${(ms / 1000).toFixed(2)} s | ${(ms / PRODUCTS).toFixed(2)} ms | ${Math.round((PRODUCTS / ms) * 1000)} |`,
    );
  row('main thread, one after another (baseline)', singleMs);
  row(`worker threads ×${THREADS} (piscina)`, workersMs);
  console.log(`speed-up: ${(singleMs / workersMs).toFixed(2)}× on ${availableParallelism()} cores`);
  console.log(
    `results identical: ${mismatches === 0 ? 'yes' : `no (${mismatches} differ)`}; errors: ${errors}`,
  );
  if (mismatches > 0 || errors > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
