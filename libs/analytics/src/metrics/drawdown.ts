const cache = new WeakMap<readonly number[], number[]>();

/**
 * Drawdown series: P / cummax(P) − 1 on prices ∏(1 + r) started from a phantom base of 1, so that a
 * first-period loss counts (quantstats `to_drawdown_series`, empyrical `max_drawdown` from 100).
 * Remembered per returns array (several statistics read it); callers must not modify it.
 */
export function drawdowns(returns: readonly number[]): readonly number[] {
  let series = cache.get(returns);
  if (!series) {
    let price = 1;
    let peak = 1;
    series = returns.map((r) => {
      price *= 1 + r;
      peak = Math.max(peak, price);
      return price / peak - 1;
    });
    cache.set(returns, series);
  }
  return series;
}
