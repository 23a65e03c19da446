import {
  ConfigError,
  Env,
  LogLevel,
  parseAddress,
  parsePositiveInteger,
  readLogLevel,
  readOptionalString,
  readString,
} from '@qautlra/platform';
import { bundledStrategyDir } from '@qautlra/strategies';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

/** The backtest service's configuration (env; `process.env` is read nowhere else). */
export interface BacktestConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; absent → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /**
   * Folders whose `*.ts` / `*.js` files are the strategies offered (first wins on a name); default
   * the repository's `examples/strategies`.
   */
  strategyDirs: string[];
  /** Worker threads running backtests at once. */
  threads: number;
  /** Most parameter combinations in one sweep. */
  maxSweep: number;
  /** Largest result kept per run (JSON bytes); larger results keep their daily records lean. */
  maxResultBytes: number;
  /**
   * Where sweep jobs run: `threads` (this service's worker threads) or `redis` (a BullMQ queue on
   * `REDIS_URL` that `npm run sweep-worker` processes take from, on any machine; results in PostgreSQL,
   * so it needs `DATABASE_URL`). `auto` (default): `redis` when both are set.
   */
  sweepExecutor: 'threads' | 'redis';
  redisUrl?: string;
  /** The BullMQ queue of sweep jobs. */
  sweepQueue: string;
  /** A worker's job lock (ms): a job whose worker stops renewing it for this long is done by another. */
  sweepLockMs: number;
  /** The time-series DB whose tick stream runs with `source: "tsdb"` replay. */
  tsdb: { url: string; user: string; password: string; stream: string };
  logLevel: LogLevel;
}

export function loadBacktestConfig(env: Env = process.env): BacktestConfig {
  const { host, port } = parseAddress(
    readString(env, 'BACKTEST_ADDR', '127.0.0.1:8021'),
    'BACKTEST_ADDR',
  );
  const redisUrl = readOptionalString(env, 'REDIS_URL');
  const databaseUrl = readOptionalString(env, 'DATABASE_URL');
  const wanted = readString(env, 'BACKTEST_SWEEPS', 'auto');
  if (!['auto', 'threads', 'redis'].includes(wanted))
    throw new ConfigError('BACKTEST_SWEEPS', 'must be auto, threads or redis');
  if (wanted === 'redis' && (!redisUrl || !databaseUrl))
    throw new ConfigError(
      'BACKTEST_SWEEPS',
      'redis sweeps need REDIS_URL (the queue) and DATABASE_URL (PostgreSQL: the workers write the results)',
    );
  return {
    host,
    port,
    databaseUrl,
    redisUrl,
    sweepExecutor:
      wanted === 'redis' || (wanted === 'auto' && redisUrl && databaseUrl) ? 'redis' : 'threads',
    sweepQueue: readString(env, 'BACKTEST_SWEEP_QUEUE', 'qautlra-backtest-sweeps'),
    sweepLockMs: parsePositiveInteger(env.BACKTEST_SWEEP_LOCK_MS, 'BACKTEST_SWEEP_LOCK_MS', 30_000),
    dataDir: readString(env, 'BACKTEST_DATA_DIR', './data/backtest'),
    strategyDirs: readString(env, 'BACKTEST_STRATEGY_DIRS', bundledStrategyDir())
      .split(',')
      .map((dir) => resolve(dir.trim()))
      .filter(Boolean),
    threads: parsePositiveInteger(
      env.BACKTEST_THREADS,
      'BACKTEST_THREADS',
      Math.max(1, availableParallelism() - 1),
    ),
    maxSweep: parsePositiveInteger(env.BACKTEST_MAX_SWEEP, 'BACKTEST_MAX_SWEEP', 200),
    maxResultBytes: parsePositiveInteger(
      env.BACKTEST_MAX_RESULT_BYTES,
      'BACKTEST_MAX_RESULT_BYTES',
      64 * 1024 * 1024,
    ),
    tsdb: {
      url: readString(env, 'BACKTEST_TSDB_URL', 'http://127.0.0.1:18000'),
      user: readString(env, 'P_USERNAME', 'admin'),
      password: readString(env, 'P_PASSWORD', 'admin'),
      stream: readString(env, 'BACKTEST_TSDB_STREAM', 'market_data'),
    },
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
  };
}
