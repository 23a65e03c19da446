import { Metric } from '../metric';

/**
 * Best period return. quantstats `best`.
 */
export const best: Metric = ({ returns }) => (returns.length > 0 ? Math.max(...returns) : NaN);
