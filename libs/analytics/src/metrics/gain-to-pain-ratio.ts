import { Metric } from '../metric';
import { sum } from '../stats';

/**
 * Gain to pain ratio: Σr / |Σ(r < 0)| on the period returns. quantstats `gain_to_pain_ratio` (daily).
 */
export const gainToPainRatio: Metric = ({ returns }) => {
  const losses = sum(returns.filter((r) => r < 0));
  return losses < 0 ? sum(returns) / Math.abs(losses) : NaN;
};
