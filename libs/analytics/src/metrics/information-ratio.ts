import { Metric } from '../metric';
import { mean, std } from '../stats';

/**
 * Information ratio: mean(r − b) / std(r − b), not annualised. quantstats `information_ratio`,
 * empyrical `excess_sharpe`.
 */
export const informationRatio: Metric = ({ returns, benchmark }) => {
  if (!benchmark) return NaN;
  const active = returns.map((r, i) => r - benchmark[i]!);
  return mean(active) / std(active, 1);
};
