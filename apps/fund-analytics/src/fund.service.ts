import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  computeMetrics,
  ConventionOverrides,
  inferPeriodsPerYear,
  MetricsResult,
  NavPoint,
  navToReturns,
  resolveConvention,
} from '@qautlra/analytics';
import { DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import type { FundConfig } from './config';
import { ImportProblem, NavRecord, readNavFile } from './import/nav-import';
import { FUND_MIGRATIONS, FundDatabase, FundStore, ProductChange } from './store/fund-store';
import { FUND_CONFIG } from './tokens';

export type ImportOutcome =
  | { ok: true; dryRun: boolean; products: ProductChange[] }
  | { ok: false; problems: ImportProblem[] };

export interface AnalysisRequest {
  preset?: string;
  start?: string;
  end?: string;
  benchmark?: string;
  overrides?: ConventionOverrides;
}

export interface Analysis extends MetricsResult {
  code: string;
  name: string;
  /** Which NAV the returns come from: adjusted, else accumulated, else unit (when every point has it). */
  nav_field: 'adj_nav' | 'acc_nav' | 'unit_nav';
  start: string | null;
  end: string | null;
  benchmark?: { code: string; name: string; nav_field: string };
  /** How the product and the benchmark were put on common dates. */
  alignment?: string;
}

/** The NAV a performance series uses, and its points. */
export function performanceSeries(records: readonly NavRecord[]): {
  field: Analysis['nav_field'];
  points: NavPoint[];
} {
  if (records.length > 0 && records.every((r) => r.adjNav !== undefined))
    return { field: 'adj_nav', points: records.map((r) => ({ date: r.date, nav: r.adjNav! })) };
  if (records.length > 0 && records.every((r) => r.accNav !== undefined))
    return { field: 'acc_nav', points: records.map((r) => ({ date: r.date, nav: r.accNav! })) };
  return { field: 'unit_nav', points: records.map((r) => ({ date: r.date, nav: r.unitNav })) };
}

export class AnalysisError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

@Injectable()
export class FundService implements OnModuleInit, OnApplicationShutdown {
  private handle?: DatabaseHandle<FundDatabase>;
  store!: FundStore;

  constructor(
    @Inject(FUND_CONFIG) private readonly config: FundConfig,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.handle = await openAppDatabase<FundDatabase>({
      url: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      migrations: FUND_MIGRATIONS,
      migrationTable: 'fund_migration',
      health: this.health,
    });
    this.store = new FundStore(this.handle.db);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.close();
  }

  /** Reads a file; imports it (or, with `dryRun`, says what would change) only when it has no problem. */
  async importFile(
    data: Buffer,
    fileName: string,
    options: { product?: string; dryRun?: boolean },
  ): Promise<ImportOutcome> {
    const read = await readNavFile(data, fileName, { product: options.product });
    if (read.problems.length > 0) return { ok: false, problems: read.problems };
    const products = await this.store.importProducts(read.products, !options.dryRun);
    return { ok: true, dryRun: options.dryRun === true, products };
  }

  async analyse(code: string, request: AnalysisRequest): Promise<Analysis> {
    const product = await this.store.product(code);
    if (!product) throw new AnalysisError(404, `no product ${code}`);
    const own = performanceSeries(await this.store.nav(code, request.start, request.end));
    let points = own.points;
    let benchmarkPoints: NavPoint[] | undefined;
    let benchmark: Analysis['benchmark'];
    if (request.benchmark) {
      const other = await this.store.product(request.benchmark);
      if (!other) throw new AnalysisError(404, `no benchmark product ${request.benchmark}`);
      const series = performanceSeries(
        await this.store.nav(other.code, request.start, request.end),
      );
      const theirs = new Map(series.points.map((point) => [point.date, point]));
      points = points.filter((point) => theirs.has(point.date));
      benchmarkPoints = points.map((point) => theirs.get(point.date)!);
      benchmark = { ...other, nav_field: series.field };
    }
    if (points.length < 3)
      throw new AnalysisError(
        400,
        `${code} has ${points.length} NAV points in the range${request.benchmark ? ' shared with the benchmark' : ''}; at least 3 are needed`,
      );
    let convention;
    try {
      convention = resolveConvention(
        request.preset,
        request.overrides,
        inferPeriodsPerYear(points.map((p) => p.date)),
      );
    } catch (error) {
      throw new AnalysisError(400, (error as Error).message);
    }
    const returns = navToReturns(points, convention).returns;
    const benchmarkReturns = benchmarkPoints
      ? navToReturns(benchmarkPoints, convention).returns
      : undefined;
    return {
      code: product.code,
      name: product.name,
      nav_field: own.field,
      start: points[0]?.date ?? null,
      end: points.at(-1)?.date ?? null,
      ...computeMetrics(returns, convention, benchmarkReturns),
      ...(benchmark
        ? {
            benchmark,
            alignment:
              'dates both series have (inner join); returns between consecutive common dates',
          }
        : {}),
    };
  }
}
