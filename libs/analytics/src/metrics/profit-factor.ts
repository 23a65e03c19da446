import { Metric } from '../metric';

/**
 * Profit factor: Σ(r ≥ 0) / |Σ(r < 0)|. quantstats `profit_factor`.
 */
export const profitFactor: Metric = ({ returns }) => {
  let gains = 0;
  let losses = 0;
  for (const r of returns)
    if (r >= 0) gains += r;
    else losses += r;
  return losses < 0 ? gains / Math.abs(losses) : NaN;
};
