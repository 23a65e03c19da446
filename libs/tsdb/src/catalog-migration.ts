import type { DuckDBConnection } from '@duckdb/node-api';
import { jsonRows } from './result-rows';
import { INTERNAL, quoteIdentifier as quote } from './stream-names';

/**
 * Stores written before the internal schema kept their catalog and staged rows in `main`
 * (`_qadb_streams`, `stage_<name>`), where a stream could be named like them. Moves them into
 * the internal schema in one transaction.
 */
export async function migrateLegacyCatalog(connection: DuckDBConnection): Promise<void> {
  const tables = new Set(
    jsonRows(
      await connection.runAndReadAll(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()",
      ),
    ).map((row) => row.table_name as string),
  );
  if (!tables.has('_qadb_streams')) return;
  const legacy = jsonRows(
    await connection.runAndReadAll('SELECT name FROM main._qadb_streams'),
  ).map((row) => row.name as string);
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${INTERNAL}`);
    const move = async (from: string, to: string) => {
      await connection.run(
        `CREATE TABLE ${INTERNAL}.${quote(to)} AS SELECT * FROM main.${quote(from)}`,
      );
      await connection.run(`DROP TABLE main.${quote(from)} CASCADE`);
    };
    for (const [from, to] of [
      ['_qadb_streams', 'streams'],
      ['_qadb_fields', 'fields'],
      ['_qadb_flushes', 'flushes'],
      ['_qadb_compactions', 'compactions'],
    ] as const)
      if (tables.has(from)) await move(from, to);
    for (const name of legacy) {
      // A legacy stream named like the catalog (the bug this layout fixes) left a view in its
      // place; its rows are in its stage table, which moves like any other.
      if (tables.has(`stage_${name}`)) {
        await connection.run(`DROP VIEW IF EXISTS main.${quote(name)}`);
        await move(`stage_${name}`, `stage_${name}`);
      }
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
}
