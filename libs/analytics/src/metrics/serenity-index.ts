import { ddofOf } from '../convention';
import { Metric } from '../metric';
import { std, sum } from '../stats';
import { cvar } from './cvar';
import { drawdowns } from './drawdown';
import { ulcerIndex } from './ulcer-index';

/**
 * Serenity index: (Σr − rf) / (ulcer index · pitfall), pitfall = −CVaR(drawdown series) / std(r), the
 * CVaR taken on the drawdowns under the convention's CVaR method, rf annual as given (quantstats
 * `serenity_index`).
 */
export const serenityIndex: Metric = (input) => {
  const { returns, convention } = input;
  const pitfall =
    -cvar({ returns: drawdowns(returns, convention.returnType), convention }) /
    std(returns, ddofOf(convention));
  return (sum(returns) - convention.riskFree) / (ulcerIndex(input) * pitfall);
};
