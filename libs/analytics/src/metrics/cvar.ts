import { Metric } from '../metric';
import { mean, sortedValues } from '../stats';
import { valueAtRisk } from './value-at-risk';

/**
 * Conditional VaR (expected shortfall): `below-var` the mean of returns below the VaR, or the VaR when
 * none is (quantstats `cvar`); `lowest-tail` the mean of the lowest ⌊(n − 1)(1 − c)⌋ + 1 returns
 * (empyrical `conditional_value_at_risk`).
 */
export const cvar: Metric = (input) => {
  const { returns, convention } = input;
  if (convention.cvarMethod === 'lowest-tail') {
    const sorted = sortedValues(returns);
    const count = Math.floor((sorted.length - 1) * (1 - convention.confidence)) + 1;
    return mean(Array.from(sorted.subarray(0, count)));
  }
  const limit = valueAtRisk(input);
  const below = returns.filter((r) => r < limit);
  return below.length > 0 ? mean(below) : limit;
};
