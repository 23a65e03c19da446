import type { TsdbSource } from './runs/market-source';

/** A command-line mistake: the CLIs print it (with their help) and exit 2. */
export class UsageError extends Error {}

/** `--name`'s number, or undefined when not given; a UsageError when it is not a finite number. */
export function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got ${text}`);
  return value;
}

/** The tsdb of `--source tsdb`: `--tsdb URL`, `--stream NAME`, user and password from TSDB_USER / TSDB_PASSWORD. */
export function tsdbOption(
  values: { tsdb?: string; stream?: string },
  env: NodeJS.ProcessEnv,
): TsdbSource {
  return {
    url: values.tsdb ?? 'http://127.0.0.1:18000',
    user: env.TSDB_USER ?? 'admin',
    password: env.TSDB_PASSWORD ?? 'admin',
    stream: values.stream ?? 'market_data',
  };
}
