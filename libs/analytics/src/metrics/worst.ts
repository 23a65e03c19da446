import { Metric } from '../metric';

/**
 * Worst period return. quantstats `worst`.
 */
export const worst: Metric = ({ returns }) => (returns.length > 0 ? Math.min(...returns) : NaN);
