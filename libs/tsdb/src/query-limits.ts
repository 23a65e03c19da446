import type { DuckDBConnection } from '@duckdb/node-api';
import { estimateJsonBytes, normaliseRows, Row } from './result-rows';
import { assertReadOnlyType } from './sql-guard';
import { TsdbError } from './tsdb.error';

/** How long a user query may run and how big its result may be. */
export interface QueryLimits {
  queryTimeoutMs: number;
  maxResultRows: number;
  maxResultBytes: number;
}

/**
 * Runs `work` on the connection, interrupting it after `queryTimeoutMs`: an interrupted or failed
 * statement becomes the engine's error (`TSDB_SQL_REFUSED` for the timeout, else `TSDB_SQL_ERROR`).
 */
export async function runLimited<T>(
  connection: DuckDBConnection,
  limits: Pick<QueryLimits, 'queryTimeoutMs'>,
  work: (timedOut: () => boolean) => Promise<T>,
): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, limits.queryTimeoutMs);
  try {
    return await work(() => timedOut);
  } catch (error) {
    if (error instanceof TsdbError) throw error;
    if (timedOut)
      throw new TsdbError(
        'TSDB_SQL_REFUSED',
        `query interrupted after ${limits.queryTimeoutMs} ms`,
      );
    throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs a user query within the time and size limits: rows are read a chunk at a time and the
 * query is stopped as soon as the result passes `maxResultRows` rows or `maxResultBytes` bytes
 * (as JSON text, estimated), so a huge result is never built whole.
 */
export function readLimited(
  connection: DuckDBConnection,
  sql: string,
  limits: QueryLimits,
): Promise<Row[]> {
  const { maxResultRows, maxResultBytes } = limits;
  return runLimited(connection, limits, async (timedOut) => {
    // Run once (bound once), materialised (a streamed result runs with less parallelism),
    // inside a transaction that is rolled back: a statement that is not a SELECT changes
    // nothing and is refused. The rows are then read a chunk at a time, so that a result over
    // the limits is never built in JavaScript.
    await connection.run('BEGIN TRANSACTION');
    let result;
    try {
      result = await connection.run(sql);
    } finally {
      await connection.run('ROLLBACK');
    }
    assertReadOnlyType(result.statementType);
    const names = result.columnNames();
    const types = result.columnTypes();
    const rows: Row[] = [];
    let bytes = 0;
    for await (const batch of result.yieldRowObjectJson()) {
      if (timedOut()) break;
      for (const row of normaliseRows(batch, names, types)) {
        bytes += estimateJsonBytes(row);
        rows.push(row);
      }
      if (rows.length > maxResultRows)
        throw new TsdbError(
          'TSDB_SQL_REFUSED',
          `the result has more than ${maxResultRows} rows (QADB_MAX_RESULT_ROWS): add a LIMIT or aggregate`,
        );
      if (bytes > maxResultBytes)
        throw new TsdbError(
          'TSDB_SQL_REFUSED',
          `the result is larger than ${maxResultBytes} bytes (QADB_MAX_RESULT_BYTES): select fewer columns or rows`,
        );
    }
    if (timedOut()) throw new Error('interrupted');
    return rows;
  });
}
