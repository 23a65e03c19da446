import type { BacktestResult } from '@qautlra/backtest';
import { Generated, Kysely, Migration, sql } from 'kysely';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';

interface RunTable {
  id: string;
  sweep_id: string | null;
  strategy: string;
  request: unknown;
  status: RunStatus;
  progress: unknown;
  summary: unknown;
  statistics: unknown;
  error: string | null;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

interface ResultTable {
  run_id: string;
  trades: unknown;
  orders: unknown;
  daily: unknown;
  equity: unknown;
  logs: unknown;
}

interface SweepTable {
  id: string;
  strategy: string;
  request: unknown;
  grid: unknown;
  rank_by: string;
  rank_order: 'asc' | 'desc';
  created_at: Generated<Date>;
  /** Combinations (0002; null for the run-per-combination sweeps of 0001). */
  total: number | null;
  /** `{split, walkForward, executor}` (0002). */
  options: unknown;
}

interface SweepResultTable {
  sweep_id: string;
  idx: number;
  outcome: unknown;
  /** Who computed it: `thread` or a worker process's `host:pid`. */
  worker: string;
  finished_at: Generated<Date>;
}

export interface BacktestDatabase {
  backtest_run: RunTable;
  backtest_result: ResultTable;
  backtest_sweep: SweepTable;
  backtest_sweep_result: SweepResultTable;
}

export const BACKTEST_MIGRATIONS: Record<string, Migration> = {
  '0001_backtest': {
    up: async (db) => {
      await db.schema
        .createTable('backtest_sweep')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('strategy', 'text', (column) => column.notNull())
        .addColumn('request', 'jsonb', (column) => column.notNull())
        .addColumn('grid', 'jsonb', (column) => column.notNull())
        .addColumn('rank_by', 'text', (column) => column.notNull())
        .addColumn('rank_order', 'text', (column) => column.notNull())
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('backtest_run')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('sweep_id', 'text', (column) => column.references('backtest_sweep.id'))
        .addColumn('strategy', 'text', (column) => column.notNull())
        .addColumn('request', 'jsonb', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('progress', 'jsonb')
        .addColumn('summary', 'jsonb')
        .addColumn('statistics', 'jsonb')
        .addColumn('error', 'text')
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addColumn('finished_at', 'timestamptz')
        .execute();
      await db.schema
        .createIndex('backtest_run_sweep')
        .ifNotExists()
        .on('backtest_run')
        .column('sweep_id')
        .execute();
      await db.schema
        .createTable('backtest_result')
        .ifNotExists()
        .addColumn('run_id', 'text', (column) =>
          column.primaryKey().references('backtest_run.id').onDelete('cascade'),
        )
        .addColumn('trades', 'jsonb', (column) => column.notNull())
        .addColumn('orders', 'jsonb', (column) => column.notNull())
        .addColumn('daily', 'jsonb', (column) => column.notNull())
        .addColumn('equity', 'jsonb', (column) => column.notNull())
        .addColumn('logs', 'jsonb', (column) => column.notNull())
        .execute();
    },
  },
};

/** 0002: sweeps as jobs (threads or BullMQ workers), one result row per combination, kept once. */
BACKTEST_MIGRATIONS['0002_sweep_jobs'] = {
  up: async (db) => {
    await sql`alter table backtest_sweep add column if not exists total integer`.execute(db);
    await sql`alter table backtest_sweep add column if not exists options jsonb`.execute(db);
    await db.schema
      .createTable('backtest_sweep_result')
      .ifNotExists()
      .addColumn('sweep_id', 'text', (column) =>
        column.notNull().references('backtest_sweep.id').onDelete('cascade'),
      )
      .addColumn('idx', 'integer', (column) => column.notNull())
      .addColumn('outcome', 'jsonb', (column) => column.notNull())
      .addColumn('worker', 'text', (column) => column.notNull())
      .addColumn('finished_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('backtest_sweep_result_pk', ['sweep_id', 'idx'])
      .execute();
  },
};

/** A run as listed and fetched (without its trades, daily records and curve). */
export interface RunRecord {
  id: string;
  sweepId: string | null;
  strategy: string;
  request: Record<string, unknown>;
  status: RunStatus;
  progress: { days: number; total: number; events: number } | null;
  summary: BacktestResult['summary'] | null;
  statistics: BacktestResult['statistics'] | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const json = (value: unknown) => JSON.stringify(value);

function runOf(row: Omit<RunTable, 'created_at'> & { created_at: Date }): RunRecord {
  return {
    id: row.id,
    sweepId: row.sweep_id,
    strategy: row.strategy,
    request: row.request as Record<string, unknown>,
    status: row.status,
    progress: row.progress as RunRecord['progress'],
    summary: row.summary as RunRecord['summary'],
    statistics: row.statistics as RunRecord['statistics'],
    error: row.error,
    createdAt: new Date(row.created_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
  };
}

/** Backtest runs, their results and sweeps (PostgreSQL or PGlite). */
export class RunStore {
  constructor(private readonly db: Kysely<BacktestDatabase>) {}

  async createRun(run: {
    id: string;
    sweepId?: string;
    strategy: string;
    request: Record<string, unknown>;
  }): Promise<void> {
    await this.db
      .insertInto('backtest_run')
      .values({
        id: run.id,
        sweep_id: run.sweepId ?? null,
        strategy: run.strategy,
        request: json(run.request),
        status: 'queued',
      })
      .execute();
  }

  async markRunning(id: string): Promise<void> {
    await this.db
      .updateTable('backtest_run')
      .set({ status: 'running' })
      .where('id', '=', id)
      .execute();
  }

  async saveProgress(id: string, progress: RunRecord['progress']): Promise<void> {
    await this.db
      .updateTable('backtest_run')
      .set({ progress: json(progress) })
      .where('id', '=', id)
      .execute();
  }

  async finish(id: string, result: BacktestResult): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('backtest_run')
        .set({
          status: 'done',
          summary: json(result.summary),
          statistics: json(result.statistics),
          finished_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await trx
        .insertInto('backtest_result')
        .values({
          run_id: id,
          trades: json(result.trades),
          orders: json(result.orders),
          daily: json(result.daily),
          equity: json(result.equity),
          logs: json(result.logs),
        })
        .execute();
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('backtest_run')
      .set({ status: 'failed', error, finished_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  /** Runs that were queued or running when the service stopped: failed, saying so. */
  async failInterrupted(): Promise<number> {
    const rows = await this.db
      .updateTable('backtest_run')
      .set({ status: 'failed', error: 'interrupted: the service stopped', finished_at: new Date() })
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(rows.numUpdatedRows);
  }

  async run(id: string): Promise<RunRecord | undefined> {
    const row = await this.db
      .selectFrom('backtest_run')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? runOf(row) : undefined;
  }

  async runs(options: { limit: number; sweepId?: string }): Promise<RunRecord[]> {
    let query = this.db
      .selectFrom('backtest_run')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit);
    if (options.sweepId) query = query.where('sweep_id', '=', options.sweepId);
    return (await query.execute()).map(runOf);
  }

  async result<K extends 'trades' | 'orders' | 'daily' | 'equity' | 'logs'>(
    id: string,
    part: K,
  ): Promise<unknown> {
    const row = await this.db
      .selectFrom('backtest_result')
      .select(part)
      .where('run_id', '=', id)
      .executeTakeFirst();
    return row ? (row as unknown as Record<K, unknown>)[part] : undefined;
  }
}
