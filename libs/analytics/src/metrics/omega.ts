import { Metric } from '../metric';
import { excessReturns } from './excess';

/**
 * Omega ratio at the risk-free threshold: Σ(r − rf)⁺ / Σ(rf − r)⁺, rf per period under the
 * convention (quantstats `omega(returns, rf)` prepares the returns with rf; empyrical `omega_ratio`
 * subtracts `risk_free`; the required return is 0). NaN when no return is below the threshold.
 */
export const omega: Metric = (input) => {
  let gains = 0;
  let losses = 0;
  for (const r of excessReturns(input))
    if (r > 0) gains += r;
    else losses -= r;
  return losses > 0 ? gains / losses : NaN;
};
