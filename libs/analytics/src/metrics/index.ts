import { Metric } from '../metric';
import { adjustedSortino } from './adjusted-sortino';
import { alpha } from './alpha';
import { avgLoss } from './avg-loss';
import { avgReturn } from './avg-return';
import { avgWin } from './avg-win';
import { best } from './best';
import { beta } from './beta';
import { cagr } from './cagr';
import { calmar } from './calmar';
import { commonSenseRatio } from './common-sense-ratio';
import { comp } from './comp';
import { consecutiveLosses } from './consecutive-losses';
import { consecutiveWins } from './consecutive-wins';
import { correlation } from './correlation';
import { cpcIndex } from './cpc-index';
import { cvar } from './cvar';
import { downCapture } from './down-capture';
import { exposure } from './exposure';
import { gainToPainRatio } from './gain-to-pain-ratio';
import { informationRatio } from './information-ratio';
import { kellyCriterion } from './kelly-criterion';
import { kurtosis } from './kurtosis';
import { maxDrawdown } from './max-drawdown';
import { omega } from './omega';
import { payoffRatio } from './payoff-ratio';
import { profitFactor } from './profit-factor';
import { recoveryFactor } from './recovery-factor';
import { riskOfRuin } from './risk-of-ruin';
import { riskReturnRatio } from './risk-return-ratio';
import { rSquared } from './r-squared';
import { sharpe } from './sharpe';
import { skew } from './skew';
import { sortino } from './sortino';
import { tailRatio } from './tail-ratio';
import { trackingError } from './tracking-error';
import { treynorRatio } from './treynor-ratio';
import { ulcerIndex } from './ulcer-index';
import { ulcerPerformanceIndex } from './ulcer-performance-index';
import { upCapture } from './up-capture';
import { valueAtRisk } from './value-at-risk';
import { volatility } from './volatility';
import { winRate } from './win-rate';
import { worst } from './worst';
import { expectedReturn } from './expected-return';
import { outlierLossRatio, outlierWinRatio } from './outlier-ratios';
import {
  probabilisticAdjustedSortinoRatio,
  probabilisticSharpeRatio,
  probabilisticSortinoRatio,
} from './probabilistic-ratio';
import { profitRatio } from './profit-ratio';
import { rar } from './rar';
import { serenityIndex } from './serenity-index';
import { smartSharpe } from './smart-sharpe';
import { smartAdjustedSortino, smartSortino } from './smart-sortino';
import { stabilityOfTimeseries } from './stability';

/** The statistics of one return series, keyed by their quantstats function names. */
export const SERIES_METRICS: Readonly<Record<string, Metric>> = {
  comp,
  cagr,
  volatility,
  sharpe,
  smart_sharpe: smartSharpe,
  probabilistic_sharpe_ratio: probabilisticSharpeRatio,
  sortino,
  smart_sortino: smartSortino,
  adjusted_sortino: adjustedSortino,
  smart_adjusted_sortino: smartAdjustedSortino,
  probabilistic_sortino_ratio: probabilisticSortinoRatio,
  probabilistic_adjusted_sortino_ratio: probabilisticAdjustedSortinoRatio,
  expected_return: expectedReturn,
  rar,
  max_drawdown: maxDrawdown,
  calmar,
  omega,
  value_at_risk: valueAtRisk,
  cvar,
  skew,
  kurtosis,
  win_rate: winRate,
  avg_return: avgReturn,
  avg_win: avgWin,
  avg_loss: avgLoss,
  best,
  worst,
  payoff_ratio: payoffRatio,
  profit_factor: profitFactor,
  tail_ratio: tailRatio,
  ulcer_index: ulcerIndex,
  ulcer_performance_index: ulcerPerformanceIndex,
  kelly_criterion: kellyCriterion,
  risk_of_ruin: riskOfRuin,
  consecutive_wins: consecutiveWins,
  consecutive_losses: consecutiveLosses,
  exposure,
  risk_return_ratio: riskReturnRatio,
  recovery_factor: recoveryFactor,
  gain_to_pain_ratio: gainToPainRatio,
  common_sense_ratio: commonSenseRatio,
  cpc_index: cpcIndex,
  profit_ratio: profitRatio,
  outlier_win_ratio: outlierWinRatio,
  outlier_loss_ratio: outlierLossRatio,
  serenity_index: serenityIndex,
  stability_of_timeseries: stabilityOfTimeseries,
};

/** The statistics relative to a benchmark. */
export const BENCHMARK_METRICS: Readonly<Record<string, Metric>> = {
  beta,
  alpha,
  correlation,
  r_squared: rSquared,
  information_ratio: informationRatio,
  tracking_error: trackingError,
  treynor_ratio: treynorRatio,
  up_capture: upCapture,
  down_capture: downCapture,
};
export { drawdowns } from './drawdown';
