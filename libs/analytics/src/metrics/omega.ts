import { Metric } from '../metric';

/**
 * Omega ratio at threshold 0 (required return 0, rf 0): Σ(r)⁺ / Σ(−r)⁺. quantstats `omega`, empyrical
 * `omega_ratio`. NaN when no return is below the threshold.
 */
export const omega: Metric = ({ returns }) => {
  let gains = 0;
  let losses = 0;
  for (const r of returns)
    if (r > 0) gains += r;
    else losses -= r;
  return losses > 0 ? gains / losses : NaN;
};
