import {
  DuckDBTypeId,
  type DuckDBMaterializedResult,
  type DuckDBResultReader,
  type DuckDBType,
} from '@duckdb/node-api';
import { rfc3339OfDuckTimestamp } from './timestamp';

/** A result row or an event: field name → value. */
export type Row = Record<string, unknown>;

/** DuckDB results as JSON rows: exact numbers as JSON numbers, timestamps in RFC 3339. */

export function withoutNulls(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== null));
}

export const NUMERIC_AS_TEXT = new Set<number>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL,
]);

/**
 * Rows as JSON values. DuckDB's JSON form writes 64/128-bit integers and decimals as strings; they
 * become numbers here when exact (as Parseable's JSON has them), and stay strings only when a
 * number would lose digits. Timestamps (stored UTC) become RFC 3339 text with `Z` and
 * milliseconds, the form they were ingested in.
 */
export function jsonRows(reader: DuckDBResultReader | DuckDBMaterializedResult): Row[] {
  return normaliseRows(
    reader.getRowObjectsJson() as Row[],
    reader.columnNames(),
    reader.columnTypes(),
  );
}

/** The JSON form of rows read with `names` and `types` (see `jsonRows`); changes them in place. */
export function normaliseRows(
  rows: Row[],
  names: readonly string[],
  types: readonly DuckDBType[],
): Row[] {
  const columnsOf = (wanted: (typeId: DuckDBTypeId) => boolean) =>
    types.flatMap((type, index) => (wanted(type.typeId) ? [names[index] as string] : []));
  const numeric = columnsOf((typeId) => NUMERIC_AS_TEXT.has(typeId));
  const timestamps = columnsOf((typeId) => typeId === DuckDBTypeId.TIMESTAMP);
  if (numeric.length === 0 && timestamps.length === 0) return rows;
  for (const row of rows) {
    for (const name of numeric) {
      const value = row[name];
      if (typeof value !== 'string') continue;
      const number = Number(value);
      const exact = /^-?\d+$/.test(value) ? Number.isSafeInteger(number) : Number.isFinite(number);
      if (exact) row[name] = number;
    }
    for (const name of timestamps) {
      const value = row[name];
      if (typeof value === 'string') row[name] = rfc3339OfDuckTimestamp(value);
    }
  }
  return rows;
}

/** About how many bytes a row takes as JSON text (strings by length, numbers as 8). */
export function estimateJsonBytes(row: Row): number {
  let bytes = 2;
  for (const key in row) {
    const value = row[key];
    bytes += key.length + 4;
    if (typeof value === 'string') bytes += value.length + 2;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) bytes += 8;
    else bytes += JSON.stringify(value)?.length ?? 4;
  }
  return bytes;
}
