import type { Convention } from './convention';

/** What a statistic reads: the period returns, the convention, and a date-aligned benchmark. */
export interface MetricInput {
  returns: readonly number[];
  convention: Convention;
  /** Benchmark returns aligned with `returns` (same length), for the relative statistics. */
  benchmark?: readonly number[];
}

export type Metric = (input: MetricInput) => number;
