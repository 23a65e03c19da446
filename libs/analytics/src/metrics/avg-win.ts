import { Metric } from '../metric';
import { mean } from '../stats';

/**
 * Average positive return. quantstats `avg_win`.
 */
export const avgWin: Metric = ({ returns }) => mean(returns.filter((r) => r > 0));
