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
 * `allowed_directories`, locked). Used where the statement is embedded in another (a Parquet
 * export's COPY); queries are checked by `assertReadOnlyText` and their result's type.
 */
export async function assertReadOnly(
  connection: DuckDBConnection,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  await assertReadOnlyText(connection, sql);
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await connection.prepare(sql);
  } catch (error) {
    throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
  }
  assertReadOnlyType(prepared.statementType);
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
