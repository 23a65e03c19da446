import { resolveConvention } from '../convention';
import { omega } from './omega';
import { probabilisticSharpeRatio } from './probabilistic-ratio';

/**
 * Issue 16: omega honours rf; the quantstats PSR subtracts rf from the raw per-period Sharpe.
 * Expected values from numpy/scipy (the formulas of make_golden.py) on this series.
 */
describe('statistics with a risk-free rate', () => {
  const returns = [0.01, -0.02, 0.015, 0.003, -0.004, 0.02, -0.01, 0.007, 0.0, 0.012];

  it('omega is taken at the per-period risk-free threshold', () => {
    const withRf = resolveConvention('quantstats', { riskFree: 0.02 });
    const without = resolveConvention('quantstats');
    expect(omega({ returns, convention: withRf })).toBeCloseTo(1.9387955821971725, 12);
    expect(omega({ returns, convention: without })).toBeCloseTo(1.9705882352941175, 12);
  });

  it('the quantstats probabilistic Sharpe ratio is Φ((SR_raw − rf) / σ_SR)', () => {
    const convention = resolveConvention('quantstats', { riskFree: 0.02 });
    expect(probabilisticSharpeRatio({ returns, convention })).toBeCloseTo(0.7586428703221191, 12);
  });
});
