import { Metric } from '../metric';
import { mean } from '../stats';

/**
 * Stability: R² of a least-squares line through the cumulative log returns Σ ln(1 + r) against time
 * (empyrical `stability_of_timeseries`, pyfolio's "Stability").
 */
export const stabilityOfTimeseries: Metric = ({ returns }) => {
  const n = returns.length;
  if (n < 2) return NaN;
  let cumulative = 0;
  const y = returns.map((r) => (cumulative += Math.log1p(r)));
  const my = mean(y);
  const mx = (n - 1) / 2;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = i - mx;
    const dy = y[i]! - my;
    cov += dx * dy;
    vx += dx * dx;
    vy += dy * dy;
  }
  return (cov * cov) / (vx * vy);
};
