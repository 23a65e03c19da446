import {
  ConfigError,
  Env,
  loadJsonConfig,
  LogLevel,
  readBoolean,
  readLogLevel,
  readOptionalString,
  readPort,
  readString,
} from '@qautlra/platform';

/**
 * Gateway configuration: the original JSON schema (`rest_api`, `websocket`, `subscription`,
 * `incremental_updates`, `log_level`), looked up in the original's order (`QAMDGATEWAY_CONFIG`,
 * `QAMDGATEWAY_CONFIG_PATH`, `./config.json`, `./qamdgateway.json`), then env overrides.
 */
export interface MdGatewayConfig {
  host: string;
  port: number;
  /** WebSocket path of the DIFF-style protocol (original `websocket.path`). */
  websocketPath: string;
  logLevel: LogLevel;
  defaultInstruments: string[];
  incrementalUpdates: { enabled: boolean; batchIntervalMs: number; batchSizeThreshold: number };
  heartbeat: { pingIntervalMs: number; idleTimeoutMs: number };
  sim: { ticksPerSecond: number; seed: number };
  configSource?: string;
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(key, 'must be an object');
  return value as Record<string, unknown>;
}

function numberAt(value: unknown, key: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new ConfigError(key, `must be a number ≥ ${min}`);
  return value;
}

function stringsAt(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw new ConfigError(key, 'must be an array of strings');
  return value as string[];
}

export function loadConfig(env: Env = process.env): MdGatewayConfig {
  const found = loadJsonConfig(env, {
    inlineKey: 'QAMDGATEWAY_CONFIG',
    pathKey: 'QAMDGATEWAY_CONFIG_PATH',
    files: ['config.json', 'qamdgateway.json'],
  });
  const root = objectAt(found?.value, 'config');
  const restApi = objectAt(root.rest_api, 'rest_api');
  const websocket = objectAt(root.websocket, 'websocket');
  const subscription = objectAt(root.subscription, 'subscription');
  const incremental = objectAt(root.incremental_updates, 'incremental_updates');
  const enabled = incremental.enabled === undefined ? true : incremental.enabled;
  if (typeof enabled !== 'boolean')
    throw new ConfigError('incremental_updates.enabled', 'must be true or false');
  const websocketPath = typeof websocket.path === 'string' ? websocket.path : '/ws/market';
  if (!websocketPath.startsWith('/')) throw new ConfigError('websocket.path', 'must start with /');
  const logLevelFromFile = typeof root.log_level === 'string' ? root.log_level : undefined;
  return {
    host: readString(
      env,
      'MD_GATEWAY_HOST',
      typeof restApi.host === 'string' ? restApi.host : '0.0.0.0',
    ),
    port: readPort(env, 'MD_GATEWAY_PORT', numberAt(restApi.port, 'rest_api.port', 8014)),
    websocketPath,
    logLevel: readLogLevel(
      { LOG_LEVEL: readOptionalString(env, 'LOG_LEVEL') ?? logLevelFromFile },
      'LOG_LEVEL',
      'info',
    ),
    defaultInstruments: stringsAt(
      subscription.default_instruments,
      'subscription.default_instruments',
    ),
    incrementalUpdates: {
      enabled: readBoolean(env, 'MD_GATEWAY_INCREMENTAL', enabled),
      batchIntervalMs: numberAt(
        incremental.batch_interval_ms,
        'incremental_updates.batch_interval_ms',
        100,
        1,
      ),
      batchSizeThreshold: numberAt(
        incremental.batch_size_threshold,
        'incremental_updates.batch_size_threshold',
        50,
        1,
      ),
    },
    heartbeat: {
      pingIntervalMs: Number(readOptionalString(env, 'MD_GATEWAY_PING_MS') ?? 10_000),
      idleTimeoutMs: Number(readOptionalString(env, 'MD_GATEWAY_IDLE_MS') ?? 30_000),
    },
    sim: {
      ticksPerSecond: Number(readOptionalString(env, 'MD_SIM_TICKS_PER_SECOND') ?? 2),
      seed: Number(readOptionalString(env, 'MD_SIM_SEED') ?? 20250328),
    },
    configSource: found?.source,
  };
}
