import { Metric } from '../metric';
import { drawdowns } from './drawdown';

/**
 * Maximum drawdown: min(P / cummax(P)) − 1 (≤ 0). quantstats `max_drawdown`, empyrical `max_drawdown`.
 */
export const maxDrawdown: Metric = ({ returns, convention }) =>
  Math.min(0, ...drawdowns(returns, convention.returnType));
