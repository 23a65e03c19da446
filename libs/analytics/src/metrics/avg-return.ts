import { Metric } from '../metric';
import { mean } from '../stats';

/**
 * Average return of the non-zero periods. quantstats `avg_return`.
 */
export const avgReturn: Metric = ({ returns }) => mean(returns.filter((r) => r !== 0));
