import { Metric } from '../metric';
import { longestRun } from './consecutive-wins';

/**
 * Longest run of negative returns. quantstats `consecutive_losses`.
 */
export const consecutiveLosses: Metric = ({ returns }) => longestRun(returns, (r) => r < 0);
