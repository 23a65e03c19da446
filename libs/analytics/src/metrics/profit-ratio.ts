import { Metric } from '../metric';
import { mean } from '../stats';

/**
 * Profit ratio: |mean(r ≥ 0) / #(r ≥ 0)| / |mean(r < 0) / #(r < 0)| (quantstats `profit_ratio`, the
 * report's "Profit Ratio").
 */
export const profitRatio: Metric = ({ returns }) => {
  const wins = returns.filter((r) => r >= 0);
  const losses = returns.filter((r) => r < 0);
  return Math.abs(mean(wins) / wins.length) / Math.abs(mean(losses) / losses.length);
};
