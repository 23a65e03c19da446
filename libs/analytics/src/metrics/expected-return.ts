import { growthOf } from '../convention';
import { Metric } from '../metric';

/**
 * Expected return per period: the geometric mean ∏(1 + r)^(1/n) − 1 (growth e^r for log returns) (quantstats `expected_return`,
 * alias `geometric_mean` / `ghpr`; the report's "Expected Daily %" on daily data).
 */
export const expectedReturn: Metric = ({ returns, convention }) => {
  if (returns.length === 0) return NaN;
  let growth = 1;
  for (const r of returns) growth *= growthOf(r, convention.returnType);
  return growth ** (1 / returns.length) - 1;
};
