import { Metric } from '../metric';

/**
 * Win rate: #(r > 0) / #(r ≠ 0). quantstats `win_rate`.
 */
export const winRate: Metric = ({ returns }) => {
  const active = returns.filter((r) => r !== 0);
  return active.length > 0 ? active.filter((r) => r > 0).length / active.length : NaN;
};
