import {
  BacktestAccountSpec,
  BacktestEngine,
  BacktestResult,
  FillModel,
  MarketEvent,
  StrategyError,
  wellFormed,
} from '@qautlra/backtest';
import { resolveParameters, StrategyDefinition } from '@qautlra/execution';
import {
  isPythonDefinition,
  plannedEvent,
  PythonStrategyError,
  PythonStrategyHost,
} from '@qautlra/strategies';
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
  /** Python strategies: longest one request to the Python process may take (ms). */
  pythonTimeoutMs?: number;
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
  return replayEvents(definition, request, await loadMarketEvents(request), onProgress);
}

/**
 * The engine over given market events (in time order). A Python strategy runs through its bridge:
 * after each step its callbacks' events go to the Python process and its orders come back before
 * the next step; with `batch` > 1, while it holds no order, the next events of the trading day go
 * over before the engine steps them (read-ahead), one request for many.
 */
export async function replayEvents(
  definition: StrategyDefinition,
  request: Omit<RunRequest, 'source' | 'from' | 'to' | 'frequency'> &
    Partial<Pick<RunRequest, 'from' | 'to'>>,
  marketEvents: Iterable<MarketEvent>,
  onProgress?: (progress: Progress) => void,
): Promise<BacktestResult> {
  const total =
    request.from && request.to ? tradingDaysOf({ from: request.from, to: request.to }).length : 0;
  const python = isPythonDefinition(definition)
    ? new PythonStrategyHost(definition, resolveParameters(definition, request.params ?? {}), {
        instruments: request.instruments,
        timeoutMs: request.pythonTimeoutMs ?? 30_000,
      })
    : undefined;
  const engine = new BacktestEngine(
    python ? { ...definition, create: () => python } : definition,
    request.params ?? {},
    {
      accounts: request.accounts,
      fill: request.fill,
      volumeCap: request.volumeCap,
      slippageTicks: request.slippageTicks,
      convention: request.convention,
    },
  );
  let day = '';
  let days = 0;
  let events = 0;
  try {
    await python?.start(
      (request.accounts ?? [{ name: 'backtest' }]).map((account) => account.name),
    );
    const all = Array.isArray(marketEvents) ? (marketEvents as MarketEvent[]) : [...marketEvents];
    for (let index = 0; index < all.length; index += 1) {
      const event = all[index]!;
      if (event.tradingDay !== day) {
        if (day) onProgress?.({ days, total, events });
        day = event.tradingDay;
        days += 1;
      }
      events += 1;
      // Read-ahead: the next events of this trading day go to Python before the engine steps them.
      const ahead = (from: number, limit: number) => {
        const out = [];
        for (
          let next = from;
          next < all.length &&
          out.length < limit &&
          all[next]!.tradingDay === event.tradingDay &&
          !python!.blocks(all[next]!.instrument);
          next += 1
        )
          if (wellFormed(all[next]!)) out.push(plannedEvent(all[next]!));
        return out;
      };
      if (python?.through) {
        // Whole batches: Python takes the day's next events at once; what waits goes along.
        if (python.planEmpty && event.tradingDay === python.tradingDay)
          await python.advance((limit) => ahead(index, limit));
        engine.step(event);
        continue;
      }
      if (python && python.batch > 1 && python.canPlan && event.tradingDay === python.tradingDay)
        await python.plan(ahead(index, python.planLimit));
      engine.step(event);
      if (python?.hasPending)
        await python.flush(
          python.batch > 1 && event.tradingDay === python.tradingDay
            ? (limit) => ahead(index + 1, limit)
            : undefined,
        );
    }
    if (python?.hasPending) await python.flush();
    const result = engine.finish();
    await python?.drain();
    onProgress?.({ days: total || days, total: total || days, events });
    return result;
  } catch (error) {
    if (error instanceof PythonStrategyError)
      throw new StrategyError(
        `the Python strategy failed: ${error.message}${error.traceback ? `\n${error.traceback}` : ''}`,
        error,
      );
    throw error;
  } finally {
    python?.close();
  }
}
