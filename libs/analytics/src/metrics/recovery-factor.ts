import { Metric } from '../metric';
import { sum } from '../stats';
import { maxDrawdown } from './max-drawdown';

/**
 * Recovery factor: |Σr − rf| / |max drawdown| (sum, not compounded). quantstats `recovery_factor`.
 */
export const recoveryFactor: Metric = (input) =>
  Math.abs(sum(input.returns) - input.convention.riskFree) / Math.abs(maxDrawdown(input));
