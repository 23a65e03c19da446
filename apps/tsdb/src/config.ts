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

export type TsdbMode = 'all' | 'ingest' | 'query';
const COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'lz4', 'uncompressed'] as const;

/** The time-series DB's configuration: the original (Parseable) env names and flags. */
export interface TsdbConfig {
  host: string;
  port: number;
  mode: TsdbMode;
  dataDir: string;
  stagingDir: string;
  username: string;
  password: string;
  rowGroupSize: number;
  compression: (typeof COMPRESSIONS)[number];
  executionBatchSize: number;
  /** Staged rows are flushed to Parquet this often (and when a stream holds a row group's worth). */
  flushIntervalMs: number;
  queryTimeoutMs: number;
  maxResultRows: number;
  /** A query result's size limit as JSON text (`QADB_MAX_RESULT_BYTES`, default 64 MiB). */
  maxResultBytes: number;
  /** Fields one stream may have (`QADB_MAX_FIELDS`). */
  maxFields: number;
  /** Nesting depth of an object/array value (`QADB_MAX_JSON_DEPTH`). */
  maxJsonDepth: number;
  /** Days of data kept (by `p_date`); 0 keeps everything (the original README's `retention_days`). */
  retentionDays: number;
  logLevel: LogLevel;
  /** Live ingest from a gateway (`QADB_WS_CLIENT_*`); absent when disabled. */
  wsClient?: { url: string; stream: string; instruments: string[] };
  /** Queued ingest from RabbitMQ (`QADB_AMQP_URL`); absent when unset. */
  amqp?: { url: string; queue: string; stream: string };
  /** Queued ingest from NATS JetStream (`QADB_NATS_URL`); absent when unset. */
  nats?: { servers: string; jetStream: string; subjectPrefix: string; durable: string };
  /** Live push server (`QADB_WEBSOCKET_*`); absent when disabled. */
  websocket?: { host: string; port: number; path: string; stream?: string };
}

/** `--flag value` or `--flag=value` from argv. */
function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

export function loadConfig(
  env: Env = process.env,
  argv: readonly string[] = process.argv.slice(2),
): TsdbConfig {
  const address = flag(argv, 'address') ?? readString(env, 'P_ADDR', '0.0.0.0:18000');
  const { host, port } = parseAddress(address, 'P_ADDR');
  const mode = flag(argv, 'mode') ?? readString(env, 'P_MODE', 'all');
  if (mode !== 'all' && mode !== 'ingest' && mode !== 'query')
    throw new ConfigError('P_MODE', 'must be all, ingest or query');
  const compression =
    flag(argv, 'compression-algo') ?? readString(env, 'P_PARQUET_COMPRESSION_ALGO', 'zstd');
  if (!(COMPRESSIONS as readonly string[]).includes(compression))
    throw new ConfigError(
      'P_PARQUET_COMPRESSION_ALGO',
      `must be one of ${COMPRESSIONS.join(', ')}`,
    );
  return {
    host,
    port,
    mode,
    dataDir: flag(argv, 'data-dir') ?? readString(env, 'P_DATA_DIR', './data/tsdb'),
    stagingDir:
      flag(argv, 'staging-dir') ?? readString(env, 'P_STAGING_DIR', './data/tsdb-staging'),
    username: flag(argv, 'username') ?? readString(env, 'P_USERNAME', 'admin'),
    password: flag(argv, 'password') ?? readString(env, 'P_PASSWORD', 'admin'),
    rowGroupSize: parsePositiveInteger(
      flag(argv, 'row-group-size') ?? readOptionalString(env, 'P_PARQUET_ROW_GROUP_SIZE'),
      'P_PARQUET_ROW_GROUP_SIZE',
      262_144,
    ),
    compression: compression as TsdbConfig['compression'],
    executionBatchSize: parsePositiveInteger(
      flag(argv, 'execution-batch-size') ?? readOptionalString(env, 'P_EXECUTION_BATCH_SIZE'),
      'P_EXECUTION_BATCH_SIZE',
      20_000,
    ),
    flushIntervalMs: parsePositiveInteger(
      readOptionalString(env, 'QADB_FLUSH_INTERVAL_MS'),
      'QADB_FLUSH_INTERVAL_MS',
      60_000,
    ),
    queryTimeoutMs: parsePositiveInteger(
      readOptionalString(env, 'QADB_QUERY_TIMEOUT_MS'),
      'QADB_QUERY_TIMEOUT_MS',
      30_000,
    ),
    maxResultRows: parsePositiveInteger(
      readOptionalString(env, 'QADB_MAX_RESULT_ROWS'),
      'QADB_MAX_RESULT_ROWS',
      1_000_000,
    ),
    maxResultBytes: parsePositiveInteger(
      readOptionalString(env, 'QADB_MAX_RESULT_BYTES'),
      'QADB_MAX_RESULT_BYTES',
      64 * 1024 * 1024,
    ),
    maxFields: parsePositiveInteger(
      readOptionalString(env, 'QADB_MAX_FIELDS'),
      'QADB_MAX_FIELDS',
      1_000,
    ),
    maxJsonDepth: parsePositiveInteger(
      readOptionalString(env, 'QADB_MAX_JSON_DEPTH'),
      'QADB_MAX_JSON_DEPTH',
      32,
    ),
    retentionDays: readRetention(env),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
    wsClient: readWsClient(env),
    websocket: readWebsocket(env, argv),
    amqp: readAmqp(env),
    nats: readNats(env),
  };
}

function readRetention(env: Env): number {
  const raw = readOptionalString(env, 'QADB_RETENTION_DAYS');
  if (raw === undefined || raw === '') return 0;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 0)
    throw new ConfigError('QADB_RETENTION_DAYS', 'must be a whole number of days (0 = keep all)');
  return days;
}

function readNats(env: Env): TsdbConfig['nats'] {
  const servers = readOptionalString(env, 'QADB_NATS_URL');
  if (!servers) return undefined;
  return {
    servers,
    jetStream: readString(env, 'QADB_NATS_STREAM', 'QADB'),
    subjectPrefix: readString(env, 'QADB_NATS_SUBJECT_PREFIX', 'qadb.ingest'),
    durable: readString(env, 'QADB_NATS_DURABLE', 'qadb-ingest'),
  };
}

function readAmqp(env: Env): TsdbConfig['amqp'] {
  const url = readOptionalString(env, 'QADB_AMQP_URL');
  if (!url) return undefined;
  if (!/^amqps?:\/\//.test(url)) throw new ConfigError('QADB_AMQP_URL', 'must be an amqp:// URL');
  return {
    url,
    queue: readString(env, 'QADB_AMQP_QUEUE', 'qadb.ingest'),
    stream: readString(env, 'QADB_AMQP_STREAM', 'market_data'),
  };
}

/** The original's push server options (`QADB_WEBSOCKET_ENABLED`, `_ADDRESS`, `_PORT`, `_PATH`, `_STREAM`). */
function readWebsocket(env: Env, argv: readonly string[]): TsdbConfig['websocket'] {
  const enabled =
    argv.includes('--websocket-enabled') || readBoolean(env, 'QADB_WEBSOCKET_ENABLED', false);
  if (!enabled) return undefined;
  const raw = flag(argv, 'websocket-port') ?? readOptionalString(env, 'QADB_WEBSOCKET_PORT');
  const port = raw === undefined || raw === '' ? 18_003 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('QADB_WEBSOCKET_PORT', 'must be a port number 0-65535');
  const path = flag(argv, 'websocket-path') ?? readString(env, 'QADB_WEBSOCKET_PATH', '/ws');
  if (!path.startsWith('/')) throw new ConfigError('QADB_WEBSOCKET_PATH', 'must start with /');
  return {
    host: flag(argv, 'websocket-address') ?? readString(env, 'QADB_WEBSOCKET_ADDRESS', '0.0.0.0'),
    port,
    path,
    stream: flag(argv, 'websocket-stream') ?? readOptionalString(env, 'QADB_WEBSOCKET_STREAM'),
  };
}

/** The original's WS-client ingest env (`QADB_WS_CLIENT_ENABLED`, `_HOST`, `_PORT`, `_PATH`, `_STREAM`, `_INSTRUMENTS`). */
function readWsClient(env: Env): TsdbConfig['wsClient'] {
  if (!readBoolean(env, 'QADB_WS_CLIENT_ENABLED', false)) return undefined;
  const host = readString(env, 'QADB_WS_CLIENT_HOST', '127.0.0.1');
  const port = parsePositiveInteger(
    readOptionalString(env, 'QADB_WS_CLIENT_PORT'),
    'QADB_WS_CLIENT_PORT',
    8014,
  );
  const path = readString(env, 'QADB_WS_CLIENT_PATH', '/ws/market');
  if (!path.startsWith('/')) throw new ConfigError('QADB_WS_CLIENT_PATH', 'must start with /');
  const stream = readString(env, 'QADB_WS_CLIENT_STREAM', 'market_data');
  const instruments = (readOptionalString(env, 'QADB_WS_CLIENT_INSTRUMENTS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  return { url: `ws://${host}:${port}${path}`, stream, instruments };
}
