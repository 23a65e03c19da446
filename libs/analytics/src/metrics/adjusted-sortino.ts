import { Metric } from '../metric';
import { sortino } from './sortino';

/**
 * Sortino / √2 (quantstats `adjusted_sortino`, comparable with Sharpe).
 */
export const adjustedSortino: Metric = (input) => sortino(input) / Math.SQRT2;
