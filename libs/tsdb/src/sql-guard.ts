import { DuckDBConnection, DuckDBPreparedStatement, StatementType } from '@duckdb/node-api';
import { TsdbError } from './tsdb.error';

/** Keywords a read-only statement can start with; the prepared statement's type decides. */
const READ_KEYWORDS = new Set([
  'SELECT',
  'WITH',
  'FROM',
  'VALUES',
  'TABLE',
  'EXPLAIN',
  'DESCRIBE',
  'SHOW',
  'SUMMARIZE',
]);

/**
 * Accepts exactly one read-only statement (SELECT, or EXPLAIN of one). Anything else — COPY,
 * ATTACH, INSTALL, LOAD, SET, PRAGMA, CREATE, INSERT, … — is refused. Reading files outside the
 * data directory is refused by the engine itself (`enable_external_access = false` with
 * `allowed_directories`, locked). Returns the prepared statement, so that the query is bound once
 * (binding a view over many Parquet files reads their schemas: it is not free).
 */
export async function assertReadOnly(
  connection: DuckDBConnection,
  sql: string,
  /** What is prepared and run: `sql` itself, or `sql` wrapped by the engine (a time range). */
  wrapped?: string,
): Promise<DuckDBPreparedStatement> {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
  }
  if (extracted.count !== 1)
    throw new TsdbError('TSDB_SQL_REFUSED', `expected one statement, got ${extracted.count}`);
  // Refuse by the leading keyword first, so that a COPY or ATTACH naming a forbidden path is
  // reported as refused rather than as the permission error its binding would raise.
  const keyword = /^[\s(]*([A-Za-z]+)/.exec(sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' '))?.[1];
  if (!keyword || !READ_KEYWORDS.has(keyword.toUpperCase()))
    throw new TsdbError(
      'TSDB_SQL_REFUSED',
      `only SELECT queries are allowed (got ${keyword?.toUpperCase() ?? 'nothing'})`,
    );
  let prepared: DuckDBPreparedStatement;
  try {
    prepared =
      wrapped === undefined ? await extracted.prepare(0) : await connection.prepare(wrapped);
  } catch (error) {
    throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
  }
  const type = prepared.statementType;
  if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN)
    throw new TsdbError(
      'TSDB_SQL_REFUSED',
      `only SELECT queries are allowed (got ${StatementType[type] ?? type})`,
    );
  return prepared;
}

/**
 * The cheap half of the check, without binding: exactly one statement, starting with a read-only
 * keyword. The engine then runs it inside a transaction that it rolls back, and refuses a result
 * whose statement type is not SELECT or EXPLAIN (`assertReadOnlyResult`): a query is bound once,
 * and even `EXPLAIN ANALYZE` of a write or a `WITH … INSERT` changes nothing.
 */
export async function assertReadOnlyText(connection: DuckDBConnection, sql: string): Promise<void> {
  let extracted;
  try {
    extracted = await connection.extractStatements(sql);
  } catch (error) {
    throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
  }
  if (extracted.count !== 1)
    throw new TsdbError('TSDB_SQL_REFUSED', `expected one statement, got ${extracted.count}`);
  const keyword = /^[\s(]*([A-Za-z]+)/.exec(sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' '))?.[1];
  if (!keyword || !READ_KEYWORDS.has(keyword.toUpperCase()))
    throw new TsdbError(
      'TSDB_SQL_REFUSED',
      `only SELECT queries are allowed (got ${keyword?.toUpperCase() ?? 'nothing'})`,
    );
}

/** Refuses a statement type other than SELECT or EXPLAIN (see `assertReadOnlyText`). */
export function assertReadOnlyType(type: StatementType): void {
  if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN)
    throw new TsdbError(
      'TSDB_SQL_REFUSED',
      `only SELECT queries are allowed (got ${StatementType[type] ?? type})`,
    );
}
