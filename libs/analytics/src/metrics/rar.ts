import { Metric } from '../metric';
import { cagr } from './cagr';
import { exposure } from './exposure';

/** Risk-adjusted return: CAGR / exposure (quantstats `rar`, the report's "Risk-Adjusted Return %"). */
export const rar: Metric = (input) => cagr(input) / exposure(input);
