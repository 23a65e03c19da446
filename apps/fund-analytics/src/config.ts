import {
  Env,
  LogLevel,
  parseAddress,
  readLogLevel,
  readOptionalString,
  readString,
} from '@qautlra/platform';

/** The fund-analytics service's configuration (env; `process.env` is read nowhere else). */
export interface FundConfig {
  host: string;
  port: number;
  /** PostgreSQL URL; absent → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  logLevel: LogLevel;
}

export function loadFundConfig(env: Env = process.env): FundConfig {
  const { host, port } = parseAddress(readString(env, 'FUND_ADDR', '0.0.0.0:8020'), 'FUND_ADDR');
  return {
    host,
    port,
    databaseUrl: readOptionalString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'FUND_DATA_DIR', './data/fund-analytics'),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
  };
}
