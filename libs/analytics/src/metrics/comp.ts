import { Metric } from '../metric';

/**
 * Total compounded return: ∏(1 + r) − 1. quantstats `comp`, empyrical `cum_returns_final`.
 */
export const comp: Metric = ({ returns }) => returns.reduce((total, r) => total * (1 + r), 1) - 1;
