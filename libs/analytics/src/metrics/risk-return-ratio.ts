import { Metric } from '../metric';
import { mean, std } from '../stats';

/**
 * Risk-return ratio: mean / std, no rf, not annualised. quantstats `risk_return_ratio`.
 */
export const riskReturnRatio: Metric = ({ returns }) => mean(returns) / std(returns, 1);
