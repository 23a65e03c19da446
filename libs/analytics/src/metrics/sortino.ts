import { Metric } from '../metric';
import { mean } from '../stats';
import { excessReturns } from './excess';

/**
 * Sortino ratio: mean(r − rf) / √(Σ_{r<0} r² / N) · √periods, N = all observations (Red Rock; quantstats
 * `sortino`; equals empyrical `sortino_ratio` with required return 0).
 */
export const sortino: Metric = (input) => {
  const excess = excessReturns(input);
  let squares = 0;
  for (const r of excess) if (r < 0) squares += r * r;
  const downside = Math.sqrt(squares / excess.length);
  return (mean(excess) / downside) * Math.sqrt(input.convention.periodsPerYear);
};
