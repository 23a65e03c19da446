import { Metric } from '../metric';
import { mean, normalQuantile, quantile, std } from '../stats';

/**
 * Value at risk at the convention's confidence c (a return, ≤ 0 usually): `parametric` μ + σ·Φ⁻¹(1 − c)
 * (quantstats `value_at_risk`, sample σ); `historical` the (1 − c) quantile, linear (empyrical
 * `value_at_risk`); `mean-2sigma` μ − 2σ (pyfolio "Daily value at risk").
 */
export const valueAtRisk: Metric = ({ returns, convention }) => {
  switch (convention.varMethod) {
    case 'parametric':
      return mean(returns) + std(returns, 1) * normalQuantile(1 - convention.confidence);
    case 'historical':
      return quantile(returns, 1 - convention.confidence);
    case 'mean-2sigma':
      return mean(returns) - 2 * std(returns, 1);
  }
};
