import { Metric } from '../metric';
import { beta } from './beta';
import { comp } from './comp';

/**
 * Treynor ratio: (comp − rf) / β, rf annual as given. quantstats `treynor_ratio`.
 */
export const treynorRatio: Metric = (input) =>
  (comp(input) - input.convention.riskFree) / beta(input);
