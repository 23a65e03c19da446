import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFactor, evaluateExpression, Panel } from '@qautlra/factors';
import { sweepScaling } from './sweep-scaling';
import { seededRandom } from '@qautlra/sim';

/**
 * npm run bench:factors — 5,000 instruments × 2,500 dates (12.5 M rows, `BENCH_INSTRUMENTS`, `BENCH_DATES`):
 * the factor expression rank(ts_mean(close, 20) / close), forward returns at 1/5/20, IC + rank IC, quintile
 * returns, turnover — libs/factors (in a child process, for its own peak RSS) against the same computation in
 * pandas the way alphalens does it (bench/factors/factors_pandas.py, Debian's python3-pandas), same run,
 * same data. Target: ≥ 3× faster than pandas. Then a sweep's scaling over 1, 2 and 4 worker processes
 * (bench/factors/sweep-scaling.ts; `BENCH_SWEEP_SIZE`, default 200; `BENCH_SWEEP=0` skips it).
 */
const N = Number(process.env.BENCH_INSTRUMENTS ?? 5_000);
const D = Number(process.env.BENCH_DATES ?? 2_500);
const EXPRESSION = 'rank(ts_mean(close, 20) / close)';

/** Closes: random walks with a common market factor, late listings and 1 % suspended days. */
function generate(file: string): void {
  const next = seededRandom(22);
  const values = new Float64Array(D * N);
  const price = Float64Array.from({ length: N }, () => 5 + 95 * next());
  const listed = Int32Array.from({ length: N }, () =>
    next() < 0.1 ? Math.floor(next() * D * 0.5) : 0,
  );
  for (let d = 0; d < D; d += 1) {
    const market = 0.01 * (next() - 0.5);
    for (let i = 0; i < N; i += 1) {
      price[i] = price[i]! * (1 + market + 0.03 * (next() - 0.5));
      values[d * N + i] = d < listed[i]! || next() < 0.01 ? Number.NaN : price[i]!;
    }
  }
  writeFileSync(file, Buffer.from(values.buffer));
}

interface Side {
  seconds: number;
  steps: Record<string, number>;
  peakRssMiB: number;
  kept: number;
  rankIcMean: number[];
  icMean: number[];
  topQuantileMean: number[];
  turnoverTop: number[];
}

/** The libs/factors side (run as a child: `node factors.bench.js --ours file`). */
function ours(file: string): Side {
  const steps: Record<string, number> = {};
  const t0 = performance.now();
  let mark = t0;
  const step = (name: string): void => {
    const now = performance.now();
    steps[name] = (now - mark) / 1000;
    mark = now;
  };
  const buffer = readFileSync(file);
  const values = new Float64Array(buffer.buffer, buffer.byteOffset, D * N);
  const dates = Array.from({ length: D }, (_, d) => String(d));
  const instruments = Array.from({ length: N }, (_, i) => String(i));
  const close = new Panel(dates, instruments, values);
  step('load');
  const factor = evaluateExpression(EXPRESSION, { close });
  step('expression');
  const result = analyzeFactor({ factor, prices: close, periods: [1, 5, 20], quantiles: 5 });
  step('analysis (forward returns, clean, quantiles, IC + rank IC, quantile returns, turnover, …)');
  return {
    seconds: (performance.now() - t0) / 1000,
    steps,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    kept: result.rows.kept,
    rankIcMean: result.horizons.map((h) => h.rankIcSummary.mean),
    icMean: result.horizons.map((h) => h.icSummary.mean),
    topQuantileMean: result.horizons.map((h) => h.quantileMean[4]!),
    turnoverTop: result.horizons.map((h) => h.turnoverMean[4]!),
  };
}

function python(): string {
  const out = execFileSync(
    'bash',
    [join(__dirname, '..', '..', '..', 'scripts', 'ensure-python.sh')],
    {
      encoding: 'utf8',
    },
  );
  return out.trim().split('\n').pop()!;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--ours') {
    console.log(JSON.stringify(ours(process.argv[3]!)));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-factors-'));
  const file = join(dir, 'close.f64');
  console.log(
    `bench:factors — ${N.toLocaleString('en')} instruments × ${D.toLocaleString('en')} dates (${((N * D) / 1e6).toFixed(1)} M rows), ${EXPRESSION}, horizons 1/5/20, quintiles`,
  );
  generate(file);
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=8192', __filename, '--ours', file],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  if (child.status !== 0) throw new Error(`libs/factors side failed: ${child.stderr}`);
  const mine = JSON.parse(child.stdout) as Side;
  const script = join(__dirname, '..', '..', '..', 'bench', 'factors', 'factors_pandas.py');
  const theirs = JSON.parse(
    execFileSync(python(), [script, file, String(D), String(N)], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    }),
  ) as Side;
  const row = (name: string, side: Side) =>
    `${name.padEnd(12)} ${side.seconds.toFixed(2).padStart(9)} s ${side.peakRssMiB.toFixed(0).padStart(8)} MiB   ${side.kept.toLocaleString('en').padStart(12)} rows kept`;
  console.log('\nside           total        peak RSS');
  console.log(row('libs/factors', mine));
  console.log(row('pandas', theirs));
  console.log('\nsteps, libs/factors:');
  for (const [name, s] of Object.entries(mine.steps))
    console.log(`  ${name.padEnd(90)} ${s.toFixed(2).padStart(7)} s`);
  console.log('steps, pandas (alphalens way):');
  for (const [name, s] of Object.entries(theirs.steps))
    console.log(`  ${name.padEnd(90)} ${s.toFixed(2).padStart(7)} s`);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(6)).join(' / ');
  console.log('\nsame results (1/5/20):');
  console.log(`  mean rank IC  ours ${fmt(mine.rankIcMean)}   pandas ${fmt(theirs.rankIcMean)}`);
  console.log(`  mean IC       ours ${fmt(mine.icMean)}   pandas ${fmt(theirs.icMean)}`);
  console.log(
    `  top quintile  ours ${fmt(mine.topQuantileMean)}   pandas ${fmt(theirs.topQuantileMean)}`,
  );
  console.log(`  top turnover  ours ${fmt(mine.turnoverTop)}   pandas ${fmt(theirs.turnoverTop)}`);
  const ratio = theirs.seconds / mine.seconds;
  console.log(
    `\nspeed: libs/factors is ${ratio.toFixed(2)}× pandas (target ≥ 3×); peak RSS ${(mine.peakRssMiB / theirs.peakRssMiB).toFixed(2)}× pandas'`,
  );
  if (process.env.BENCH_SWEEP === '0') return;
  const size = Number(process.env.BENCH_SWEEP_SIZE ?? 200);
  console.log(
    `\nsweep scaling — ${size} combinations of ma-cross (SHFE.rb888, March 2026, 15m) over BullMQ worker processes:`,
  );
  console.log('workers   seconds   combinations/s   efficiency per process');
  for (const row of await sweepScaling(size))
    console.log(
      `${String(row.workers).padStart(7)} ${row.seconds.toFixed(2).padStart(9)} ${row.perSecond.toFixed(2).padStart(16)} ${row.efficiency.toFixed(2).padStart(24)}`,
    );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
