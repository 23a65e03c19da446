import { barOfRow } from '@qautlra/backtest';
import type { BarFrequency, MarketBar } from '@qautlra/execution';

/** Where a tsdb keeps the recorded quotes, and its Basic credentials. */
export interface TsdbSource {
  url: string;
  user: string;
  password: string;
  /** The stream the gateway's quotes are recorded into (`market_data`). */
  stream: string;
}

const PERIOD_MS: Record<BarFrequency, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

/**
 * The last `count` finished bars of an instrument, built by the tsdb from its recorded ticks
 * (`GET /api/v1/bars`), oldest first — the warm-up of live strategies and factor rooms. Bars still
 * forming at `nowMs` are left out.
 */
export async function tsdbBarHistory(
  source: TsdbSource,
  instrument: string,
  frequency: BarFrequency,
  count: number,
  nowMs = Date.now(),
): Promise<MarketBar[]> {
  // Enough calendar time for `count` bars across nights and weekends.
  const span = Math.max(PERIOD_MS[frequency] * count * 4, 5 * 86_400_000);
  const query = new URLSearchParams({
    stream: source.stream,
    instrument,
    period: frequency,
    start: new Date(nowMs - span).toISOString(),
    end: new Date(nowMs).toISOString(),
  });
  const response = await fetch(`${source.url}/api/v1/bars?${query.toString()}`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${source.user}:${source.password}`).toString('base64')}`,
    },
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok)
    throw new Error(`tsdb ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const rows = (await response.json()) as Record<string, unknown>[];
  if (!Array.isArray(rows)) throw new Error('tsdb: the bars answer is not a list');
  const bars = rows
    .map((row) => barOfRow(row, instrument, frequency))
    .filter((bar) => bar.endMs <= nowMs && Number.isFinite(bar.close));
  return bars.slice(-count);
}
