/** Stream names: the rule users see, and where the engine's own objects live. */

const STREAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
/**
 * The engine's own tables (catalog, staged rows) live in this schema; streams are views in `main`,
 * so no stream name can collide with them.
 */
export const INTERNAL = '_qadb';
/** Names DuckDB itself resolves (schemas, built-in views) or that would read as the engine's own. */
const RESERVED_EXACT = new Set([
  'main',
  'temp',
  'system',
  'memory',
  'information_schema',
  'pg_catalog',
]);
const RESERVED_PREFIX = /^(_qadb|duckdb_|sqlite_|pg_)/i;
/** The naming rule, stated in every refusal. */
export const STREAM_NAME_RULE =
  'letters, digits, _ and - (not first), at most 64; not main, temp, system, memory, information_schema, pg_catalog, nor starting with _qadb, duckdb_, sqlite_ or pg_; names differing only in case are the same stream';

/** Why a stream name is refused, or undefined when it is valid. */
export function streamNameProblem(name: string): string | undefined {
  if (!STREAM_NAME.test(name)) return `invalid stream name ${JSON.stringify(name.slice(0, 80))}`;
  if (RESERVED_EXACT.has(name.toLowerCase()) || RESERVED_PREFIX.test(name))
    return `stream name ${name} is reserved`;
  return undefined;
}
/** A SQL identifier, double-quoted (stream and field names). */
export const quoteIdentifier = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;
