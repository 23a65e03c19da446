import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { rankSweep, type SweepRanking } from '@qautlra/backtest';
import { parseExpression } from '@qautlra/factors';
import { toIsoDate } from '@qautlra/calendar';
import { randomUUID } from 'node:crypto';
import { BacktestService } from '../backtest.service';
import type { BacktestConfig } from '../config';
import type { SweepRequestBody } from '../rest/dto';
import type { FactorRequest } from '../factors/factor-job';
import type { FactorSweepDto } from '../factors/factor.dto';
import { FactorService } from '../factors/factor.service';
import { BACKTEST_CONFIG } from '../tokens';
import { RedisSweepExecutor, ThreadSweepExecutor, type SweepExecutor } from './sweep-executor';
import { rankable, type SweepJob, type SweepJobOutcome } from './sweep-job';
import { SweepStore, type SweepRecord } from './sweep-store';

/**
 * The first out-of-sample date as ISO (`YYYYMMDD` and `YYYY-MM-DD` both come in, and the ranking compares ISO
 * dates), after `from` and not after `to`; a 400 otherwise.
 */
function splitOf(split: string | undefined, from: string, to: string): string | undefined {
  if (split === undefined) return undefined;
  let iso: string;
  try {
    iso = toIsoDate(split);
    if (!(iso > toIsoDate(from) && iso <= toIsoDate(to))) throw new RangeError('outside');
  } catch {
    throw new BadRequestException('split must be a date after from and not after to');
  }
  return iso;
}

/** Statistics where a lower value is better (ranked ascending unless told otherwise). */
const LOWER_IS_BETTER = new Set([
  'volatility',
  'ulcer_index',
  'risk_of_ruin',
  'consecutive_losses',
]);

type Combination = Record<string, number | string | boolean>;

/**
 * Every combination of a grid, in one order that does not depend on how the grid was written or stored
 * (parameter names sorted: PostgreSQL's jsonb does not keep key order), so a combination's index means
 * the same after a restart and on every worker.
 */
export function combinationsOf(
  grid: Record<string, readonly (number | string | boolean)[]>,
): Combination[] {
  let out: Combination[] = [{}];
  for (const name of Object.keys(grid).sort())
    out = out.flatMap((partial) => grid[name]!.map((value) => ({ ...partial, [name]: value })));
  return out;
}

export interface SweepView {
  sweep: SweepRecord;
  progress: { done: number; failed: number; total: number };
  results: (SweepJobOutcome & { worker: string })[];
  ranking?: SweepRanking;
  rankingError?: string;
}

/**
 * Parameter sweeps as jobs: each combination one job, run on the service's worker threads or — with
 * `REDIS_URL` and `DATABASE_URL` — on a BullMQ queue that any number of `npm run sweep-worker` processes
 * on any machines take from. Results go to PostgreSQL (or PGlite), one row per combination, the first kept:
 * a job whose worker died is done again by another, and never counted twice. A sweep left unfinished by
 * a stop is taken up again at the next start. Ranked by a statistic with an in-sample/out-of-sample split
 * and walk-forward (libs/backtest rankSweep).
 */
@Injectable()
export class SweepService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('backtest');
  private store!: SweepStore;
  private executor!: SweepExecutor;

  constructor(
    @Inject(BACKTEST_CONFIG) private readonly config: BacktestConfig,
    private readonly backtests: BacktestService,
    private readonly factors: FactorService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.store = new SweepStore(this.backtests.database);
    this.executor =
      this.config.sweepExecutor === 'redis'
        ? new RedisSweepExecutor(this.config.redisUrl!, this.config.sweepQueue)
        : new ThreadSweepExecutor(this.config.threads, (job) => this.runHere(job));
    if (this.config.redisUrl && this.config.sweepExecutor === 'threads')
      this.logger.log(
        'sweeps run on worker threads here (REDIS_URL without DATABASE_URL: workers elsewhere could not store results)',
      );
    for (const sweep of await this.store.unfinished()) {
      const queued = await this.resume(sweep);
      if (queued) this.logger.log(`sweep ${sweep.id}: ${queued} combination(s) queued again`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.executor?.close();
  }

  get executorKind(): 'threads' | 'redis' {
    return this.executor.kind;
  }

  /** Checks a grid (every combination, before anything runs) and queues its jobs. */
  async create(dto: SweepRequestBody): Promise<SweepRecord> {
    const entry = this.backtests.strategy(dto.strategy);
    if (!entry)
      throw new NotFoundException({
        code: 'UNKNOWN_STRATEGY',
        message: `no strategy ${dto.strategy}`,
      });
    const names = Object.keys(dto.grid);
    if (names.length === 0) throw new BadRequestException('grid names no parameter');
    let total = 1;
    for (const name of names) {
      const values = dto.grid[name];
      if (!Array.isArray(values) || values.length === 0 || values.length > 1_000)
        throw new BadRequestException(`grid.${name} must be a list of 1–1,000 values`);
      if (!Object.hasOwn(entry.parameters, name))
        throw new BadRequestException(`${entry.name} has no parameter ${name}`);
      total *= values.length;
    }
    if (total > this.config.maxSweep)
      throw new BadRequestException(
        `the grid has ${total} combinations; at most ${this.config.maxSweep} (BACKTEST_MAX_SWEEP)`,
      );
    const {
      grid,
      rank_by: rankBy = 'sharpe',
      order,
      split: splitText,
      walk_forward: walkForward,
      ...base
    } = dto;
    const split = splitOf(splitText, dto.from, dto.to);
    const combinations = combinationsOf(grid);
    // Every combination is checked before any runs.
    const requests = combinations.map((params) =>
      this.backtests.checkRequest({ ...base, params: { ...base.params, ...params } }, entry),
    );
    const sweep = this.record(entry.name, base, grid, {
      rankBy,
      order,
      split,
      walkForward,
      total,
    });
    await this.store.create(sweep);
    await this.enqueue(
      sweep,
      combinations.map((params, index) => ({
        sweepId: sweep.id,
        index,
        strategy: entry.name,
        params,
        request: requests[index]!,
      })),
    );
    return sweep;
  }

  /** Factor variants: each combination of the grid put into the study's `{name}` placeholders (or `window`). */
  async createFactor(dto: FactorSweepDto): Promise<SweepRecord> {
    const {
      grid,
      rank_by: rankBy = 'rank_ic_ir',
      order,
      split: splitText,
      walk_forward: walkForward,
      ...study
    } = dto;
    const names = Object.keys(grid ?? {});
    if (names.length === 0) throw new BadRequestException('grid names no placeholder');
    let total = 1;
    for (const name of names) {
      const values = grid[name];
      if (!/^[A-Za-z_]\w{0,31}$/.test(name))
        throw new BadRequestException(
          `grid.${name}: a placeholder is a name of letters, digits and _`,
        );
      if (
        !Array.isArray(values) ||
        values.length === 0 ||
        values.length > 1_000 ||
        !values.every((v) => typeof v === 'number' && Number.isFinite(v))
      )
        throw new BadRequestException(`grid.${name} must be a list of 1–1,000 numbers`);
      const used =
        name === 'window'
          ? study.builtin !== undefined
          : (study.expression ?? '').includes(`{${name}}`);
      if (!used)
        throw new BadRequestException(
          `grid.${name} is not used: write {${name}} in the expression (or sweep a built-in's window)`,
        );
      total *= values.length;
    }
    if (total > this.config.maxSweep)
      throw new BadRequestException(
        `the grid has ${total} combinations; at most ${this.config.maxSweep} (BACKTEST_MAX_SWEEP)`,
      );
    const split = splitOf(splitText, study.from, study.to);
    const base = {
      ...study,
      periods: [...new Set([1, ...(study.periods ?? [1, 5, 20])])].sort((a, b) => a - b),
    };
    const combinations = combinationsOf(grid);
    const variants = combinations.map((params) => this.variant(base, params));
    const sweep = this.record('factor', base, grid, {
      rankBy,
      order,
      split,
      walkForward,
      total,
      kind: 'factor',
    });
    await this.store.create(sweep);
    await this.enqueue(
      sweep,
      combinations.map((params, index) => ({
        sweepId: sweep.id,
        index,
        strategy: 'factor',
        params,
        factor: variants[index]!,
      })),
    );
    return sweep;
  }

  /** A new sweep's record: the order defaults to what is better for the statistic. */
  private record(
    strategy: string,
    request: Record<string, unknown>,
    grid: Record<string, unknown[]>,
    o: {
      rankBy: string;
      order?: 'asc' | 'desc';
      split?: string;
      walkForward?: number;
      total: number;
      kind?: 'factor';
    },
  ): SweepRecord {
    return {
      id: randomUUID(),
      strategy,
      request,
      grid,
      rankBy: o.rankBy,
      order: o.order ?? (LOWER_IS_BETTER.has(o.rankBy) ? 'asc' : 'desc'),
      createdAt: new Date().toISOString(),
      total: o.total,
      options: {
        executor: this.executor.kind,
        ...(o.kind ? { kind: o.kind } : {}),
        ...(o.split === undefined ? {} : { split: o.split }),
        ...(o.walkForward === undefined ? {} : { walkForward: o.walkForward }),
      },
    };
  }

  /** One factor variant: the placeholders filled, checked like any study. */
  private variant(
    base: FactorSweepDto | Omit<FactorSweepDto, 'grid'>,
    params: Combination,
  ): FactorRequest {
    let expression = base.expression;
    for (const [name, value] of Object.entries(params))
      expression = expression?.replaceAll(`{${name}}`, String(value));
    const dto = {
      ...base,
      ...(expression === undefined ? {} : { expression }),
      ...(params.window === undefined ? {} : { window: Number(params.window) }),
    };
    if (expression !== undefined) {
      try {
        parseExpression(expression);
      } catch (error) {
        throw new BadRequestException({
          code: String((error as { code?: string }).code ?? 'bad_factor').toUpperCase(),
          message: `${expression}: ${(error as Error).message}`,
        });
      }
    }
    return this.factors.check(dto);
  }

  /** Queues jobs; a queue that cannot take them leaves the sweep stored: the next start queues what is missing. */
  private async enqueue(sweep: SweepRecord, jobs: SweepJob[]): Promise<void> {
    try {
      await this.executor.enqueue(jobs);
    } catch (error) {
      throw new HttpException(
        {
          code: 'QUEUE_UNAVAILABLE',
          message: `sweep ${sweep.id} is stored but its jobs could not be queued (${(error as Error).message}); they are queued at the service's next start`,
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }

  async view(id: string): Promise<SweepView> {
    const sweep = await this.store.sweep(id);
    if (!sweep) throw new NotFoundException({ code: 'UNKNOWN_SWEEP', message: `no sweep ${id}` });
    if (sweep.total === null)
      throw new HttpException(
        {
          code: 'OLD_SWEEP',
          message: `sweep ${id} ran as runs before sweeps were jobs: GET /api/runs?sweep=${id}`,
        },
        HttpStatus.CONFLICT,
      );
    const results = await this.store.results(id);
    const failed = results.filter((r) => r.error !== undefined).length;
    const view: SweepView = {
      sweep,
      progress: { done: results.length, failed, total: sweep.total },
      results,
    };
    const usable = results.filter((r) => r.error === undefined && r.dates.length > 0).map(rankable);
    try {
      view.ranking = rankSweep(usable, {
        rankBy: sweep.rankBy,
        order: sweep.order,
        split: sweep.options?.split,
        walkForward:
          sweep.options?.walkForward && results.length === sweep.total
            ? { folds: sweep.options.walkForward }
            : undefined,
        convention: sweep.request.convention as string | undefined,
      });
    } catch (error) {
      view.rankingError = (error as Error).message;
    }
    return view;
  }

  /** Queues a sweep's missing combinations again (after a stop); returns how many. */
  private async resume(sweep: SweepRecord): Promise<number> {
    const done = await this.store.done(sweep.id);
    if (sweep.options?.kind === 'factor') {
      const base = sweep.request as unknown as FactorSweepDto;
      const jobs: SweepJob[] = [];
      combinationsOf(sweep.grid as Record<string, number[]>).forEach((params, index) => {
        if (done.has(index)) return;
        try {
          jobs.push({
            sweepId: sweep.id,
            index,
            strategy: 'factor',
            params,
            factor: this.variant(base, params),
          });
        } catch {
          // No longer a valid study.
        }
      });
      await this.executor.enqueue(jobs);
      return jobs.length;
    }
    const entry = this.backtests.strategy(sweep.strategy);
    if (!entry) return 0;
    const base = sweep.request as unknown as Omit<SweepRequestBody, 'grid'>;
    const jobs: SweepJob[] = [];
    combinationsOf(sweep.grid as Record<string, (number | string | boolean)[]>).forEach(
      (params, index) => {
        if (done.has(index)) return;
        try {
          const request = this.backtests.checkRequest(
            { ...base, params: { ...base.params, ...params } },
            entry,
          );
          jobs.push({ sweepId: sweep.id, index, strategy: entry.name, params, request });
        } catch {
          // The strategy changed since: this combination no longer runs.
        }
      },
    );
    await this.executor.enqueue(jobs);
    return jobs.length;
  }

  /** A job on this service's worker threads. */
  private async runHere(job: SweepJob): Promise<void> {
    const entry = job.factor ? undefined : this.backtests.strategy(job.strategy);
    const study = (job.factor ?? job.request)!;
    const outcome = await this.backtests.workers.sweep({
      job,
      file: entry?.file ?? '',
      request: study.source === 'tsdb' ? { ...study, tsdb: this.backtests.tsdb } : study,
    });
    await this.store.saveResult(job.sweepId, outcome, 'thread');
  }
}
