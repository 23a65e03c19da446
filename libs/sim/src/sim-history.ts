import { isSessionOpen } from '@qautlra/calendar';
import type { MDSnapshot } from '@qautlra/qamd';
import type { SimMarket } from './sim-market';

export interface SimHistoryOptions {
  /** History runs from `toMs - days × 24 h` to `toMs`. */
  toMs: number;
  days: number;
  /** One tick per instrument this often while its market is open (ms). */
  stepMs: number;
}

/**
 * The sim's past, session by session: from `days` days back to now, a tick of each instrument
 * every `stepMs` while its exchange trades (day and night sessions, trade days only), in batches
 * of one time step. Deterministic for a seed and a clock; the market is left in the state of the
 * last tick, so the live sim goes on from there.
 */
export function* simHistory(
  market: SimMarket,
  options: SimHistoryOptions,
): Generator<MDSnapshot[]> {
  // Instruments grouped by their session rule (exchange and product), as the live sim checks them.
  const keys = new Map<string, { exchange: string; product: string; ids: string[] }>();
  for (const { id, exchange, product } of market.info()) {
    const key = `${exchange}.${product}`;
    const entry = keys.get(key) ?? { exchange, product, ids: [] };
    entry.ids.push(id);
    keys.set(key, entry);
  }
  const from = options.toMs - options.days * 86_400_000;
  const first = Math.ceil(from / options.stepMs) * options.stepMs;
  const groups = [...keys.values()];
  // Sessions open and close on whole minutes: check them once a minute.
  let minute = NaN;
  let open: boolean[] = [];
  for (let at = first; at <= options.toMs; at += options.stepMs) {
    const batch: MDSnapshot[] = [];
    if (Math.floor(at / 60_000) !== minute) {
      minute = Math.floor(at / 60_000);
      open = groups.map(({ exchange, product }) => isSessionOpen(exchange, product, at));
    }
    for (const [index, { ids }] of groups.entries()) {
      if (!open[index]) continue;
      for (const id of ids) {
        const snapshot = market.tick(id, at);
        if (snapshot) batch.push(snapshot);
      }
    }
    if (batch.length > 0) yield batch;
  }
}
