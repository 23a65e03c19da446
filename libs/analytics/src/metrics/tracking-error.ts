import { ddofOf } from '../convention';
import { Metric } from '../metric';
import { std } from '../stats';

/**
 * Tracking error: std(r − b) · √periods (annualised).
 */
export const trackingError: Metric = ({ returns, benchmark, convention }) =>
  benchmark
    ? std(
        returns.map((r, i) => r - benchmark[i]!),
        ddofOf(convention),
      ) * Math.sqrt(convention.periodsPerYear)
    : NaN;
