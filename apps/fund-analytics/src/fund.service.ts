import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  analyseNav,
  drawdownPeriods,
  BENCHMARK_METRICS,
  ConventionOverrides,
  inferPeriodsPerYear,
  MetricsResult,
  NavPoint,
  navToReturns,
  resolveConvention,
  SeriesAnalysis,
} from '@qautlra/analytics';
import { DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import { AnalysisPool } from './compute/analysis-pool';
import type { FundConfig } from './config';
import { ImportProblem, NavRecord, readNavFile } from './import/nav-import';
import { FUND_MIGRATIONS, FundDatabase, FundStore, ProductChange } from './store/fund-store';
import { FUND_CONFIG } from './tokens';
import { ComparisonSheet, ProductSheet, sheetCurves as curves, SheetSeries } from '@qautlra/report';

const computeCorrelation = (a: readonly number[], b: readonly number[]) =>
  BENCHMARK_METRICS.correlation!({ returns: a, benchmark: b, convention: resolveConvention() });

export type ImportOutcome =
  | { ok: true; dryRun: boolean; products: ProductChange[] }
  | { ok: false; problems: ImportProblem[] };

export interface AnalysisRequest {
  preset?: string;
  start?: string;
  end?: string;
  benchmark?: string;
  overrides?: ConventionOverrides;
  /** Also the rolling Sharpe / Sortino / volatility series (the tear sheet's charts). */
  rolling?: boolean;
}

export interface Analysis extends SeriesAnalysis {
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

export interface CompareRequest extends AnalysisRequest {
  codes: string[];
  /** A metric key to rank by; `order` defaults to what is better for that metric. */
  rankBy?: string;
  order?: 'asc' | 'desc';
}

/** Statistics where a lower value is better (ranked ascending unless told otherwise). */
const LOWER_IS_BETTER = new Set([
  'volatility',
  'ulcer_index',
  'risk_of_ruin',
  'consecutive_losses',
  'tracking_error',
]);

export interface Comparison {
  convention: MetricsResult['convention'];
  alignment: string;
  start: string | null;
  end: string | null;
  observations: number;
  /** Whether the products were computed on worker threads or inline. */
  computed: 'workers' | 'inline';
  products: {
    code: string;
    name: string;
    nav_field: string;
    metrics: MetricsResult['metrics'];
    drawdown: SeriesAnalysis['drawdown'];
    trailing: SeriesAnalysis['trailing'];
  }[];
  benchmark?: { code: string; name: string; nav_field: string };
  ranking?: { by: string; order: 'asc' | 'desc'; codes: string[] };
  /** Pearson correlation of the aligned returns, in the order of `products`. */
  correlation: (number | null)[][];
}

/** The convention of a request on these dates (periods inferred from their spacing). */
function conventionFor(request: AnalysisRequest, dates: readonly string[]) {
  try {
    return resolveConvention(request.preset, request.overrides, inferPeriodsPerYear(dates));
  } catch (error) {
    throw new AnalysisError(400, (error as Error).message);
  }
}

/** Runs an analysis; a NAV it cannot use becomes a 400 naming the product. */
function analyseOrRefuse(code: string, run: () => SeriesAnalysis): SeriesAnalysis {
  try {
    return run();
  } catch (error) {
    throw new AnalysisError(400, `${code}: ${(error as Error).message}`);
  }
}

/** The most products one comparison takes. */
export const MAX_COMPARE = 1000;

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
  readonly pool = new AnalysisPool();

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
    await this.pool.close();
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

  /** A product's NAV points in the range (on the dates it shares with the benchmark, if any). */
  private async loadProduct(code: string, request: AnalysisRequest) {
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
    const dates = points.map((point) => point.date);
    const convention = conventionFor(request, dates);
    return { product, field: own.field, dates, points, benchmarkPoints, benchmark, convention };
  }

  async analyse(code: string, request: AnalysisRequest): Promise<Analysis> {
    const loaded = await this.loadProduct(code, request);
    const { product, points, benchmark } = loaded;
    const analysis = analyseOrRefuse(code, () =>
      analyseNav(
        loaded.dates,
        points.map((point) => point.nav),
        loaded.convention,
        {
          benchmarkNavs: loaded.benchmarkPoints?.map((point) => point.nav),
          rolling: request.rolling,
        },
      ),
    );
    return {
      code: product.code,
      name: product.name,
      nav_field: loaded.field,
      start: points[0]?.date ?? null,
      end: points.at(-1)?.date ?? null,
      ...analysis,
      ...(benchmark
        ? {
            benchmark,
            alignment:
              'dates both series have (inner join); returns between consecutive common dates',
          }
        : {}),
    };
  }

  /** What the tear sheet of one product draws: its analysis, the benchmark's, and their curves. */
  async productSheet(code: string, request: AnalysisRequest): Promise<ProductSheet> {
    const analysis = await this.analyse(code, { ...request, rolling: true });
    const loaded = await this.loadProduct(code, request);
    const navs = loaded.points.map((point) => point.nav);
    const own = curves(loaded.dates, navs, loaded.convention);
    let benchmark: ProductSheet['benchmark'];
    if (loaded.benchmark && loaded.benchmarkPoints) {
      const benchNavs = loaded.benchmarkPoints.map((point) => point.nav);
      benchmark = {
        code: loaded.benchmark.code,
        name: loaded.benchmark.name,
        analysis: analyseOrRefuse(loaded.benchmark.code, () =>
          analyseNav(loaded.dates, benchNavs, loaded.convention, { rolling: true }),
        ),
        ...curves(loaded.dates, benchNavs, loaded.convention),
      };
    }
    return {
      product: {
        code: analysis.code,
        name: analysis.name,
        nav_field: analysis.nav_field,
        analysis,
        cumulative: own.cumulative,
        drawdown: own.drawdown,
      },
      benchmark,
      start: analysis.start,
      end: analysis.end,
      dates: own.dates,
      worstDrawdowns: drawdownPeriods(own.dates, own.returns, loaded.convention.returnType)
        .sort((x, y) => x.depth - y.depth)
        .slice(0, 5),
      alignment: analysis.alignment,
    };
  }

  /**
   * N products over one date range: the dates every product (and the benchmark) has (inner join),
   * returns between consecutive common dates, the statistics of each, a ranking and the
   * correlation matrix.
   */
  async compare(request: CompareRequest): Promise<Comparison> {
    return (await this.runComparison(request, false)).comparison;
  }

  /** What the tear sheet of a comparison draws: every product's analysis and curves. */
  async comparisonSheet(request: CompareRequest): Promise<ComparisonSheet> {
    const { comparison, dates, navs, results, series } = await this.runComparison(request, true);
    const sheetSeries = (index: number): SheetSeries => {
      const result = results[index]! as SeriesAnalysis;
      const drawn = curves(dates, navs[index]!, comparison.convention);
      return {
        code: series[index]!.code,
        name: series[index]!.name,
        analysis: result,
        cumulative: drawn.cumulative,
        drawdown: drawn.drawdown,
      };
    };
    const count = comparison.products.length;
    return {
      convention: comparison.convention,
      start: comparison.start,
      end: comparison.end,
      dates: curves(dates, navs[0]!, comparison.convention).dates,
      alignment: comparison.alignment,
      products: comparison.products.map((_, index) => sheetSeries(index)),
      benchmark: request.benchmark ? sheetSeries(count) : undefined,
      ranking: comparison.ranking,
      correlation: comparison.correlation,
    };
  }

  private async runComparison(request: CompareRequest, rolling: boolean) {
    const codes = [...new Set(request.codes)];
    if (codes.length < 2 || codes.length > MAX_COMPARE)
      throw new AnalysisError(400, `codes must list 2 to ${MAX_COMPARE} products`);
    const all = request.benchmark ? [...codes, request.benchmark] : codes;
    const series: ({ code: string; name: string } & ReturnType<typeof performanceSeries>)[] = [];
    for (const code of all) {
      const product = await this.store.product(code);
      if (!product) throw new AnalysisError(404, `no product ${code}`);
      series.push({
        ...product,
        ...performanceSeries(await this.store.nav(code, request.start, request.end)),
      });
    }
    let common = new Set(series[0]!.points.map((point) => point.date));
    for (const one of series.slice(1)) {
      const dates = new Set(one.points.map((point) => point.date));
      common = new Set([...common].filter((date) => dates.has(date)));
    }
    const dates = [...common].sort();
    if (dates.length < 3)
      throw new AnalysisError(
        400,
        `the products share ${dates.length} NAV dates in the range; at least 3 are needed`,
      );
    const convention = conventionFor(request, dates);
    const navs = series.map((one) => {
      const byDate = new Map(one.points.map((point) => [point.date, point.nav]));
      return Float64Array.from(dates, (date) => byDate.get(date)!);
    });
    // The benchmark's own statistics are computed with the products (the sheet shows them).
    const { mode, results } = await this.pool.run({
      dates,
      convention,
      series: navs,
      benchmark: request.benchmark ? navs.at(-1) : undefined,
      rolling,
    });
    const failed = results.findIndex((result) => 'error' in result);
    if (failed >= 0)
      throw new AnalysisError(
        400,
        `${series[failed]!.code}: ${(results[failed] as { error: string }).error}`,
      );
    const products = codes.map((code, index) => {
      const result = results[index] as SeriesAnalysis;
      return {
        code,
        name: series[index]!.name,
        nav_field: series[index]!.field,
        metrics: result.metrics,
        drawdown: result.drawdown,
        trailing: result.trailing,
      };
    });
    let ranking: Comparison['ranking'];
    if (request.rankBy) {
      const by = request.rankBy;
      if (!(by in products[0]!.metrics))
        throw new AnalysisError(400, `cannot rank by ${by}: not a metric here`);
      const order = request.order ?? (LOWER_IS_BETTER.has(by) ? 'asc' : 'desc');
      const value = (entry: (typeof products)[number]) => entry.metrics[by] ?? null;
      const sorted = [...products].sort((a, b) => {
        const x = value(a);
        const y = value(b);
        if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
        return order === 'asc' ? x - y : y - x;
      });
      ranking = { by, order, codes: sorted.map((entry) => entry.code) };
    }
    const returns = navs.slice(0, codes.length).map(
      (values) =>
        navToReturns(
          dates.map((date, i) => ({ date, nav: values[i]! })),
          convention,
        ).returns,
    );
    const correlation = returns.map((a) =>
      returns.map((b) => {
        const value = computeCorrelation(a, b);
        return Number.isFinite(value) ? value : null;
      }),
    );
    const comparison: Comparison = {
      convention,
      alignment:
        'dates every product (and the benchmark) has (inner join); returns between consecutive common dates',
      start: dates[0] ?? null,
      end: dates.at(-1) ?? null,
      observations: returns[0]!.length,
      computed: mode,
      products,
      ...(request.benchmark
        ? {
            benchmark: {
              code: series.at(-1)!.code,
              name: series.at(-1)!.name,
              nav_field: series.at(-1)!.field,
            },
          }
        : {}),
      ...(ranking ? { ranking } : {}),
      correlation,
    };
    return { comparison, dates, navs, results, series };
  }
}
