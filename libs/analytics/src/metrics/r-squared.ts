import { Metric } from '../metric';
import { correlation } from './correlation';

/**
 * R² of the linear regression of returns on the benchmark (= correlation²). quantstats `r_squared`.
 */
export const rSquared: Metric = (input) => correlation(input) ** 2;
