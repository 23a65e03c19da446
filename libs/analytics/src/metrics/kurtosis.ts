import { Metric } from '../metric';
import { excessKurtosis } from '../stats';

/**
 * Excess kurtosis of the returns: bias-corrected G2 (pandas, quantstats `kurtosis`) or biased g2
 * (scipy default) by convention.
 */
export const kurtosis: Metric = ({ returns, convention }) =>
  excessKurtosis(returns, convention.moments === 'biased');
