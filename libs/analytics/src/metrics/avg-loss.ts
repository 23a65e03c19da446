import { Metric } from '../metric';
import { mean } from '../stats';

/**
 * Average negative return. quantstats `avg_loss`.
 */
export const avgLoss: Metric = ({ returns }) => mean(returns.filter((r) => r < 0));
