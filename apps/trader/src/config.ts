import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseToml } from 'smol-toml';
import {
  ConfigError,
  Env,
  LOG_LEVELS,
  LogLevel,
  parseAddress,
  readOptionalString,
  readString,
} from '@qautlra/platform';
import { RiskLimits, riskLimits } from '@qautlra/risk';

/** One account the trader bridges: the original's `[common]` keys that belong to an account. */
export interface TraderAccountConfig {
  account: string;
  password: string;
  /** Sent as `bid` in `req_login`. */
  broker: string;
  wsuri: string;
  /** WebSocket ping period and QIFI sync period, seconds (0 turns both off). */
  pingGap: number;
  taskid: string;
  portfolio: string;
  bankPassword: string;
  capitalPassword: string;
  appid: string;
  /** Pre-trade limits checked here before an order reaches the trade server. */
  risk: RiskLimits;
}

export interface TraderConfig {
  accounts: TraderAccountConfig[];
  /** AMQP URI of the order intake and trade events (`eventmq_ip`); absent → in-process bus. */
  amqpUrl?: string;
  /** PostgreSQL URL (`database_ip`); absent → embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Redis for the BullMQ intake queue per account (`trader-<account>`); absent → no BullMQ intake. */
  redisUrl?: string;
  /** Status HTTP server (`/health`, `/api/status`, `/metrics`, `/api/docs`, `POST /api/orders`). */
  host: string;
  port: number;
  /**
   * The bearer token of the REST intake and account routes (`api_token`, `TRADER_API_TOKEN`);
   * generated at start when not configured (and then printed). The trade server's JWT or API key
   * of a user owning the account is accepted too.
   */
  apiToken: string;
  apiTokenGenerated: boolean;
  /** How long an order may wait for the trade server to show it before it is given up, ms. */
  orderTimeoutMs: number;
  logLevel: LogLevel;
}

/** The original's keys with their CLI defaults (`qatrader-rs` `config.rs`). */
const STRING_KEYS = [
  'account',
  'password',
  'broker',
  'wsuri',
  'eventmq_ip',
  'database_ip',
  'taskid',
  'portfolio',
  'bank_password',
  'capital_password',
  'appid',
  'log_level',
] as const;
const DEFAULTS: Record<string, string | number> = {
  account: '',
  password: '',
  broker: 'simnow',
  wsuri: 'ws://localhost:7988',
  eventmq_ip: '',
  database_ip: '',
  ping_gap: 5,
  taskid: '',
  portfolio: 'default',
  bank_password: '',
  capital_password: '',
  appid: '',
  log_level: 'info',
};
/** Keys beyond the original (process-wide). */
const EXTRA_KEYS = ['redis_url', 'data_dir', 'status_addr', 'order_timeout', 'api_token'] as const;

export const HELP = `qautlra trader — per-account bridge: RabbitMQ (QAORDER_ROUTER) / REST / BullMQ orders → DIFF trade server;
keeps the account's QIFI document in PostgreSQL and publishes each new trade to QATRANSACTION.

Usage:
  trader -c <file.toml>          [common] table with the keys below; [[accounts]] tables for more accounts
  trader --account <id> --password <pw> [options]

Options (TOML keys of the same name):
  -c, --config <file>            TOML configuration
      --account <id>             account (also the RabbitMQ routing key)
      --password <pw>            trade server password
      --broker <bid>             broker sent as bid in req_login            (default simnow)
      --wsuri <url>              DIFF trade server                           (default ws://localhost:7988)
      --eventmq_ip <amqp-uri>    RabbitMQ; empty → in-process bus           (default "")
      --database_ip <pg-url>     PostgreSQL; empty → PGlite under data_dir  (default "")
      --ping_gap <s>             WebSocket ping and QIFI sync period        (default 5)
      --taskid <id>  --portfolio <name> (default "default")  --appid <id>
      --bank_password <pw>  --capital_password <pw>
      --log_level <level>        trace|debug|info|warn|error                (default info)
      --redis_url <url>          also take orders from BullMQ queue trader-<account>
      --data_dir <dir>           PGlite directory                           (default ./data/trader)
      --status_addr <host:port>  status HTTP server                         (default 127.0.0.1:8018)
      --order_timeout <s>        give up an order the server has not shown  (default 30)
      --api_token <token>        bearer token of POST /api/orders and /api/accounts (default: generated, printed)
  -h, --help                     this text
Environment: TRADER_ADDR (status_addr), TRADER_DATA_DIR, TRADER_API_TOKEN, REDIS_URL, DATABASE_URL and
AMQP_URL fill keys left empty.`;

const OPTION_NAMES = [...STRING_KEYS, 'ping_gap', ...EXTRA_KEYS];

/** The command line: `undefined` when help must be printed (no arguments, or -h). */
export function parseCommandLine(
  argv: readonly string[],
): { file?: string; flags: Record<string, string> } | undefined {
  if (argv.length === 0) return undefined;
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of OPTION_NAMES) {
    options[name] = { type: 'string' };
    // The Rust original's clap flags are kebab-case; accept both spellings.
    if (name.includes('_')) options[name.replace(/_/g, '-')] = { type: 'string' };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new ConfigError('argv', (error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return undefined;
  const flags: Record<string, string> = {};
  for (const [key, value] of Object.entries(values))
    if (typeof value === 'string' && key !== 'config') flags[key.replace(/-/g, '_')] = value;
  return { file: values.config as string | undefined, flags };
}

type Table = Record<string, unknown>;

function readToml(file: string): Table {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('config', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parseToml(text);
  } catch (error) {
    throw new ConfigError('config', `${file} is not valid TOML: ${(error as Error).message}`);
  }
}

const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(table: Table, key: string, where: string): string | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ConfigError(`${where}.${key}`, `must be a string, got ${JSON.stringify(value)}`);
}

function seconds(raw: string | undefined, key: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(
      key,
      `must be a non-negative number of seconds, got ${JSON.stringify(raw)}`,
    );
  return value;
}

/** `max_order_volume = 10` (TOML snake case) → `maxOrderVolume`. */
function riskOf(tables: Table[], where: string): RiskLimits {
  const overrides: Record<string, unknown> = {};
  for (const table of tables) {
    if (table.risk === undefined) continue;
    if (!isTable(table.risk)) throw new ConfigError(`${where}.risk`, 'must be a table');
    for (const [key, value] of Object.entries(table.risk))
      overrides[key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())] = value;
  }
  try {
    return riskLimits(overrides);
  } catch (error) {
    throw new ConfigError(`${where}.risk`, (error as Error).message);
  }
}

/**
 * The trader's configuration from its command line (`-c file.toml` or flags, as the original) and
 * the environment for what the original did not have. Throws ConfigError naming the bad key.
 */
export function loadTraderConfig(
  command: { file?: string; flags: Record<string, string> },
  env: Env = process.env,
): TraderConfig {
  const root = command.file ? readToml(command.file) : {};
  if (root.common !== undefined && !isTable(root.common))
    throw new ConfigError('common', 'must be a table');
  const common: Table = { ...(isTable(root.common) ? root.common : {}), ...command.flags };
  const listed = root.accounts;
  if (listed !== undefined && (!Array.isArray(listed) || !listed.every(isTable)))
    throw new ConfigError('accounts', 'must be an array of tables ([[accounts]])');
  const accountTables: Table[] = Array.isArray(listed) && listed.length > 0 ? listed : [{}];
  const get = (tables: Table[], key: string, where: string): string => {
    for (const table of tables) {
      const value = text(table, key, where);
      if (value !== undefined) return value;
    }
    return String(DEFAULTS[key] ?? '');
  };
  const accounts = accountTables.map((table, index): TraderAccountConfig => {
    const where = listed ? `accounts[${index}]` : 'common';
    const tables = [table, common];
    const account = get(tables, 'account', where);
    if (!account) throw new ConfigError(`${where}.account`, 'is required (the account to trade)');
    const wsuri = get(tables, 'wsuri', where);
    if (!/^wss?:\/\//.test(wsuri))
      throw new ConfigError(
        `${where}.wsuri`,
        `must be a ws:// or wss:// URL, got ${JSON.stringify(wsuri)}`,
      );
    return {
      account,
      password: get(tables, 'password', where),
      broker: get(tables, 'broker', where),
      wsuri,
      pingGap: seconds(get(tables, 'ping_gap', where), `${where}.ping_gap`, 5),
      taskid: get(tables, 'taskid', where),
      portfolio: get(tables, 'portfolio', where),
      bankPassword: get(tables, 'bank_password', where),
      capitalPassword: get(tables, 'capital_password', where),
      appid: get(tables, 'appid', where),
      risk: riskOf([common, table], where),
    };
  });
  const seen = new Set<string>();
  for (const { account } of accounts) {
    if (seen.has(account)) throw new ConfigError('accounts', `account ${account} is listed twice`);
    seen.add(account);
  }
  const commonText = (key: string) => text(common, key, 'common') || undefined;
  const logLevel = (commonText('log_level') ?? env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('log_level', `must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`);
  const { host, port } = parseAddress(
    commonText('status_addr') ?? readString(env, 'TRADER_ADDR', '127.0.0.1:8018'),
    'status_addr',
  );
  const amqpUrl = commonText('eventmq_ip') ?? readOptionalString(env, 'AMQP_URL');
  if (amqpUrl && !/^amqps?:\/\//.test(amqpUrl))
    throw new ConfigError('eventmq_ip', `must be an amqp:// URI, got ${JSON.stringify(amqpUrl)}`);
  const databaseUrl = commonText('database_ip') ?? readOptionalString(env, 'DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError(
      'database_ip',
      `must be a postgres:// URL (MongoDB is not used; empty → embedded PGlite), got ${JSON.stringify(databaseUrl)}`,
    );
  const configuredToken = commonText('api_token') ?? readOptionalString(env, 'TRADER_API_TOKEN');
  return {
    accounts,
    amqpUrl,
    databaseUrl,
    dataDir: commonText('data_dir') ?? readString(env, 'TRADER_DATA_DIR', './data/trader'),
    redisUrl: commonText('redis_url') ?? readOptionalString(env, 'REDIS_URL'),
    apiToken: configuredToken ?? randomBytes(24).toString('base64url'),
    apiTokenGenerated: configuredToken === undefined,
    host,
    port,
    orderTimeoutMs: seconds(commonText('order_timeout'), 'order_timeout', 30) * 1000,
    logLevel,
  };
}
