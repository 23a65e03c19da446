import { Metric } from '../metric';
import { covariance } from '../stats';

/**
 * Beta: cov(r, b) / var(b), sample (ddof 1). quantstats `greeks`, empyrical `beta`.
 */
export const beta: Metric = ({ returns, benchmark }) =>
  benchmark ? covariance(returns, benchmark) / covariance(benchmark, benchmark) : NaN;
