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
import { isFrontAddress, libraryFor } from '@qautlra/ctp';
import type { ReplaySourceOptions } from './sources/replay-source';

/** A source of quotes (extension of the original schema: the `sources` array). */
export type SourceConfig =
  | {
      type: 'sim';
      ticksPerSecond: number;
      seed: number;
      alwaysOpen: boolean;
      /** Universe size (default: the built-in ~70 instruments; more are synthetic stocks). */
      instruments?: number;
      /** The sim's state file (`MD_SIM_STATE_FILE`, `state_file`): resume after a restart. */
      stateFile?: string;
    }
  | {
      type: 'sina' | 'tencent';
      sinaUrl: string;
      tencentUrl: string;
      pollIntervalMs: number;
      timeoutMs: number;
      /** Fall back to the other service while this one fails (default true). */
      failover: boolean;
    }
  | { type: 'upstream'; url: string }
  | ({ type: 'replay' } & ReplaySourceOptions)
  | ({ type: 'ctp' } & CtpSourceConfig);

/** A CTP market-data front through native-ctp (the original's broker entry plus `library`, `flow_path`). */
export interface CtpSourceConfig {
  name: string;
  /** `tcp://host:port` (a fake front: `script:///path`). */
  frontAddr: string;
  brokerId: string;
  userId: string;
  password: string;
  /** Path of thostmduserapi_se.so (SFIT's, openctp's, or native-ctp's fake front). */
  library: string;
  /** Folder of the library's flow files (created). */
  flowPath: string;
  /** Instruments it serves (`EXCHANGE.code`); empty = any futures contract of the presets. */
  instruments: string[];
  /** The ABI layout ('6.3.15' or '6.5.1'); unset = the one the library's version names. */
  layout?: '6.3.15' | '6.5.1';
}

export interface CorsConfig {
  allowAll: boolean;
  allowedOrigins: string[];
  allowCredentials: boolean;
}

export interface MdGatewayConfig {
  host: string;
  port: number;
  /** WebSocket path of the DIFF-style protocol (original `websocket.path`). */
  websocketPath: string;
  logLevel: LogLevel;
  defaultInstruments: string[];
  incrementalUpdates: { enabled: boolean; batchIntervalMs: number; batchSizeThreshold: number };
  heartbeat: { pingIntervalMs: number; idleTimeoutMs: number };
  sources: SourceConfig[];
  cors: CorsConfig;
  /** Most instruments one client may hold (default 2,000). */
  maxSubscriptionsPerClient: number;
  /** How long an instrument stays subscribed upstream after its last subscriber leaves. */
  unsubscribeGraceMs: number;
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

function booleanAt(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(key, 'must be true or false');
  return value;
}

function stringsAt(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw new ConfigError(key, 'must be an array of strings');
  return value as string[];
}

export function loadConfig(
  env: Env = process.env,
  argv: readonly string[] = process.argv.slice(2),
): MdGatewayConfig {
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
  const enabled = booleanAt(incremental.enabled, 'incremental_updates.enabled', true);
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
        // The original hard-coded 100 ms; 10 ms keeps tick → client latency low (compatibility.md).
        10,
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
      pingIntervalMs: readNumberEnv(env, 'MD_GATEWAY_PING_MS') ?? 10_000,
      idleTimeoutMs: readNumberEnv(env, 'MD_GATEWAY_IDLE_MS') ?? 30_000,
    },
    sources: loadSources(root, env, argv),
    cors: loadCors(restApi.cors, found === undefined),
    maxSubscriptionsPerClient: numberAt(
      subscription.max_per_client,
      'subscription.max_per_client',
      2_000,
      1,
    ),
    unsubscribeGraceMs: numberAt(
      subscription.unsubscribe_grace_ms,
      'subscription.unsubscribe_grace_ms',
      5_000,
    ),
    configSource: found?.source,
  };
}

function loadCors(value: unknown, builtInDefaults: boolean): CorsConfig {
  const cors = objectAt(value, 'rest_api.cors');
  const flag = (key: string, fallback: boolean): boolean =>
    booleanAt(cors[key], `rest_api.cors.${key}`, fallback);
  return {
    // With no config file at all the built-in defaults act as a sample config: any origin.
    allowAll: flag('allow_all', builtInDefaults),
    allowedOrigins: stringsAt(cors.allowed_origins, 'rest_api.cors.allowed_origins'),
    allowCredentials: flag('allow_credentials', false),
  };
}

const SOURCE_TYPES = ['sim', 'sina', 'tencent', 'upstream', 'replay', 'ctp'] as const;

/** The original's broker `source_type` → our source type (`qq` is the original's name for Tencent). */
function typeOfBroker(root: Record<string, unknown>): string | undefined {
  const brokers = objectAt(root.brokers, 'brokers');
  const name = typeof root.default_broker === 'string' ? root.default_broker : undefined;
  if (!name) return Object.keys(brokers).length > 0 ? 'ctp' : undefined;
  const broker = objectAt(brokers[name], `brokers.${name}`);
  const sourceType = broker.source_type;
  if (sourceType === undefined || sourceType === null) return 'ctp';
  if (typeof sourceType !== 'string')
    throw new ConfigError(`brokers.${name}.source_type`, 'must be a string or null');
  return sourceType === 'qq' ? 'tencent' : sourceType;
}

function loadSources(
  root: Record<string, unknown>,
  env: Env,
  argv: readonly string[],
): SourceConfig[] {
  const fromEnv = readOptionalString(env, 'MD_GATEWAY_SOURCES');
  let entries: { value: Record<string, unknown>; key: string }[];
  if (fromEnv) {
    entries = fromEnv.split(',').map((type, index) => ({
      value: { type: type.trim() },
      key: `MD_GATEWAY_SOURCES[${index}]`,
    }));
  } else if (root.sources !== undefined) {
    if (!Array.isArray(root.sources) || root.sources.length === 0)
      throw new ConfigError('sources', 'must be a non-empty array of {type, …}');
    entries = root.sources.map((value, index) => ({
      value: objectAt(value, `sources[${index}]`),
      key: `sources[${index}]`,
    }));
  } else {
    entries = [{ value: { type: typeOfBroker(root) ?? 'sim' }, key: 'sources[0]' }];
  }
  return entries.map(({ value, key }) => sourceAt(value, key, env, argv, root));
}

function sourceAt(
  value: Record<string, unknown>,
  key: string,
  env: Env,
  argv: readonly string[],
  root: Record<string, unknown> = {},
): SourceConfig {
  const type = value.type;
  if (typeof type !== 'string' || !(SOURCE_TYPES as readonly string[]).includes(type))
    throw new ConfigError(`${key}.type`, `must be one of ${SOURCE_TYPES.join(', ')}`);
  const text = (field: string, fallback: string): string => {
    const raw = value[field];
    if (raw === undefined) return fallback;
    if (typeof raw !== 'string' || raw === '')
      throw new ConfigError(`${key}.${field}`, 'must be a string');
    return raw;
  };
  switch (type) {
    case 'sim': {
      const always = booleanAt(value.always_open, `${key}.always_open`, false);
      return {
        type,
        ticksPerSecond: numberAt(
          readNumberEnv(env, 'MD_SIM_TICKS_PER_SECOND') ?? value.ticks_per_second,
          `${key}.ticks_per_second`,
          2,
          0.01,
        ),
        seed: numberAt(readNumberEnv(env, 'MD_SIM_SEED') ?? value.seed, `${key}.seed`, 20250328),
        alwaysOpen:
          argv.includes('--always-open') || readBoolean(env, 'MD_SIM_ALWAYS_OPEN', always),
        stateFile:
          readOptionalString(env, 'MD_SIM_STATE_FILE') ??
          (typeof value.state_file === 'string' ? value.state_file : undefined),
        ...(value.instruments === undefined
          ? {}
          : { instruments: numberAt(value.instruments, `${key}.instruments`, 0, 1) }),
      };
    }
    case 'sina':
    case 'tencent': {
      const failover = booleanAt(value.failover, `${key}.failover`, true);
      return {
        type,
        sinaUrl: readString(env, 'MD_SINA_URL', text('sina_url', 'https://hq.sinajs.cn')),
        tencentUrl: readString(env, 'MD_TENCENT_URL', text('tencent_url', 'https://qt.gtimg.cn')),
        pollIntervalMs: numberAt(value.poll_interval_ms, `${key}.poll_interval_ms`, 1_000, 50),
        timeoutMs: numberAt(value.timeout_ms, `${key}.timeout_ms`, 5_000, 10),
        failover,
      };
    }
    case 'upstream': {
      const url = readString(env, 'MD_UPSTREAM_URL', text('url', ''));
      if (!/^wss?:\/\//.test(url))
        throw new ConfigError(`${key}.url`, 'must be a ws:// or wss:// URL of another gateway');
      return { type, url };
    }
    case 'replay': {
      const url = text('url', 'http://127.0.0.1:18000');
      if (!/^https?:\/\//.test(url))
        throw new ConfigError(`${key}.url`, 'must be the http:// URL of the time-series DB');
      const optional = (field: string) =>
        value[field] === undefined ? undefined : text(field, '');
      return {
        type,
        url,
        stream: text('stream', 'market_data'),
        username: text('username', 'admin'),
        password: text('password', 'admin'),
        start: optional('start'),
        end: optional('end'),
        speed: numberAt(value.speed, `${key}.speed`, 1, 0),
        autostart: booleanAt(value.autostart, `${key}.autostart`, true),
        ...(value.page_size === undefined
          ? {}
          : { pageSize: numberAt(value.page_size, `${key}.page_size`, 10_000, 1) }),
      };
    }
    case 'ctp':
      return ctpSourceAt(value, key, env, root);
    default:
      throw new ConfigError(`${key}.type`, `must be one of ${SOURCE_TYPES.join(', ')}`);
  }
}

/**
 * A `ctp` source: its own fields, else the original's default broker entry (`front_addr`, `broker_id`,
 * `user_id`, `password`), else `MD_CTP_*` variables (which win: secrets stay out of files).
 */
function ctpSourceAt(
  value: Record<string, unknown>,
  key: string,
  env: Env,
  root: Record<string, unknown>,
): SourceConfig {
  const brokers = root.brokers === undefined ? {} : objectAt(root.brokers, 'brokers');
  const brokerName = typeof root.default_broker === 'string' ? root.default_broker : undefined;
  const broker =
    brokerName && brokers[brokerName] !== undefined
      ? objectAt(brokers[brokerName], `brokers.${brokerName}`)
      : {};
  const field = (name: string, envKey: string, fallback: string): string => {
    const fromEnv = readOptionalString(env, envKey);
    if (fromEnv !== undefined) return fromEnv;
    for (const [where, source] of [
      [key, value],
      [`brokers.${brokerName}`, broker],
    ] as const) {
      const raw = source[name];
      if (raw === undefined || raw === null) continue;
      if (typeof raw !== 'string') throw new ConfigError(`${where}.${name}`, 'must be a string');
      return raw;
    }
    return fallback;
  };
  const frontAddr = field('front_addr', 'MD_CTP_FRONT', '');
  if (!isFrontAddress(frontAddr))
    throw new ConfigError(
      `${key}.front_addr`,
      'must be tcp://host:port (or script:///path for the fake front)',
    );
  const library = libraryFor('md', frontAddr, field('library', 'MD_CTP_LIBRARY', ''));
  if (!library)
    throw new ConfigError(
      `${key}.library`,
      "must be the path of the CTP market-data library (thostmduserapi_se.so, SFIT's or openctp's)",
    );
  const listed =
    value.instruments === undefined ? [] : stringsAt(value.instruments, `${key}.instruments`);
  return {
    type: 'ctp',
    name: field('name', 'MD_CTP_NAME', 'ctp'),
    frontAddr,
    brokerId: field('broker_id', 'MD_CTP_BROKER_ID', ''),
    userId: field('user_id', 'MD_CTP_USER_ID', ''),
    password: field('password', 'MD_CTP_PASSWORD', ''),
    library,
    flowPath: field('flow_path', 'MD_CTP_FLOW_PATH', 'data/ctp/md-flow'),
    instruments: listed,
    ...layoutAt(field('layout', 'MD_CTP_LAYOUT', ''), `${key}.layout`),
  };
}

/** '' = follow the library's version; otherwise one of the layouts native-ctp is built for. */
function layoutAt(raw: string, where: string): { layout?: '6.3.15' | '6.5.1' } {
  if (raw === '') return {};
  if (raw === '6.3.15' || raw === '6.5.1') return { layout: raw };
  throw new ConfigError(where, "must be '6.3.15' or '6.5.1' (or unset: the library's own)");
}

function readNumberEnv(env: Env, key: string): number | undefined {
  const raw = readOptionalString(env, key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(key, 'must be a number');
  return value;
}

/** CORS options for Express and Socket.IO from the `rest_api.cors` block; false = same origin only. */
export function corsOptions(
  cors: CorsConfig,
): false | { origin: true | string[]; credentials: boolean; maxAge: number } {
  if (cors.allowAll) return { origin: true, credentials: cors.allowCredentials, maxAge: 3600 };
  if (cors.allowedOrigins.length > 0)
    return { origin: cors.allowedOrigins, credentials: cors.allowCredentials, maxAge: 3600 };
  return false;
}
