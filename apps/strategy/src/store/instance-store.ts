import { Generated, Kysely, Migration, sql } from 'kysely';
import type { HoldReason, InstanceSpec, InstanceStatus } from '../runtime/live-instance';

interface InstanceTable {
  id: string;
  spec: unknown;
  /** The trade-server password the instance logs in with; never returned by the API. */
  password: string;
  status: InstanceStatus;
  /** Holds that survive a restart (`user`, `kill`, `limit`, `error`), by reason. */
  holds: unknown;
  generation: number;
  error: string | null;
  created_at: Generated<Date>;
  updated_at: Date;
}

interface LogTable {
  id: Generated<number>;
  instance_id: string;
  at: Date;
  level: string;
  message: string;
}

export interface StrategyDatabase {
  strategy_instance: InstanceTable;
  strategy_log: LogTable;
}

export const STRATEGY_MIGRATIONS: Record<string, Migration> = {
  '0001_strategy': {
    up: async (db) => {
      await db.schema
        .createTable('strategy_instance')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('spec', 'jsonb', (column) => column.notNull())
        .addColumn('password', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('holds', 'jsonb', (column) => column.notNull())
        .addColumn('generation', 'integer', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('strategy_log')
        .ifNotExists()
        .addColumn('id', 'serial', (column) => column.primaryKey())
        .addColumn('instance_id', 'text', (column) => column.notNull())
        .addColumn('at', 'timestamptz', (column) => column.notNull())
        .addColumn('level', 'text', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('strategy_log_instance')
        .ifNotExists()
        .on('strategy_log')
        .columns(['instance_id', 'id'])
        .execute();
    },
  },
};

export interface InstanceRecord {
  spec: InstanceSpec;
  password: string;
  status: InstanceStatus;
  holds: Partial<Record<HoldReason, string>>;
  generation: number;
  error: string | null;
  created_at: Date;
}

/** Logs kept per instance in the database (older ones are pruned). */
const KEPT_LOGS = 2_000;

/** The instances and their logs (the only code here that runs SQL). */
export class InstanceStore {
  constructor(private readonly db: Kysely<StrategyDatabase>) {}

  async list(): Promise<InstanceRecord[]> {
    const rows = await this.db
      .selectFrom('strategy_instance')
      .selectAll()
      .orderBy('created_at')
      .execute();
    const out: InstanceRecord[] = [];
    for (const row of rows) {
      // A row that is not an instance any more is left out (reported by the caller), never fatal.
      const spec = row.spec as InstanceSpec;
      if (typeof spec !== 'object' || spec === null || typeof spec.id !== 'string') continue;
      out.push({
        spec,
        password: row.password,
        status: row.status,
        holds: row.holds ?? {},
        generation: row.generation,
        error: row.error,
        created_at: new Date(row.created_at),
      });
    }
    return out;
  }

  async insert(spec: InstanceSpec, password: string): Promise<void> {
    await this.db
      .insertInto('strategy_instance')
      .values({
        id: spec.id,
        spec: JSON.stringify(spec),
        password,
        status: 'created',
        holds: JSON.stringify({}),
        generation: 0,
        error: null,
        updated_at: new Date(),
      })
      .execute();
  }

  async save(
    id: string,
    state: {
      spec: InstanceSpec;
      status: InstanceStatus;
      holds: Partial<Record<HoldReason, string>>;
      generation: number;
      error: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable('strategy_instance')
      .set({
        spec: JSON.stringify(state.spec),
        status: state.status,
        holds: JSON.stringify(state.holds),
        generation: state.generation,
        error: state.error,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('strategy_log').where('instance_id', '=', id).execute();
    await this.db.deleteFrom('strategy_instance').where('id', '=', id).execute();
  }

  async appendLogs(
    entries: { instance_id: string; at: number; level: string; message: string }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('strategy_log')
      .values(
        entries.map((entry) => ({
          instance_id: entry.instance_id,
          at: new Date(entry.at),
          level: entry.level,
          message: entry.message.slice(0, 8_000),
        })),
      )
      .execute();
    for (const id of new Set(entries.map((entry) => entry.instance_id))) {
      const cutoff = await this.db
        .selectFrom('strategy_log')
        .select('id')
        .where('instance_id', '=', id)
        .orderBy('id', 'desc')
        .offset(KEPT_LOGS)
        .limit(1)
        .executeTakeFirst();
      if (cutoff)
        await this.db
          .deleteFrom('strategy_log')
          .where('instance_id', '=', id)
          .where('id', '<=', cutoff.id)
          .execute();
    }
  }

  async logs(id: string, limit: number): Promise<{ at: string; level: string; message: string }[]> {
    const rows = await this.db
      .selectFrom('strategy_log')
      .select(['at', 'level', 'message'])
      .where('instance_id', '=', id)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map((row) => ({
      at: new Date(row.at).toISOString(),
      level: row.level,
      message: row.message,
    }));
  }
}
