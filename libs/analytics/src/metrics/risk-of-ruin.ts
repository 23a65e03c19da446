import { Metric } from '../metric';
import { winRate } from './win-rate';

/**
 * Risk of ruin: ((1 − wr) / (1 + wr))^n. quantstats `risk_of_ruin`.
 */
export const riskOfRuin: Metric = (input) => {
  const wr = winRate(input);
  return ((1 - wr) / (1 + wr)) ** input.returns.length;
};
