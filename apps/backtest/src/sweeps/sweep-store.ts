import { Kysely } from 'kysely';
import type { BacktestDatabase } from '../store/run-store';
import type { SweepJobOutcome } from './sweep-job';

export interface SweepOptions {
  /** First out-of-sample date (ISO). */
  split?: string;
  /** Walk-forward folds. */
  walkForward?: number;
  /** Who runs the jobs: the service's worker threads, or BullMQ workers (`REDIS_URL`). */
  executor: 'threads' | 'redis';
  /** What each job is: a strategy's backtest (default) or a factor variant's study. */
  kind?: 'strategy' | 'factor';
}

export interface SweepRecord {
  id: string;
  strategy: string;
  request: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  rankBy: string;
  order: 'asc' | 'desc';
  createdAt: string;
  /** Combinations (null for a sweep of the run-per-combination kind, before 0002). */
  total: number | null;
  options: SweepOptions | null;
}

const json = (value: unknown) => JSON.stringify(value);

/** Sweeps and their results, one row per combination: the first result written stays (none twice). */
export class SweepStore {
  constructor(private readonly db: Kysely<BacktestDatabase>) {}

  async create(sweep: Omit<SweepRecord, 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('backtest_sweep')
      .values({
        id: sweep.id,
        strategy: sweep.strategy,
        request: json(sweep.request),
        grid: json(sweep.grid),
        rank_by: sweep.rankBy,
        rank_order: sweep.order,
        total: sweep.total,
        options: json(sweep.options),
      })
      .execute();
  }

  async sweep(id: string): Promise<SweepRecord | undefined> {
    const row = await this.db
      .selectFrom('backtest_sweep')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row
      ? {
          id: row.id,
          strategy: row.strategy,
          request: row.request as Record<string, unknown>,
          grid: row.grid as Record<string, unknown[]>,
          rankBy: row.rank_by,
          order: row.rank_order,
          createdAt: new Date(row.created_at).toISOString(),
          total: row.total,
          options: (row.options as SweepOptions | null) ?? null,
        }
      : undefined;
  }

  /** Keeps a combination's outcome unless one is there already; true when this one was kept. */
  async saveResult(sweepId: string, outcome: SweepJobOutcome, worker: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('backtest_sweep_result')
      .values({ sweep_id: sweepId, idx: outcome.index, outcome: json(outcome), worker })
      .onConflict((conflict) => conflict.columns(['sweep_id', 'idx']).doNothing())
      .returning('idx')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async results(sweepId: string): Promise<(SweepJobOutcome & { worker: string })[]> {
    const rows = await this.db
      .selectFrom('backtest_sweep_result')
      .select(['outcome', 'worker'])
      .where('sweep_id', '=', sweepId)
      .orderBy('idx')
      .execute();
    return rows.map((row) => ({ ...(row.outcome as SweepJobOutcome), worker: row.worker }));
  }

  async done(sweepId: string): Promise<Set<number>> {
    const rows = await this.db
      .selectFrom('backtest_sweep_result')
      .select('idx')
      .where('sweep_id', '=', sweepId)
      .execute();
    return new Set(rows.map((row) => row.idx));
  }

  /** Sweeps of the job kind with combinations still missing (to resume after a restart). */
  async unfinished(): Promise<SweepRecord[]> {
    const rows = await this.db
      .selectFrom('backtest_sweep')
      .select('id')
      .where('total', 'is not', null)
      .where((eb) =>
        eb(
          'total',
          '>',
          eb
            .selectFrom('backtest_sweep_result')
            .select((q) => q.fn.countAll<number>().as('n'))
            .whereRef('backtest_sweep_result.sweep_id', '=', 'backtest_sweep.id'),
        ),
      )
      .execute();
    const out: SweepRecord[] = [];
    for (const row of rows) {
      const sweep = await this.sweep(row.id);
      if (sweep) out.push(sweep);
    }
    return out;
  }
}
