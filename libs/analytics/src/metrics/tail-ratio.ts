import { Metric } from '../metric';
import { quantile } from '../stats';

/**
 * Tail ratio: |q0.95 / q0.05| with linear-interpolation quantiles. quantstats `tail_ratio`, empyrical
 * `tail_ratio`.
 */
export const tailRatio: Metric = ({ returns }) =>
  Math.abs(quantile(returns, 0.95) / quantile(returns, 0.05));
