import {
  Env,
  LogLevel,
  parseAddress,
  parsePositiveInteger,
  readLogLevel,
  readOptionalString,
  readString,
} from '@qautlra/platform';
import { bundledStrategyDir } from '@qautlra/strategies';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/** The live strategy runtime's configuration (env; `process.env` is read nowhere else). */
export interface StrategyConfig {
  host: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  /** Folders whose strategy files are offered (the backtests' by default). */
  strategyDirs: string[];
  /** The gateway's `/ws/market`, the trade server's DIFF socket and its broker id. */
  marketUrl: string;
  tradeUrl: string;
  broker: string;
  /** Where warm-up history comes from. */
  tsdb: { url: string; user: string; password: string; stream: string };
  /** Bearer token of the REST API and the Socket.IO namespace. */
  apiToken: string;
  apiTokenGenerated: boolean;
  /** Most instances at once. */
  maxInstances: number;
  /** Python strategies: longest a callback may take before the instance is held (ms). */
  pythonTimeoutMs: number;
  logLevel: LogLevel;
}

export function loadStrategyConfig(env: Env = process.env): StrategyConfig {
  const { host, port } = parseAddress(
    readString(env, 'STRATEGY_ADDR', '127.0.0.1:8022'),
    'STRATEGY_ADDR',
  );
  const token = readOptionalString(env, 'STRATEGY_API_TOKEN');
  return {
    host,
    port,
    databaseUrl: readOptionalString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'STRATEGY_DATA_DIR', './data/strategy'),
    strategyDirs: readString(env, 'STRATEGY_DIRS', bundledStrategyDir())
      .split(',')
      .map((dir) => resolve(dir.trim()))
      .filter(Boolean),
    marketUrl: readString(env, 'STRATEGY_MARKET_URL', 'ws://127.0.0.1:8014/ws/market'),
    tradeUrl: readString(env, 'STRATEGY_TRADE_URL', 'ws://127.0.0.1:7988/ws/trade'),
    broker: readString(env, 'STRATEGY_BROKER', 'sim'),
    tsdb: {
      url: readString(env, 'STRATEGY_TSDB_URL', 'http://127.0.0.1:18000'),
      user: readString(env, 'P_USERNAME', 'admin'),
      password: readString(env, 'P_PASSWORD', 'admin'),
      stream: readString(env, 'STRATEGY_TSDB_STREAM', 'market_data'),
    },
    apiToken: token ?? randomBytes(24).toString('base64url'),
    apiTokenGenerated: token === undefined,
    maxInstances: parsePositiveInteger(env.STRATEGY_MAX_INSTANCES, 'STRATEGY_MAX_INSTANCES', 50),
    pythonTimeoutMs: parsePositiveInteger(
      env.STRATEGY_PYTHON_TIMEOUT_MS,
      'STRATEGY_PYTHON_TIMEOUT_MS',
      5_000,
    ),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
  };
}
