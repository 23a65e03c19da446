import { Metric } from '../metric';
import { payoffRatio } from './payoff-ratio';
import { profitFactor } from './profit-factor';
import { winRate } from './win-rate';

/**
 * CPC index: profit factor · win rate · win/loss ratio. quantstats `cpc_index`.
 */
export const cpcIndex: Metric = (input) =>
  profitFactor(input) * winRate(input) * payoffRatio(input);
