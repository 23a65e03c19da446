import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migration, MigrationProvider, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';

export interface DatabaseOptions {
  /** `postgres://…`; when absent an embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory; absent → in memory. */
  embeddedDir?: string;
}

export interface DatabaseHandle<DB> {
  readonly db: Kysely<DB>;
  readonly kind: 'postgres' | 'pglite';
  /**
   * The driver's pool (PostgreSQL only), for what the query builder cannot say: a named prepared
   * statement, parsed and planned once per connection.
   */
  readonly pool?: Pool;
  close(): Promise<void>;
}

/** Kysely on PostgreSQL (`pg` pool) when a URL is given, on PGlite (embedded Postgres) otherwise. */
export async function openDatabase<DB>(options: DatabaseOptions): Promise<DatabaseHandle<DB>> {
  if (options.url) {
    const pool = new Pool({ connectionString: options.url, max: 10 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
  }
  const client = options.embeddedDir ? new PGlite(options.embeddedDir) : new PGlite();
  await client.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}

/** Migrations given in code (the same list runs on PostgreSQL and PGlite). */
export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(this.migrations);
  }
}

/** Runs pending migrations in a named table (one table per app, so apps migrate independently). */
export async function migrate<DB>(
  db: Kysely<DB>,
  migrations: Record<string, Migration>,
  tableName = 'qautlra_migration',
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    migrationTableName: tableName,
    migrationLockTableName: `${tableName}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error)
    throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}

/** `SELECT 1` round trip, for health checks. */
export async function pingDatabase<DB>(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * An app's database: PostgreSQL at `url`, else PGlite under `<dataDir>/pglite` (created), with the
 * app's migrations run (in its own table) and, given a registry, a `database` health check.
 */
export async function openAppDatabase<DB>(options: {
  url?: string;
  dataDir: string;
  migrations: Record<string, Migration>;
  migrationTable: string;
  health?: { register(name: string, check: () => Promise<void>): void };
}): Promise<DatabaseHandle<DB>> {
  let embeddedDir: string | undefined;
  if (!options.url) {
    embeddedDir = join(options.dataDir, 'pglite');
    mkdirSync(embeddedDir, { recursive: true });
  }
  const handle = await openDatabase<DB>({ url: options.url, embeddedDir });
  await migrate(handle.db, options.migrations, options.migrationTable);
  options.health?.register('database', () => pingDatabase(handle.db));
  return handle;
}
