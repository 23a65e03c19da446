import { ddofOf } from '../convention';
import { Metric } from '../metric';
import { std } from '../stats';

/**
 * Annualised volatility: std(r) · √periods (sample or population std by convention). quantstats
 * `volatility`, empyrical `annual_volatility`.
 */
export const volatility: Metric = ({ returns, convention }) =>
  std(returns, ddofOf(convention)) * Math.sqrt(convention.periodsPerYear);
