import { Metric } from '../metric';
import { drawdowns } from './drawdown';

/**
 * Ulcer index: √(Σ dd² / (n − 1)) over the drawdown series. quantstats `ulcer_index`.
 */
export const ulcerIndex: Metric = ({ returns, convention }) => {
  const series = drawdowns(returns, convention.returnType);
  return Math.sqrt(series.reduce((total, dd) => total + dd * dd, 0) / (series.length - 1));
};
