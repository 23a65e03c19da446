import { Metric } from '../metric';
import { comp } from './comp';
import { ulcerIndex } from './ulcer-index';

/**
 * Ulcer performance index: (comp − rf) / ulcer index, rf annual as given (quantstats `upi`, rf 0 default).
 */
export const ulcerPerformanceIndex: Metric = (input) =>
  (comp(input) - input.convention.riskFree) / ulcerIndex(input);
