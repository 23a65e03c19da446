import {
  Env,
  LogLevel,
  parseAddress,
  parsePositiveInteger,
  readLogLevel,
  readOptionalString,
  readString,
} from '@qautlra/platform';

/** The realtime monitor's configuration (env; `process.env` is read nowhere else). */
export interface RealtimeConfig {
  host: string;
  /** `/ws/` (the original's topic protocol), Socket.IO `/realtime`, REST and `/api/docs`. */
  port: number;
  /** The gateway's `/ws/market` (live quotes). */
  marketUrl: string;
  /** The trade server's REST base; its `/ws/monitor` carries the accounts. */
  tradeUrl: string;
  /** Credential of the trade server's monitor socket: its `TRADE_MONITOR_TOKEN`, or an admin's API key. */
  tradeToken?: string;
  tradeApiKey?: string;
  /** Factor rooms' warm-up history. */
  tsdb: { url: string; user: string; password: string; stream: string };
  /** Redis for the cache and pub/sub between instances; absent → in-process. */
  redisUrl?: string;
  /** Prefix of every Redis key and channel (instances serving the same rooms share it). */
  namespace: string;
  /** PostgreSQL for alert rules and events; absent → PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Pushes of one room are coalesced and sent at most this often (ms). */
  pushIntervalMs: number;
  /** Bars of history a factor room is warmed with. */
  warmupBars: number;
  /** Most rooms one connection may be in. */
  maxRoomsPerConnection: number;
  /** Hosts alert webhooks may call (empty: any). */
  webhookHosts: string[];
  /** The leader lease's time to live among instances on one Redis (ms). */
  leaseMs: number;
  logLevel: LogLevel;
}

export function loadRealtimeConfig(env: Env = process.env): RealtimeConfig {
  const { host, port } = parseAddress(
    readString(env, 'REALTIME_ADDR', '0.0.0.0:8019'),
    'REALTIME_ADDR',
  );
  return {
    host,
    port,
    marketUrl: readString(env, 'REALTIME_MARKET_URL', 'ws://127.0.0.1:8014/ws/market'),
    tradeUrl: readString(env, 'REALTIME_TRADE_URL', 'http://127.0.0.1:7988').replace(/\/+$/, ''),
    tradeToken: readOptionalString(env, 'REALTIME_TRADE_TOKEN'),
    tradeApiKey: readOptionalString(env, 'REALTIME_TRADE_API_KEY'),
    tsdb: {
      url: readString(env, 'REALTIME_TSDB_URL', 'http://127.0.0.1:18000'),
      user: readString(env, 'P_USERNAME', 'admin'),
      password: readString(env, 'P_PASSWORD', 'admin'),
      stream: readString(env, 'REALTIME_TSDB_STREAM', 'market_data'),
    },
    redisUrl: readOptionalString(env, 'REDIS_URL'),
    namespace: readString(env, 'REALTIME_REDIS_NAMESPACE', 'qautlra:realtime'),
    databaseUrl: readOptionalString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'REALTIME_DATA_DIR', './data/realtime'),
    pushIntervalMs: parsePositiveInteger(
      env.REALTIME_PUSH_INTERVAL_MS,
      'REALTIME_PUSH_INTERVAL_MS',
      200,
    ),
    warmupBars: parsePositiveInteger(env.REALTIME_WARMUP_BARS, 'REALTIME_WARMUP_BARS', 300),
    maxRoomsPerConnection: parsePositiveInteger(
      env.REALTIME_MAX_ROOMS_PER_CONNECTION,
      'REALTIME_MAX_ROOMS_PER_CONNECTION',
      200,
    ),
    webhookHosts: readString(env, 'REALTIME_WEBHOOK_HOSTS', '')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean),
    leaseMs: parsePositiveInteger(env.REALTIME_LEASE_MS, 'REALTIME_LEASE_MS', 10_000),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
  };
}
