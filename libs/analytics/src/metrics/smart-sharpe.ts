import { ddofOf } from '../convention';
import { Metric } from '../metric';
import { mean, std } from '../stats';
import { autocorrPenalty } from './autocorr-penalty';
import { excessReturns } from './excess';

/**
 * Smart Sharpe: mean(r − rf) / (std(r − rf) · autocorrelation penalty) · √periods (quantstats
 * `smart_sharpe`, i.e. `sharpe(smart=True)`).
 */
export const smartSharpe: Metric = (input) => {
  const excess = excessReturns(input);
  const divisor = std(excess, ddofOf(input.convention)) * autocorrPenalty(excess);
  return (mean(excess) / divisor) * Math.sqrt(input.convention.periodsPerYear);
};
