import { type Convention, growthOf } from '../convention';

const caches = {
  simple: new WeakMap<readonly number[], number[]>(),
  log: new WeakMap<readonly number[], number[]>(),
};

/**
 * Drawdown series: P / cummax(P) − 1 on prices ∏(1 + r) (∏e^r for log returns) started from a
 * phantom base of 1, so that a first-period loss counts (quantstats `to_drawdown_series`, empyrical
 * `max_drawdown` from 100, vn.py's balance drawdown). Remembered per returns array (several
 * statistics read it); callers must not modify it.
 */
export function drawdowns(
  returns: readonly number[],
  returnType: Convention['returnType'] = 'simple',
): readonly number[] {
  const cache = caches[returnType];
  let series = cache.get(returns);
  if (!series) {
    let price = 1;
    let peak = 1;
    series = returns.map((r) => {
      price *= growthOf(r, returnType);
      peak = Math.max(peak, price);
      return price / peak - 1;
    });
    cache.set(returns, series);
  }
  return series;
}
