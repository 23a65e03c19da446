/**
 * Drawdown series: P / cummax(P) − 1 on prices ∏(1 + r) started from a phantom base of 1, so that a
 * first-period loss counts (quantstats `to_drawdown_series`, empyrical `max_drawdown` from 100).
 */
export function drawdowns(returns: readonly number[]): number[] {
  let price = 1;
  let peak = 1;
  return returns.map((r) => {
    price *= 1 + r;
    peak = Math.max(peak, price);
    return price / peak - 1;
  });
}
