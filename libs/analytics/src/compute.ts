import { Convention } from './convention';
import { BENCHMARK_METRICS, SERIES_METRICS } from './metrics';

export interface MetricsResult {
  convention: Convention;
  /** Observations the statistics were computed on. */
  observations: number;
  /** quantstats names → values (`null` where the statistic is undefined, e.g. no losses). */
  metrics: Record<string, number | null>;
}

/** Every statistic of a return series (and, with a same-length benchmark, the relative ones). */
export function computeMetrics(
  returns: readonly number[],
  convention: Convention,
  benchmark?: readonly number[],
): MetricsResult {
  if (benchmark && benchmark.length !== returns.length)
    throw new Error(`benchmark has ${benchmark.length} returns, the series ${returns.length}`);
  const input = { returns, convention, benchmark };
  const metrics: Record<string, number | null> = {};
  const table = benchmark ? { ...SERIES_METRICS, ...BENCHMARK_METRICS } : SERIES_METRICS;
  for (const [name, metric] of Object.entries(table)) {
    const value = metric(input);
    metrics[name] = Number.isFinite(value) ? value : null;
  }
  return { convention, observations: returns.length, metrics };
}
