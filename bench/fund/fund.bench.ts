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

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 1000);
const POINTS = Number(process.env.BENCH_POINTS ?? 2500);
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());

/** Deterministic PRNG (mulberry32) and normal draws (Box–Muller). */
function random(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function businessDays(count: number): string[] {
  const out: string[] = [];
  for (let day = Date.UTC(2015, 0, 5); out.length < count; day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(new Date(day).toISOString().slice(0, 10));
  }
  return out;
}

function navSeries(count: number, seed: number, drift: number, vol: number, market?: Float64Array) {
  const normal = random(seed);
  const navs = new Float64Array(count);
  let nav = 1;
  for (let i = 0; i < count; i += 1) {
    if (i > 0) {
      const marketMove = market ? market[i]! / market[i - 1]! - 1 : 0;
      nav *= 1 + drift + 0.6 * marketMove + vol * normal();
    }
    navs[i] = nav;
  }
  return navs;
}

async function main(): Promise<void> {
  const dates = businessDays(POINTS);
  const benchmark = navSeries(POINTS, 1, 0.0002, 0.012);
  const series = Array.from({ length: PRODUCTS }, (_, i) =>
    navSeries(POINTS, 100 + i, 0.0001 + (i % 7) * 0.00005, 0.004 + (i % 11) * 0.001, benchmark),
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
