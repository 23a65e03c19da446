import { existsSync, readFileSync } from 'node:fs';

/** A configuration value that cannot be used; the message names the key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config ${key}: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export function readString(env: Env, key: string, fallback?: string): string {
  const value = env[key];
  if (value !== undefined && value !== '') return value;
  if (fallback === undefined) throw new ConfigError(key, 'is required');
  return fallback;
}

export function readOptionalString(env: Env, key: string): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

export function readPort(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(key, `must be a port number 0-65535, got ${JSON.stringify(raw)}`);
  return port;
}

/** A positive integer from raw text (an env value or a flag); empty or absent → `fallback`. */
export function parsePositiveInteger(
  raw: string | undefined,
  key: string,
  fallback: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new ConfigError(key, `must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** `host:port` (an empty host means all interfaces, `0.0.0.0`); the error names `key`. */
export function parseAddress(address: string, key: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(address);
  if (!match || Number(match[2]) > 65535)
    throw new ConfigError(key, `must be host:port, got ${JSON.stringify(address)}`);
  return { host: match[1] || '0.0.0.0', port: Number(match[2]) };
}

export function readBoolean(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(key, `must be true or false, got ${JSON.stringify(raw)}`);
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function readLogLevel(env: Env, key: string, fallback: LogLevel): LogLevel {
  const raw = (env[key] ?? '').toLowerCase();
  if (raw === '') return fallback;
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw new ConfigError(key, `must be one of ${LOG_LEVELS.join(', ')}`);
  return raw as LogLevel;
}

/**
 * Loads the first JSON config document found, in the original's order: the whole document in an
 * env variable, a file named by an env variable, then fixed file names. Returns undefined when none.
 */
export function loadJsonConfig(
  env: Env,
  options: { inlineKey?: string; pathKey?: string; files?: string[] },
): { source: string; value: unknown } | undefined {
  const parse = (text: string, source: string) => {
    try {
      return { source, value: JSON.parse(text) as unknown };
    } catch (error) {
      throw new ConfigError(source, `is not valid JSON: ${(error as Error).message}`);
    }
  };
  const inline = options.inlineKey ? readOptionalString(env, options.inlineKey) : undefined;
  if (inline !== undefined && options.inlineKey) return parse(inline, options.inlineKey);
  const named = options.pathKey ? readOptionalString(env, options.pathKey) : undefined;
  if (named !== undefined && options.pathKey) {
    if (!existsSync(named)) throw new ConfigError(options.pathKey, `file ${named} does not exist`);
    return parse(readFileSync(named, 'utf8'), named);
  }
  for (const file of options.files ?? []) {
    if (existsSync(file)) return parse(readFileSync(file, 'utf8'), file);
  }
  return undefined;
}

/**
 * A URL as it may be shown or stored: the password of its user part removed
 * (`amqp://guest:secret@host` → `amqp://guest@host`). Text that is not a URL is returned as is.
 */
export function withoutCredentials(text: string): string {
  try {
    const url = new URL(text);
    if (!url.password) return text;
    url.password = '';
    return url.toString();
  } catch {
    return text;
  }
}
