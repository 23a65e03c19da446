import { Metric } from '../metric';
import { profitFactor } from './profit-factor';
import { tailRatio } from './tail-ratio';

/**
 * Common sense ratio: profit factor · tail ratio. quantstats `common_sense_ratio`.
 */
export const commonSenseRatio: Metric = (input) => profitFactor(input) * tailRatio(input);
