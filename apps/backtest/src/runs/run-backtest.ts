import { BacktestAccountSpec, BacktestEngine, BacktestResult, FillModel } from '@qautlra/backtest';
import type { StrategyDefinition } from '@qautlra/execution';
import { loadMarketEvents, SourceRequest, tradingDaysOf } from './market-source';

export interface RunRequest extends SourceRequest {
  /** Parameter overrides (the strategy's defaults otherwise). */
  params?: Record<string, unknown>;
  accounts?: BacktestAccountSpec[];
  fill?: FillModel;
  volumeCap?: number;
  slippageTicks?: number;
  /** Statistics convention preset (quantstats by default). */
  convention?: string;
}

export interface Progress {
  /** Trading days replayed, of `total`. */
  days: number;
  total: number;
  events: number;
}

/**
 * Runs one backtest: the request's market data (loaded first when it comes from the tsdb or a
 * Parquet file) through the engine, reporting progress once per trading day. CPU-bound: the HTTP
 * service runs it in a worker thread.
 */
export async function runBacktest(
  definition: StrategyDefinition,
  request: RunRequest,
  onProgress?: (progress: Progress) => void,
): Promise<BacktestResult> {
  const total = tradingDaysOf(request).length;
  const engine = new BacktestEngine(definition, request.params ?? {}, {
    accounts: request.accounts,
    fill: request.fill,
    volumeCap: request.volumeCap,
    slippageTicks: request.slippageTicks,
    convention: request.convention,
  });
  let day = '';
  let days = 0;
  let events = 0;
  for (const event of await loadMarketEvents(request)) {
    if (event.tradingDay !== day) {
      if (day) onProgress?.({ days, total, events });
      day = event.tradingDay;
      days += 1;
    }
    events += 1;
    engine.step(event);
  }
  const result = engine.finish();
  onProgress?.({ days: total, total, events });
  return result;
}
