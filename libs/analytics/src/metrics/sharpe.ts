import { ddofOf } from '../convention';
import { Metric } from '../metric';
import { mean, std } from '../stats';
import { excessReturns } from './excess';

/**
 * Sharpe ratio: mean(r − rf) / std(r − rf) · √periods. quantstats `sharpe`, empyrical `sharpe_ratio`,
 * TqSdk (population std, rf 2.5 %), vn.py (log returns, rf/√240).
 */
export const sharpe: Metric = (input) => {
  const excess = excessReturns(input);
  return (
    (mean(excess) / std(excess, ddofOf(input.convention))) *
    Math.sqrt(input.convention.periodsPerYear)
  );
};
