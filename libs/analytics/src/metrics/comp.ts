import { growthOf } from '../convention';
import { Metric } from '../metric';

/**
 * Total compounded return: ∏(1 + r) − 1 (quantstats `comp`, empyrical `cum_returns_final`); for log
 * returns e^Σr − 1 (vn.py's end balance / capital − 1).
 */
export const comp: Metric = ({ returns, convention }) =>
  returns.reduce((total, r) => total * growthOf(r, convention.returnType), 1) - 1;
