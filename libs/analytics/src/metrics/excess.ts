import { riskFreePerPeriod } from '../convention';
import { MetricInput } from '../metric';

/**
 * Excess returns r − rf, with rf per period under the convention (quantstats de-annualises an annual
 * rf geometrically; empyrical takes it per period; vn.py divides it by √periods).
 */
export function excessReturns({ returns, convention }: MetricInput): number[] {
  const rf = riskFreePerPeriod(convention);
  return rf === 0 ? [...returns] : returns.map((r) => r - rf);
}
