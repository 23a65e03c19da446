import fc from 'fast-check';
import { resolveConvention } from './convention';
import { rollingStatistics } from './dated';
import { computeMetrics } from './compute';

const dates = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
  );

describe('rolling statistics', () => {
  it('equal the whole-window statistics of every window (running sums re-based)', () => {
    fc.assert(
      fc.property(
        // Returns in basis points (as NAVs give them), not subnormal doubles.
        fc.array(
          fc.integer({ min: -1000, max: 1000 }).map((bp) => bp / 10_000),
          { minLength: 8, maxLength: 120 },
        ),
        fc.integer({ min: 3, max: 20 }),
        fc.constantFrom('quantstats', 'tqsdk'),
        (returns, window, preset) => {
          const convention = resolveConvention(preset);
          const rolling = rollingStatistics(dates(returns.length), returns, convention, window);
          expect(rolling.dates).toHaveLength(Math.max(0, returns.length - window + 1));
          rolling.dates.forEach((_, k) => {
            const slice = returns.slice(k, k + window);
            const { metrics } = computeMetrics(slice, convention);
            for (const key of ['sharpe', 'sortino', 'volatility'] as const) {
              const expected = metrics[key] ?? null;
              const actual = rolling[key][k]!;
              if (expected === null || Math.abs(expected) > 1e6) {
                // A flat window (or one without losses): no ratio either way.
                if (key !== 'volatility')
                  expect(actual === null || Math.abs(actual) > 1e6).toBe(true);
                continue;
              }
              expect(Math.abs((actual ?? NaN) - expected)).toBeLessThanOrEqual(
                1e-6 * Math.max(1, Math.abs(expected)),
              );
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a window without losses has no Sortino; a flat one no Sharpe', () => {
    const convention = resolveConvention('quantstats');
    const rolling = rollingStatistics(dates(6), [0.01, 0.02, 0.01, 0, 0, 0], convention, 3);
    expect(rolling.sortino).toEqual([null, null, null, null]);
    expect(rolling.sharpe.at(-1)).toBeNull();
    expect(rolling.volatility.at(-1)).toBe(0);
  });

  it('the smart ratios equal the plain ones when returns do not autocorrelate', () => {
    // Alternating around a mean: lag-1 correlation −1 → |ρ| = 1, the penalty is maximal; a
    // sequence built to have ρ = 0 leaves the ratios as they are.
    const returns = [0.01, 0.02, -0.01, 0.03, 0.0, -0.02, 0.01];
    const { metrics } = computeMetrics(returns, resolveConvention('quantstats'));
    expect(metrics.smart_sharpe).toBeLessThan(metrics.sharpe!);
    const penalty = metrics.sharpe! / metrics.smart_sharpe!;
    expect(penalty).toBeCloseTo(metrics.sortino! / metrics.smart_sortino!, 12);
  });
});
