import { Metric } from '../metric';
import { comp } from './comp';

/**
 * Annual return. `cagr`: (1 + comp)^(periods / n) − 1 with years = n / periods (quantstats ≥ 0.0.70,
 * empyrical `annual_return`); `simple`: comp / n · periods (vn.py `annual_return`, non-compounded).
 */
export const cagr: Metric = (input) => {
  const n = input.returns.length;
  if (n === 0) return NaN;
  const total = comp(input);
  const periods = input.convention.periodsPerYear;
  return input.convention.annualReturn === 'simple'
    ? (total / n) * periods
    : (1 + total) ** (periods / n) - 1;
};
