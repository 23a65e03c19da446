import { Metric } from '../metric';
import { cagr } from './cagr';
import { maxDrawdown } from './max-drawdown';

/**
 * Calmar ratio: annual return / |max drawdown|; NaN without a drawdown. quantstats `calmar`, empyrical
 * `calmar_ratio`.
 */
export const calmar: Metric = (input) => {
  const mdd = maxDrawdown(input);
  return mdd < 0 ? cagr(input) / Math.abs(mdd) : NaN;
};
