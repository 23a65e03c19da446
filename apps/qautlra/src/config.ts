import {
  ConfigError,
  Env,
  LogLevel,
  readLogLevel,
  readOptionalString,
  readPort,
  readString,
} from '@qautlra/platform';

/** All-in-one host configuration; the only place that reads `process.env` for this app. */
export interface QautlraConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  /** PostgreSQL URL; absent → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Apps started beside the host by the launcher (`npm start`), with their URLs. */
  running: RunningApp[];
}

export interface RunningApp {
  app: string;
  url: string;
  docs?: string;
  websocket?: string;
}

function readRunning(env: Env): RunningApp[] {
  const raw = readOptionalString(env, 'QAUTLRA_RUNNING');
  if (!raw) return [];
  try {
    const value = JSON.parse(raw) as unknown;
    if (
      Array.isArray(value) &&
      value.every(
        (item) =>
          typeof (item as RunningApp).app === 'string' &&
          typeof (item as RunningApp).url === 'string',
      )
    ) {
      return value as RunningApp[];
    }
  } catch {
    // fall through
  }
  throw new ConfigError('QAUTLRA_RUNNING', 'must be a JSON array of {app, url}');
}

export function loadConfig(env: Env = process.env): QautlraConfig {
  return {
    host: readString(env, 'QAUTLRA_HOST', '0.0.0.0'),
    port: readPort(env, 'QAUTLRA_PORT', 8000),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
    databaseUrl: readOptionalString(env, 'DATABASE_URL'),
    dataDir: readString(env, 'QAUTLRA_DATA_DIR', './data'),
    running: readRunning(env),
  };
}
