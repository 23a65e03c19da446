import { Metric } from '../metric';

/**
 * Time in market: the share of non-zero returns, rounded up to a whole percent. quantstats `exposure`.
 */
export const exposure: Metric = ({ returns }) => {
  if (returns.length === 0) return NaN;
  const share = returns.filter((r) => r !== 0).length / returns.length;
  return Math.ceil(share * 100) / 100;
};
