import { backoffDelay } from '@qautlra/platform';
import { snapshotRow } from '@qautlra/qamd';
import { existsSync } from 'node:fs';
import type { MdGatewayConfig } from '../config';
import { simHistory, SimMarket, simUniverse } from '@qautlra/sim';
import { writeSimState } from './sim-source';

export interface SeedHistoryOptions {
  /** The gateway's configuration (its first source must be `sim` with a state file). */
  config: MdGatewayConfig;
  tsdbUrl: string;
  tsdbUser: string;
  tsdbPassword: string;
  stream: string;
  days?: number;
  stepMs?: number;
  now?: number;
  /** Rows per ingest request. */
  batchRows?: number;
}

export type SeedOutcome =
  { seeded: true; rows: number; days: number } | { seeded: false; reason: string };

/**
 * On a first start (no sim state file, and the tsdb stream empty or missing): generates `days` days
 * of sim history into the tsdb and writes the sim's state file, so the charts have candles at once
 * and the live sim continues the same prices and day totals.
 */
export async function seedSimHistory(options: SeedHistoryOptions): Promise<SeedOutcome> {
  const source = options.config.sources[0];
  if (!source || source.type !== 'sim') return { seeded: false, reason: 'the source is not sim' };
  if (!source.stateFile) return { seeded: false, reason: 'no sim state file (MD_SIM_STATE_FILE)' };
  if (existsSync(source.stateFile)) return { seeded: false, reason: 'not a first start' };
  const auth = `Basic ${Buffer.from(`${options.tsdbUser}:${options.tsdbPassword}`).toString('base64')}`;
  const count = await tsdbFetch(`${options.tsdbUrl}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ query: `SELECT count(*) AS n FROM "${options.stream}"` }),
  });
  if (count.ok && ((await count.json()) as { n: number }[])[0]?.n)
    return { seeded: false, reason: `the tsdb stream ${options.stream} already has rows` };
  const now = options.now ?? Date.now();
  const market = new SimMarket(simUniverse(new Date(now), source.instruments), source.seed);
  const days = options.days ?? 6;
  let rows = 0;
  let pending: Record<string, unknown>[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const response = await tsdbFetch(`${options.tsdbUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        'x-p-stream': options.stream,
      },
      body: JSON.stringify(pending),
    });
    if (!response.ok) throw new Error(`tsdb ingest: ${response.status} ${await response.text()}`);
    rows += pending.length;
    pending = [];
  };
  for (const batch of simHistory(market, { toMs: now, days, stepMs: options.stepMs ?? 30_000 })) {
    for (const snapshot of batch) pending.push(snapshotRow(snapshot));
    if (pending.length >= (options.batchRows ?? 20_000)) await flush();
  }
  await flush();
  writeSimState(source.stateFile, market.checkpoint(now), true);
  return { seeded: true, rows, days };
}

/**
 * `fetch` that tries again (three times in all, 0.5 s then 1 s apart) when the connection fails
 * before any answer — a tsdb that has just come up under a loaded first start was seen to drop one
 * (`fetch failed`). An answer, whatever its status, is returned as it is.
 */
async function tsdbFetch(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 500, 1_000)));
    }
  }
}
