import { Metric } from '../metric';

/**
 * Longest run of positive returns. quantstats `consecutive_wins`.
 */
export const consecutiveWins: Metric = ({ returns }) => longestRun(returns, (r) => r > 0);

export function longestRun(returns: readonly number[], test: (r: number) => boolean): number {
  let best = 0;
  let run = 0;
  for (const r of returns) {
    run = test(r) ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}
