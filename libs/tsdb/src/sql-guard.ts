import { DuckDBConnection, StatementType } from '@duckdb/node-api';
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
 * `allowed_directories`, locked).
 */
export async function assertReadOnly(connection: DuckDBConnection, sql: string): Promise<void> {
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
  let type: StatementType;
  try {
    type = (await extracted.prepare(0)).statementType;
  } catch (error) {
    throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
  }
  if (type !== StatementType.SELECT && type !== StatementType.EXPLAIN)
    throw new TsdbError(
      'TSDB_SQL_REFUSED',
      `only SELECT queries are allowed (got ${StatementType[type] ?? type})`,
    );
}
