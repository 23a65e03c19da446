import { Metric } from '../metric';
import { avgLoss } from './avg-loss';
import { avgWin } from './avg-win';

/**
 * Payoff (win/loss) ratio: avg win / |avg loss|. quantstats `payoff_ratio`.
 */
export const payoffRatio: Metric = (input) => avgWin(input) / Math.abs(avgLoss(input));
