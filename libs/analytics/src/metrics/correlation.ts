import { Metric } from '../metric';
import { covariance } from '../stats';

/**
 * Pearson correlation of returns with the benchmark.
 */
export const correlation: Metric = ({ returns, benchmark }) =>
  benchmark
    ? covariance(returns, benchmark) /
      Math.sqrt(covariance(returns, returns) * covariance(benchmark, benchmark))
    : NaN;
