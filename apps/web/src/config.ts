import { join } from 'node:path';
import {
  Env,
  LogLevel,
  parseAddress,
  readLogLevel,
  readOptionalString,
  readString,
} from '@qautlra/platform';

/** The web front end's server: where it listens and where the apps it fronts are. */
export interface WebConfig {
  host: string;
  port: number;
  /** Market-data gateway (REST + Socket.IO), proxied at `/md`. */
  marketUrl: string;
  /** Trade server (REST + DIFF WebSocket), proxied at `/trade`. */
  tradeUrl: string;
  /** Time-series DB, proxied read-only at `/tsdb` with the credentials below added server-side. */
  tsdbUrl: string;
  tsdbUser: string;
  tsdbPassword: string;
  /** The tsdb stream holding the gateway's ticks (bars come from it). */
  tsdbStream: string;
  /** Fund analytics, proxied at `/fund`. */
  fundUrl: string;
  /** The backtest service, proxied at `/backtest`. */
  backtestUrl: string;
  /** The live strategy runtime, at `/strategy` behind the trade server's login, and its token. */
  strategyUrl: string;
  strategyToken?: string;
  /** The realtime monitor, proxied at `/rt` (it checks the trade server's credentials itself). */
  realtimeUrl: string;
  /** Shown on the login page when set (the `npm start` demo user). */
  demoUser?: string;
  demoPassword?: string;
  /** The built single-page app (vite build output). */
  clientDir: string;
  logLevel: LogLevel;
}

const url = (env: Env, key: string, fallback: string) => {
  const value = readString(env, key, fallback);
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`${key}: must be an http(s):// URL, got ${value}`);
  }
  return value.replace(/\/+$/, '');
};

export function loadWebConfig(env: Env = process.env): WebConfig {
  const { host, port } = parseAddress(readString(env, 'WEB_ADDR', '0.0.0.0:8080'), 'WEB_ADDR');
  return {
    host,
    port,
    marketUrl: url(env, 'WEB_MD_URL', 'http://127.0.0.1:8014'),
    tradeUrl: url(env, 'WEB_TRADE_URL', 'http://127.0.0.1:7988'),
    tsdbUrl: url(env, 'WEB_TSDB_URL', 'http://127.0.0.1:18000'),
    tsdbUser: readString(env, 'WEB_TSDB_USER', 'admin'),
    tsdbPassword: readString(env, 'WEB_TSDB_PASSWORD', 'admin'),
    tsdbStream: readString(env, 'WEB_TSDB_STREAM', 'market_data'),
    fundUrl: url(env, 'WEB_FUND_URL', 'http://127.0.0.1:8020'),
    backtestUrl: url(env, 'WEB_BACKTEST_URL', 'http://127.0.0.1:8021'),
    strategyUrl: url(env, 'WEB_STRATEGY_URL', 'http://127.0.0.1:8022'),
    strategyToken: readOptionalString(env, 'WEB_STRATEGY_TOKEN'),
    realtimeUrl: url(env, 'WEB_REALTIME_URL', 'http://127.0.0.1:8019'),
    demoUser: readOptionalString(env, 'WEB_DEMO_USER'),
    demoPassword: readOptionalString(env, 'WEB_DEMO_PASSWORD'),
    clientDir: readString(env, 'WEB_CLIENT_DIR', join(__dirname, '../client')),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
  };
}
