import { Metric } from '../metric';
import { mean } from '../stats';
import { excessReturns } from './excess';

/** Red Rock downside deviation √(Σ_{r<0} r² / N), N = all observations. */
export function downsideDeviation(values: readonly number[]): number {
  let squares = 0;
  for (const r of values) if (r < 0) squares += r * r;
  return Math.sqrt(squares / values.length);
}

/**
 * Sortino ratio: mean(r − rf) / √(Σ_{r<0} r² / N) · √periods, N = all observations (Red Rock; quantstats
 * `sortino`; equals empyrical `sortino_ratio` with required return 0).
 */
export const sortino: Metric = (input) => {
  const excess = excessReturns(input);
  return (mean(excess) / downsideDeviation(excess)) * Math.sqrt(input.convention.periodsPerYear);
};
