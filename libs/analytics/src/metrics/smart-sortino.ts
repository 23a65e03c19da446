import { Metric } from '../metric';
import { mean } from '../stats';
import { autocorrPenalty } from './autocorr-penalty';
import { excessReturns } from './excess';
import { downsideDeviation } from './sortino';

/**
 * Smart Sortino: mean(r − rf) / (downside deviation · autocorrelation penalty) · √periods (quantstats
 * `smart_sortino`, i.e. `sortino(smart=True)`).
 */
export const smartSortino: Metric = (input) => {
  const excess = excessReturns(input);
  const divisor = downsideDeviation(excess) * autocorrPenalty(excess);
  return (mean(excess) / divisor) * Math.sqrt(input.convention.periodsPerYear);
};

/** Smart Sortino / √2 (quantstats `adjusted_sortino(smart=True)`, the report's "Smart Sortino/√2"). */
export const smartAdjustedSortino: Metric = (input) => smartSortino(input) / Math.SQRT2;
