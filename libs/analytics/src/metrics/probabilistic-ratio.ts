import { ddofOf } from '../convention';
import { Metric, MetricInput } from '../metric';
import { excessKurtosis, mean, normalCdf, skewness, std } from '../stats';
import { excessReturns } from './excess';
import { downsideDeviation } from './sortino';

/**
 * Probabilistic ratio Φ(SR / σ_SR) of a non-annualised ratio SR of the excess returns against 0
 * (Bailey & López de Prado, "The Sharpe Ratio Efficient Frontier", 2012):
 * σ_SR = √((1 − γ3·SR + (γ4 − 1)/4 · SR²) / (n − 1)), γ3 skew, γ4 kurtosis (raw, = excess + 3).
 * Under `psr: 'quantstats'` the quantstats `probabilistic_ratio` is reproduced: SR is the ratio of
 * the raw returns, σ² = 1 + SR²/2 − γ3·SR + (K − 3)/4 · SR² with K the *excess* kurtosis (its 3 is
 * thus subtracted twice), and rf — as given, annual or not — is subtracted from SR as a per-period
 * threshold: Φ((SR − rf) / σ_SR). Skew and kurtosis follow `moments`.
 */
function probabilistic(ratio: number, input: MetricInput): number {
  const { returns, convention } = input;
  const n = returns.length;
  const biased = convention.moments === 'biased';
  const g3 = skewness(returns, biased);
  const k = excessKurtosis(returns, biased);
  const variance =
    convention.psr === 'quantstats'
      ? 1 + 0.5 * ratio ** 2 - g3 * ratio + ((k - 3) / 4) * ratio ** 2
      : 1 - g3 * ratio + ((k + 3 - 1) / 4) * ratio ** 2;
  const threshold = convention.psr === 'quantstats' ? convention.riskFree : 0;
  return normalCdf((ratio - threshold) / Math.sqrt(variance / (n - 1)));
}

/** quantstats computes the ratio of the raw returns (rf = 0) and subtracts rf afterwards. */
const ratioReturns = (input: MetricInput): readonly number[] =>
  input.convention.psr === 'quantstats' ? input.returns : excessReturns(input);

const perPeriodSharpe = (input: MetricInput) => {
  const returns = ratioReturns(input);
  return mean(returns) / std(returns, ddofOf(input.convention));
};

const perPeriodSortino = (input: MetricInput) => {
  const returns = ratioReturns(input);
  return mean(returns) / downsideDeviation(returns);
};

/** Probability that the true Sharpe ratio is above 0 (quantstats `probabilistic_sharpe_ratio`). */
export const probabilisticSharpeRatio: Metric = (input) =>
  probabilistic(perPeriodSharpe(input), input);

/** The same on the Sortino ratio (quantstats `probabilistic_sortino_ratio`). */
export const probabilisticSortinoRatio: Metric = (input) =>
  probabilistic(perPeriodSortino(input), input);

/** The same on Sortino / √2 (quantstats `probabilistic_adjusted_sortino_ratio`). */
export const probabilisticAdjustedSortinoRatio: Metric = (input) =>
  probabilistic(perPeriodSortino(input) / Math.SQRT2, input);
