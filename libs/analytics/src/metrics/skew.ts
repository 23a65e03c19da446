import { Metric } from '../metric';
import { skewness } from '../stats';

/**
 * Skewness of the returns: bias-corrected G1 (pandas, quantstats `skew`) or biased g1 (scipy default,
 * pyfolio / empyrical users) by convention.
 */
export const skew: Metric = ({ returns, convention }) =>
  skewness(returns, convention.moments === 'biased');
