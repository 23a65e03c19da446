import {
  Env,
  readLogLevel,
  readOptionalString,
  readPort,
  readString,
  LogLevel,
} from '@qautlra/platform';

/** All-in-one host configuration; the only place that reads `process.env` for this app. */
export interface QautlraConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  /** PostgreSQL URL; absent → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
}

export function loadConfig(env: Env = process.env): QautlraConfig {
  return {
    host: readString(env, 'QAUTLRA_HOST', '0.0.0.0'),
    port: readPort(env, 'QAUTLRA_PORT', 8000),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
    databaseUrl: readOptionalString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'QAUTLRA_DATA_DIR', './data'),
  };
}
