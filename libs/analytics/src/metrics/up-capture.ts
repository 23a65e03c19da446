import { Metric } from '../metric';
import { cagr } from './cagr';

/**
 * Up capture: annual return of r over the periods the benchmark rose / that of the benchmark
 * (empyrical `up_capture`).
 */
export const upCapture: Metric = (input) => capture(input, (b) => b > 0);

export function capture(input: Parameters<Metric>[0], test: (b: number) => boolean): number {
  const { returns, benchmark } = input;
  if (!benchmark) return NaN;
  const index = benchmark.map((b, i) => (test(b) ? i : -1)).filter((i) => i >= 0);
  if (index.length === 0) return NaN;
  const own = cagr({ ...input, returns: index.map((i) => returns[i]!) });
  const theirs = cagr({ ...input, returns: index.map((i) => benchmark[i]!) });
  return own / theirs;
}
