import { freePort, serviceUrls, TestDatabase, waitFor } from '@qautlra/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The sweep half of bench:factors: one grid (`BENCH_SWEEP_SIZE` combinations of ma-cross over a month of
 * 15-minute bars) through the backtest service's BullMQ queue with 1, 2 and 4 worker processes on this
 * machine (real Redis and PostgreSQL), each worker one thread. Efficiency per process = (time with 1) /
 * (k × time with k): 1.0 is perfect scaling; on a 2-core machine 4 processes cannot pass 0.5.
 */
const ROOT = join(__dirname, '..', '..', '..');

export interface ScalingRow {
  workers: number;
  seconds: number;
  perSecond: number;
  efficiency: number;
}

export async function sweepScaling(
  size: number,
  counts: readonly number[] = [1, 2, 4],
): Promise<ScalingRow[]> {
  const database = await TestDatabase.create('sweep_bench');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const queue = `sweep-bench-${randomUUID()}`;
  const env = {
    REDIS_URL: serviceUrls.redis,
    DATABASE_URL: database.url,
    BACKTEST_SWEEP_QUEUE: queue,
  };
  const app = spawn(process.execPath, [join(ROOT, 'dist/apps/backtest/src/main.js')], {
    env: {
      ...process.env,
      ...env,
      LOG_LEVEL: 'warn',
      BACKTEST_ADDR: `127.0.0.1:${port}`,
      BACKTEST_DATA_DIR: mkdtempSync(join(tmpdir(), 'sweep-bench-')),
      BACKTEST_MAX_SWEEP: String(size),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitFor(
    async () => {
      if (app.exitCode !== null) throw new Error('the backtest service exited');
      try {
        return (await fetch(`${base}/health`)).ok;
      } catch {
        return false;
      }
    },
    { what: 'the backtest service', timeoutMs: 60_000 },
  );
  const rows: ScalingRow[] = [];
  try {
    for (const count of counts) {
      const workers: ChildProcess[] = [];
      const ready: boolean[] = [];
      for (let k = 0; k < count; k += 1) {
        const child = spawn(
          process.execPath,
          [join(ROOT, 'dist/apps/backtest/src/sweeps/sweep-worker.js')],
          {
            env: { ...process.env, ...env, BACKTEST_THREADS: '1' },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('"ready":true')) ready[k] = true;
        });
        workers.push(child);
      }
      await waitFor(() => ready.filter(Boolean).length === count, {
        what: 'workers ready',
        timeoutMs: 60_000,
      });
      const fast = Array.from({ length: 10 }, (_, k) => 2 + k);
      const slow = Array.from({ length: Math.ceil(size / 10) }, (_, k) => 15 + 5 * k);
      const started = performance.now();
      const response = await fetch(`${base}/api/sweeps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          strategy: 'ma-cross',
          instruments: ['SHFE.rb888'],
          from: '2026-03-02',
          to: '2026-03-31',
          frequency: '15m',
          grid: { fast, slow },
        }),
      });
      if (response.status !== 202)
        throw new Error(`POST /api/sweeps: ${response.status} ${await response.text()}`);
      const { id, total } = (await response.json()) as { id: string; total: number };
      await waitFor(
        async () =>
          (
            (await (await fetch(`${base}/api/sweeps/${id}`)).json()) as {
              progress: { done: number };
            }
          ).progress.done === total,
        { what: 'the sweep', timeoutMs: 1_800_000, intervalMs: 100 },
      );
      const seconds = (performance.now() - started) / 1000;
      for (const child of workers) child.kill('SIGTERM');
      await Promise.all(
        workers.map((child) => new Promise((resolve) => child.once('exit', resolve))),
      );
      const first = rows[0]?.seconds ?? seconds;
      rows.push({
        workers: count,
        seconds,
        perSecond: total / seconds,
        efficiency: first / (count * seconds),
      });
    }
  } finally {
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGTERM');
    await exited;
    await database.drop();
  }
  return rows;
}
