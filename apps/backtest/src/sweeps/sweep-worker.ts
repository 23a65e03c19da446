import { Worker } from 'bullmq';
import { createRedis, openAppDatabase } from '@qautlra/platform';
import { StrategyCatalog } from '@qautlra/strategies';
import { hostname } from 'node:os';
import { loadBacktestConfig } from '../config';
import { RunPool } from '../runs/run-pool';
import { BACKTEST_MIGRATIONS, type BacktestDatabase } from '../store/run-store';
import { failedOutcome, type SweepJob } from './sweep-job';
import { SweepStore } from './sweep-store';

/**
 * `npm run sweep-worker`: a worker process of the backtest service's sweeps. Start any number, on any
 * machine with this repository, pointed at the same Redis and PostgreSQL (`REDIS_URL`, `DATABASE_URL`,
 * `BACKTEST_SWEEP_QUEUE`): each takes sweep jobs from the BullMQ queue, runs them on its worker threads
 * (`BACKTEST_THREADS` at once, so the event loop keeps renewing the jobs' locks) and writes each result to
 * PostgreSQL, where the first result of a combination stays. A worker that dies leaves its jobs' locks to
 * expire (`BACKTEST_SWEEP_LOCK_MS`); another worker then does them. One JSON line per job on stdout.
 */
async function main(): Promise<void> {
  const config = loadBacktestConfig();
  if (!config.redisUrl || !config.databaseUrl) {
    console.error(
      'sweep-worker: set REDIS_URL (the queue) and DATABASE_URL (PostgreSQL, where results go)',
    );
    process.exit(2);
  }
  const handle = await openAppDatabase<BacktestDatabase>({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    migrations: BACKTEST_MIGRATIONS,
    migrationTable: 'backtest_migration',
  });
  const store = new SweepStore(handle.db);
  const catalog = new StrategyCatalog(config.strategyDirs);
  const pool = new RunPool(config.threads);
  const name = `${hostname()}:${process.pid}`;
  const connection = createRedis(config.redisUrl, 'backtest-sweep-worker');
  const worker = new Worker<SweepJob>(
    config.sweepQueue,
    async (job) => {
      const data = job.data;
      console.log(JSON.stringify({ worker: name, sweep: data.sweepId, start: data.index }));
      const entry = data.factor ? undefined : catalog.get(data.strategy);
      const study = (data.factor ?? data.request)!;
      const request = study.source === 'tsdb' ? { ...study, tsdb: config.tsdb } : study;
      const outcome =
        data.factor || entry
          ? await pool.sweep({ job: data, file: entry?.file ?? '', request })
          : failedOutcome(data.index, data.params, `this worker has no strategy ${data.strategy}`);
      const kept = await store.saveResult(data.sweepId, outcome, name);
      console.log(JSON.stringify({ worker: name, sweep: data.sweepId, index: data.index, kept }));
    },
    {
      connection,
      concurrency: config.threads,
      lockDuration: config.sweepLockMs,
      stalledInterval: Math.max(1_000, Math.floor(config.sweepLockMs / 2)),
      maxStalledCount: 10,
    },
  );
  worker.on('error', (error) =>
    console.error(JSON.stringify({ worker: name, error: error.message })),
  );
  await worker.waitUntilReady();
  console.log(
    JSON.stringify({
      worker: name,
      ready: true,
      queue: config.sweepQueue,
      threads: config.threads,
    }),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.close();
    await pool.close();
    connection.disconnect();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`sweep-worker: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
