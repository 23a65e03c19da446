import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { analyseNav, drawdownPeriods, resolveConvention } from '@qautlra/analytics';
import { BacktestResult, dayBefore, DailyRecord } from '@qautlra/backtest';
import { toIsoDate } from '@qautlra/calendar';
import {
  ProductSheet,
  renderProductSheet,
  sheetCurves,
  SheetLang,
  sheetWords,
} from '@qautlra/report';
import { BAR_FREQUENCIES, BarFrequency, resolveParameters } from '@qautlra/execution';
import { DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import { simInstrumentFor } from '@qautlra/sim';
import { randomUUID } from 'node:crypto';
import { Observable, Subject } from 'rxjs';
import type { BacktestConfig } from './config';
import type { RunRequestBody } from './rest/dto';
import { SourceError, tradingDaysOf } from './runs/market-source';
import type { Progress, RunRequest } from './runs/run-backtest';
import type { ChartBar } from './runs/run.worker';
import { RunPool } from './runs/run-pool';
import { StrategyCatalog, StrategyEntry } from '@qautlra/strategies';
import { BACKTEST_MIGRATIONS, BacktestDatabase, RunRecord, RunStore } from './store/run-store';
import type { Kysely } from 'kysely';
import { BACKTEST_CONFIG } from './tokens';

/** What a run's event stream says: progress, then the end. */
export type RunEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; run: RunRecord }
  | { type: 'failed'; error: string };

/** Most trading days a run may span (bars), and with ticks. */
const MAX_DAYS = 2_500;
const MAX_TICK_DAYS = 20;
/** Most runs waiting or running at once. */
const MAX_PENDING = 500;

/** Orchestrates runs: checks a request, queues it on the worker pool, stores what it gives. */
@Injectable()
export class BacktestService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('backtest');
  private handle?: DatabaseHandle<BacktestDatabase>;
  private store!: RunStore;
  private catalog!: StrategyCatalog;
  private pool!: RunPool;
  private readonly live = new Map<string, { progress?: Progress; events: Subject<RunEvent> }>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    @Inject(BACKTEST_CONFIG) private readonly config: BacktestConfig,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.handle = await openAppDatabase<BacktestDatabase>({
      url: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      migrations: BACKTEST_MIGRATIONS,
      migrationTable: 'backtest_migration',
      health: this.health,
    });
    this.store = new RunStore(this.handle.db);
    const interrupted = await this.store.failInterrupted();
    if (interrupted > 0) this.logger.warn(`${interrupted} run(s) interrupted by the last stop`);
    this.catalog = new StrategyCatalog(this.config.strategyDirs);
    for (const failure of this.catalog.failures())
      this.logger.warn(`strategy file not offered: ${failure.problem}`);
    this.pool = new RunPool(this.config.threads);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
    await Promise.allSettled(this.running);
    await this.handle?.close();
  }

  strategies(): StrategyEntry[] {
    return this.catalog.list();
  }

  /** A strategy offered, by name. */
  strategy(name: string): StrategyEntry | undefined {
    return this.catalog.get(name);
  }

  /** The service's database (runs, results, sweeps). */
  get database(): Kysely<BacktestDatabase> {
    return this.handle!.db;
  }

  /** The worker-thread pool. */
  get workers(): RunPool {
    return this.pool;
  }

  /** The tsdb this service reads (address and credentials: never stored with a request). */
  get tsdb(): BacktestConfig['tsdb'] {
    return this.config.tsdb;
  }

  /** A stored request as it runs: a tsdb source gets the service's address and credentials. */
  withSecrets(request: RunRequest): RunRequest {
    return request.source === 'tsdb' ? { ...request, tsdb: this.config.tsdb } : request;
  }

  /** Checks a request and queues its run. */
  async submit(dto: RunRequestBody, sweepId?: string): Promise<RunRecord> {
    if (this.live.size >= MAX_PENDING)
      throw new HttpException(
        { code: 'TOO_MANY_RUNS', message: `${MAX_PENDING} runs are waiting already; try later` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const entry = this.catalog.get(dto.strategy);
    if (!entry)
      throw new NotFoundException({
        code: 'UNKNOWN_STRATEGY',
        message: `no strategy ${dto.strategy}; GET /api/strategies lists them`,
      });
    const request = this.checkRequest(dto, entry);
    const id = randomUUID();
    await this.store.createRun({
      id,
      sweepId,
      strategy: entry.name,
      request: request as unknown as Record<string, unknown>,
    });
    const events = new Subject<RunEvent>();
    this.live.set(id, { events });
    const execution = this.execute(id, entry, request).finally(() =>
      this.running.delete(execution),
    );
    this.running.add(execution);
    return (await this.store.run(id))!;
  }

  async run(id: string): Promise<RunRecord> {
    const run = await this.store.run(id);
    if (!run) throw new NotFoundException({ code: 'UNKNOWN_RUN', message: `no run ${id}` });
    const progress = this.live.get(id)?.progress;
    return progress ? { ...run, progress } : run;
  }

  runs(limit: number, sweepId?: string): Promise<RunRecord[]> {
    return this.store.runs({ limit, sweepId });
  }

  async part(
    id: string,
    part: 'trades' | 'orders' | 'daily' | 'equity' | 'logs',
  ): Promise<unknown> {
    const run = await this.run(id);
    if (run.status !== 'done')
      throw new HttpException(
        { code: 'RUN_NOT_DONE', message: `run ${id} is ${run.status}` },
        HttpStatus.CONFLICT,
      );
    return this.store.result(id, part);
  }

  /**
   * A finished run's HTML report: the fund tear sheet (libs/report) of the default account's daily
   * NAV — cumulative return, drawdown, rolling Sharpe and volatility, monthly heat map, yearly
   * returns, worst drawdowns, every statistic.
   */
  async report(id: string, lang: SheetLang = 'en'): Promise<string> {
    const run = await this.run(id);
    const daily = (await this.part(id, 'daily')) as DailyRecord[];
    const account = run.summary?.accounts[0];
    if (!account) throw new HttpException({ code: 'RUN_NOT_DONE', message: 'no summary' }, 409);
    const own = daily.filter((record) => record.account === account.name);
    if (own.length < 2) throw new BadRequestException('a report needs at least two trading days');
    const convention = resolveConvention(run.request.convention as string | undefined);
    const dates = [
      dayBefore(own[0]!.tradingDay),
      ...own.map((record) => toIsoDate(record.tradingDay)),
    ];
    const navs = [1, ...own.map((record) => record.balance / account.initCash)];
    const analysis = analyseNav(dates, navs, convention, { rolling: true });
    const curves = sheetCurves(dates, navs, convention);
    const sheet: ProductSheet = {
      product: {
        code: run.strategy,
        name: `${run.strategy} ${JSON.stringify(run.summary?.params ?? {})} · ${run.summary?.instruments.join(', ') ?? ''}`,
        nav_field: 'balance',
        analysis,
        cumulative: curves.cumulative,
        drawdown: curves.drawdown,
      },
      start: dates[0] ?? null,
      end: dates[dates.length - 1] ?? null,
      dates: curves.dates,
      worstDrawdowns: drawdownPeriods(curves.dates, curves.returns, convention.returnType)
        .sort((x, y) => x.depth - y.depth)
        .slice(0, 5),
    };
    return renderProductSheet(sheet, sheetWords(lang));
  }

  /**
   * The bars a run replayed for one instrument (made again from its request: the sources are
   * deterministic), at its frequency or a coarser one; at most 50,000.
   */
  async bars(id: string, instrument: string, frequency?: string): Promise<ChartBar[]> {
    const run = await this.run(id);
    const request = run.request as unknown as RunRequest;
    if (!request.instruments.includes(instrument))
      throw new BadRequestException(`run ${id} has no instrument ${instrument}`);
    const wanted = (frequency ??
      (request.frequency === 'tick' ? '1m' : request.frequency)) as BarFrequency;
    const coarsest = BAR_FREQUENCIES.indexOf(
      request.frequency === 'tick' ? '1m' : request.frequency,
    );
    if (BAR_FREQUENCIES.indexOf(wanted) < coarsest)
      throw new BadRequestException(
        `frequency must be one of ${BAR_FREQUENCIES.slice(coarsest).join(', ')} (the run's or coarser)`,
      );
    const source = request.source === 'tsdb' ? { ...request, tsdb: this.config.tsdb } : request;
    try {
      return await this.pool.bars({
        request: { ...source, instruments: [instrument] },
        frequency: wanted,
        most: 50_000,
      });
    } catch (error) {
      if (
        error instanceof Error &&
        /SourceError|too many bars/.test(`${error.name} ${error.message}`)
      )
        throw new BadRequestException(error.message);
      throw error;
    }
  }

  /** Progress, then the end, of a run (a finished run: its end at once). */
  async events(id: string): Promise<Observable<RunEvent>> {
    const run = await this.run(id);
    const live = this.live.get(id);
    if (live) return live.events.asObservable();
    return new Observable<RunEvent>((subscriber) => {
      subscriber.next(
        run.status === 'done' ? { type: 'done', run } : { type: 'failed', error: run.error ?? '' },
      );
      subscriber.complete();
    });
  }

  /** The run request of a DTO, every field checked (a 400 names what is wrong). */
  checkRequest(
    dto: Omit<RunRequestBody, 'strategy'> & { strategy?: string },
    entry: StrategyEntry,
  ): RunRequest {
    const frequency = dto.frequency ?? '1m';
    let days: number;
    try {
      resolveParameters(
        {
          name: entry.name,
          parameters: entry.parameters,
          create: () => ({}),
        },
        dto.params ?? {},
      );
      days = tradingDaysOf(dto).length;
    } catch (error) {
      if (error instanceof RangeError || error instanceof SourceError)
        throw new BadRequestException(error.message);
      throw error;
    }
    if ((dto.source ?? 'sim') === 'sim') {
      const unknown = dto.instruments.filter((id) => !simInstrumentFor(id));
      if (unknown.length > 0)
        throw new BadRequestException(
          `the sim has no instrument ${unknown.join(', ')} (a futures product or an A-share)`,
        );
    }
    const most = frequency === 'tick' ? MAX_TICK_DAYS : MAX_DAYS;
    if (days === 0) throw new BadRequestException('from–to holds no trading day');
    if (days > most)
      throw new BadRequestException(
        `from–to spans ${days} trading days; at most ${most} with ${frequency} data`,
      );
    return {
      // The tsdb's address and credentials join at run time: a stored request holds no secret.
      source: dto.source ?? 'sim',
      instruments: dto.instruments,
      from: dto.from,
      to: dto.to,
      frequency,
      seed: dto.seed,
      params: dto.params ?? {},
      accounts: dto.cash === undefined ? undefined : [{ name: 'backtest', initCash: dto.cash }],
      fill: dto.fill,
      volumeCap: dto.volume_cap,
      slippageTicks: dto.slippage_ticks,
      convention: dto.convention,
    };
  }

  private async execute(id: string, entry: StrategyEntry, request: RunRequest): Promise<void> {
    const live = this.live.get(id)!;
    let saved = 0;
    try {
      await this.store.markRunning(id);
      const result = await this.pool.run(
        { file: entry.file, request: this.withSecrets(request) },
        (progress) => {
          live.progress = progress;
          live.events.next({ type: 'progress', progress });
          if (Date.now() - saved > 1_000) {
            saved = Date.now();
            void this.store.saveProgress(id, progress).catch(() => undefined);
          }
        },
      );
      await this.store.finish(id, this.bounded(result));
      await this.store.saveProgress(id, live.progress ?? null);
      live.events.next({ type: 'done', run: (await this.store.run(id))! });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      await this.store.fail(id, message).catch(() => undefined);
      live.events.next({ type: 'failed', error: message });
    } finally {
      live.events.complete();
      this.live.delete(id);
    }
  }

  /** A result within the stored-size bound: past it, the daily QIFI documents drop their records. */
  private bounded(result: BacktestResult): BacktestResult {
    if (JSON.stringify(result).length <= this.config.maxResultBytes) return result;
    const lean: BacktestResult = {
      ...result,
      daily: result.daily.map((day) => ({ ...day, qifi: { ...day.qifi, orders: {}, trades: {} } })),
      logs: [
        ...result.logs,
        {
          at: 0,
          message: `the result passed ${this.config.maxResultBytes} bytes: daily QIFI documents are kept without their orders and trades (see trades and orders)`,
        },
      ],
    };
    return lean;
  }
}
