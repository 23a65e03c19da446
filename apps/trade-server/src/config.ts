import { isFrontAddress, libraryFor } from '@qautlra/ctp';
import type { CtpBrokerConfig } from './broker/ctp-broker';
import {
  ConfigError,
  Env,
  LogLevel,
  parseAddress,
  parsePositiveInteger,
  readBoolean,
  readLogLevel,
  readOptionalString,
  readString,
} from '@qautlra/platform';

/** The trade server's configuration (env; `process.env` is read nowhere else). */
export interface TradeServerConfig {
  host: string;
  /** DIFF WebSocket (`/`, `/ws/trade`), REST and `/api/docs` on one port (the original trader's default 7988). */
  port: number;
  /** PostgreSQL URL; absent → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Redis for BullMQ and pub/sub; absent → in-process queue and bus. */
  redisUrl?: string;
  /** The market-data gateway's `/ws/market`, the sim broker's quotes. */
  marketUrl: string;
  /** `bid` values of `req_login` that name the sim broker (the original trader sends `simnow`). */
  brokerAliases: string[];
  /** Jobs the broker worker has in flight (matching runs in queue order; the commit is shared). */
  workerConcurrency: number;
  /**
   * The least time between two group commits of the store, ms (what is staged meanwhile joins the
   * next one); 0 writes back to back.
   */
  commitIntervalMs: number;
  /** The broker lease's time to live among instances on one Redis, ms. */
  leaseMs: number;
  /** Offer permessage-deflate on the DIFF socket (off by default: it costs latency per frame). */
  websocketDeflate: boolean;
  /** Prefix of every Redis key and channel (instances serving the same users share it). */
  namespace: string;
  /** JWT signing secret for REST (absent → a random one per process: tokens die with it). */
  jwtSecret?: string;
  /** Fill outside trading sessions (the newcomer's `npm start` at any hour). */
  alwaysOpen: boolean;
  /**
   * Token of the account monitor socket (`/ws/monitor`, e.g. for the realtime service); admins'
   * JWTs and API keys are taken there too. Absent → admins only.
   */
  monitorToken?: string;
  /** The demo user created at start when missing (`demo` / `demo`, a sim account funded with `cash`). */
  demo?: { user: string; password: string; cash: number };
  logLevel: LogLevel;
  /** The `ctp` broker (TRADE_CTP_FRONT set): investors trading through CTP sessions (docs/ctp.md). */
  ctp?: CtpBrokerConfig & { aliases: string[] };
}

/**
 * `TRADE_CTP_ACCOUNTS`: `user:investor:password,…` — the trade-server user, the CTP investor id (also the
 * account's cookie) and the CTP password (kept in memory, sent only to the CTP front).
 */
function loadCtp(env: Env, dataDir: string): TradeServerConfig['ctp'] {
  const frontAddr = readOptionalString(env, 'TRADE_CTP_FRONT');
  if (!frontAddr) return undefined;
  if (!isFrontAddress(frontAddr))
    throw new ConfigError(
      'TRADE_CTP_FRONT',
      'must be tcp://host:port (or script:///path for the fake front)',
    );
  const library = libraryFor('trader', frontAddr, readOptionalString(env, 'TRADE_CTP_LIBRARY'));
  if (!library)
    throw new ConfigError(
      'TRADE_CTP_LIBRARY',
      "must be the path of thosttraderapi_se.so (SFIT's or openctp's)",
    );
  const accounts = readString(env, 'TRADE_CTP_ACCOUNTS', '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [userName, investorId, ...rest] = entry.split(':');
      const password = rest.join(':');
      if (!userName || !investorId || !/^[A-Za-z0-9_.-]{1,15}$/.test(investorId))
        throw new ConfigError(
          'TRADE_CTP_ACCOUNTS',
          'must be user:investor:password,… (investor ids of up to 15 letters and digits)',
        );
      return { userName, investorId, password };
    });
  return {
    library,
    frontAddr,
    brokerId: readString(env, 'TRADE_CTP_BROKER_ID', ''),
    appId: readString(env, 'TRADE_CTP_APP_ID', ''),
    authCode: readString(env, 'TRADE_CTP_AUTH_CODE', ''),
    flowPath: readString(env, 'TRADE_CTP_FLOW_PATH', `${dataDir}/ctp-flow`),
    accounts,
    aliases: readString(env, 'TRADE_CTP_BROKER_IDS', 'ctp')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  };
}

export function loadConfig(env: Env = process.env): TradeServerConfig {
  const { host, port } = parseAddress(
    readString(env, 'TRADE_SERVER_ADDR', '0.0.0.0:7988'),
    'TRADE_SERVER_ADDR',
  );
  const demoEnabled = readBoolean(env, 'TRADE_DEMO', true);
  const cashText = readString(env, 'TRADE_DEMO_CASH', '1000000');
  const cash = Number(cashText);
  if (!(cash > 0) || !Number.isFinite(cash))
    throw new ConfigError(
      'TRADE_DEMO_CASH',
      `must be a positive amount, got ${JSON.stringify(cashText)}`,
    );
  return {
    host,
    port,
    databaseUrl: readOptionalString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'TRADE_DATA_DIR', './data/trade-server'),
    redisUrl: readOptionalString(env, 'REDIS_URL'),
    marketUrl: readString(env, 'TRADE_MARKET_URL', 'ws://127.0.0.1:8014/ws/market'),
    brokerAliases: readString(env, 'TRADE_SIM_BROKER_IDS', 'sim,simnow,QAPaperTrading')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    workerConcurrency: parsePositiveInteger(
      env.TRADE_WORKER_CONCURRENCY,
      'TRADE_WORKER_CONCURRENCY',
      64,
    ),
    leaseMs: parsePositiveInteger(env.TRADE_LEASE_MS, 'TRADE_LEASE_MS', 10_000),
    commitIntervalMs: parseCommitInterval(env.TRADE_COMMIT_INTERVAL_MS),
    jwtSecret: readOptionalString(env, 'TRADE_JWT_SECRET'),
    monitorToken: readOptionalString(env, 'TRADE_MONITOR_TOKEN'),
    namespace: readString(env, 'TRADE_REDIS_NAMESPACE', 'qautlra'),
    websocketDeflate: readBoolean(env, 'TRADE_WS_DEFLATE', false),
    alwaysOpen: readBoolean(env, 'TRADE_SIM_ALWAYS_OPEN', false),
    demo: demoEnabled
      ? {
          user: readString(env, 'TRADE_DEMO_USER', 'demo'),
          password: readString(env, 'TRADE_DEMO_PASSWORD', 'demo'),
          cash,
        }
      : undefined,
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
    ctp: loadCtp(env, readString(env, 'TRADE_DATA_DIR', './data/trade-server')),
  };
}

/** TRADE_COMMIT_INTERVAL_MS: 0–1,000 ms, default 5. */
function parseCommitInterval(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 5;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 1_000)
    throw new ConfigError(
      'TRADE_COMMIT_INTERVAL_MS',
      `must be a whole number of milliseconds 0-1000, got ${JSON.stringify(raw)}`,
    );
  return value;
}
