import { riskFreePerPeriod } from '../convention';
import { Metric } from '../metric';
import { mean } from '../stats';
import { beta } from './beta';

/**
 * Annualised alpha. `arithmetic`: (mean(r) − β·mean(b)) · periods, rf ignored (quantstats `greeks`);
 * `geometric`: (1 + mean(r − rf − β(b − rf)))^periods − 1 with rf per period (empyrical `alpha`).
 */
export const alpha: Metric = (input) => {
  const { returns, benchmark, convention } = input;
  if (!benchmark) return NaN;
  const b = beta(input);
  if (convention.alpha === 'arithmetic')
    return (mean(returns) - b * mean(benchmark)) * convention.periodsPerYear;
  const rf = riskFreePerPeriod(convention);
  const active = returns.map((r, i) => r - rf - b * (benchmark[i]! - rf));
  return (1 + mean(active)) ** convention.periodsPerYear - 1;
};
