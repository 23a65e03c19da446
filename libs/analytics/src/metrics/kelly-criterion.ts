import { Metric } from '../metric';
import { payoffRatio } from './payoff-ratio';
import { winRate } from './win-rate';

/**
 * Kelly criterion: (payoff · wr − (1 − wr)) / payoff. quantstats `kelly_criterion`.
 */
export const kellyCriterion: Metric = (input) => {
  const payoff = payoffRatio(input);
  const wr = winRate(input);
  return (payoff * wr - (1 - wr)) / payoff;
};
