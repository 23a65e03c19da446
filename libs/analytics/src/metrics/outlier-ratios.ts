import { Metric } from '../metric';
import { mean, quantile } from '../stats';

/** Outlier win ratio: q0.99(r) / mean(r ≥ 0) (quantstats `outlier_win_ratio`). */
export const outlierWinRatio: Metric = ({ returns }) =>
  quantile(returns, 0.99) / mean(returns.filter((r) => r >= 0));

/** Outlier loss ratio: q0.01(r) / mean(r < 0) (quantstats `outlier_loss_ratio`). */
export const outlierLossRatio: Metric = ({ returns }) =>
  quantile(returns, 0.01) / mean(returns.filter((r) => r < 0));
