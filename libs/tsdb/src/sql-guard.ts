import { DuckDBConnection, StatementType } from '@duckdb/node-api';
import { TsdbError } from './tsdb.error';

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
