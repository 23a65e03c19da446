import { backoffDelay } from '@qautlra/platform';
import type { MDSnapshot, SourceQuality } from '@qautlra/qamd';
import {
  InstrumentInfo,
  instrumentInfoOf,
  MarketSource,
  SourceEvents,
  SourceState,
} from './market-source';
import type { QuoteProvider } from './quote-providers';

export interface HttpQuoteSourceOptions {
  /** Name reported in status (`sina`, `tencent`). */
  name: string;
  /** Providers in priority order: the first is preferred, the others take over while it fails. */
  providers: QuoteProvider[];
  pollIntervalMs: number;
  timeoutMs: number;
  /** First back-off delay after a failure (doubles, capped at 30 s). */
  backoffBaseMs?: number;
}

interface ProviderHealth {
  failures: number;
  retryAt: number;
  lastError?: string;
}

/** Why a reply is not quotes: Sina's block page, an HTTP error; undefined when the reply is good. */
export function blockReason(status: number, body: string): string | undefined {
  if (body.includes('Kinsoku jikou desu')) return `blocked (HTTP ${status}, "Kinsoku jikou desu!")`;
  if (status === 403) return 'blocked (HTTP 403)';
  if (status < 200 || status >= 300) return `HTTP ${status}`;
  return undefined;
}

/**
 * A polling source over Sina and/or Tencent. Each cycle routes every subscribed instrument to the
 * first provider that carries it and is not backing off, fetches in batches, decodes GBK, and
 * parses line by line. A failing provider (timeout, network error, HTTP error, block page) backs
 * off exponentially (cap 30 s) while the next one serves; when its back-off ends it is tried again
 * first, so service returns to it once it recovers.
 */
export class HttpQuoteSource implements MarketSource {
  readonly name: string;
  private readonly subscribed = new Set<string>();
  private readonly health = new Map<string, ProviderHealth>();
  private readonly latest = new Map<string, MDSnapshot>();
  private readonly counted: SourceQuality = { lines_refused: 0, fields_dropped: 0 };
  private events?: SourceEvents;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private polling?: Promise<void>;
  private reported = '';
  private readonly decoder = new TextDecoder('gbk');

  constructor(private readonly options: HttpQuoteSourceOptions) {
    this.name = options.name;
    for (const provider of options.providers)
      this.health.set(provider.name, { failures: 0, retryAt: 0 });
  }

  serves(instrumentId: string): boolean {
    return this.options.providers.some(
      (provider) => provider.symbolFor(instrumentId) !== undefined,
    );
  }

  instruments(): InstrumentInfo[] {
    return [...this.latest.values()].map((snapshot) =>
      instrumentInfoOf(snapshot.instrument_id, snapshot.upper_limit, snapshot.lower_limit),
    );
  }

  start(events: SourceEvents): void {
    this.events = events;
    this.report('connecting', 'waiting for the first poll');
    this.schedule(0);
  }

  subscribe(instrumentIds: readonly string[]): void {
    const fresh = instrumentIds.filter((id) => this.serves(id) && !this.subscribed.has(id));
    for (const id of fresh) this.subscribed.add(id);
    // Poll at once so a new subscriber does not wait a whole interval for its first snapshot.
    if (fresh.length > 0 && !this.polling) this.schedule(0);
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) {
      this.subscribed.delete(id);
      this.latest.delete(id);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    this.report('disconnected', 'stopped');
  }

  /** Polls once now (tests and the first subscription); resolves when the cycle is done. */
  async pollOnce(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.cycle().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.pollOnce().then(() => this.schedule(this.options.pollIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    let pending = [...this.subscribed];
    const served = new Set<QuoteProvider>();
    let unserved = 0;
    // Route, fetch, and re-route what a failing provider could not serve to the next one at once.
    while (pending.length > 0 && !this.stopped) {
      const now = Date.now();
      const routes = new Map<QuoteProvider, Map<string, string>>();
      const unrouted: string[] = [];
      for (const id of pending) {
        const provider = this.options.providers.find(
          (candidate) =>
            candidate.symbolFor(id) !== undefined &&
            (this.health.get(candidate.name)?.retryAt ?? 0) <= now,
        );
        if (!provider) {
          unrouted.push(id);
          continue;
        }
        const symbols = routes.get(provider) ?? new Map<string, string>();
        symbols.set(provider.symbolFor(id) as string, id);
        routes.set(provider, symbols);
      }
      unserved += unrouted.length;
      if (routes.size === 0) break;
      const entries = [...routes];
      const results = await Promise.all(
        entries.map(([provider, symbols]) => this.fetchProvider(provider, symbols)),
      );
      pending = [];
      entries.forEach(([provider, symbols], index) => {
        if (results[index]) served.add(provider);
        else pending.push(...symbols.values());
      });
    }
    if (this.stopped) return;
    this.reportCycle([...served], unserved + pending.length);
  }

  /** Fetches every batch of one provider; false (and back-off) when any batch fails. */
  private async fetchProvider(
    provider: QuoteProvider,
    symbols: Map<string, string>,
  ): Promise<boolean> {
    const all = [...symbols.keys()];
    const health = this.health.get(provider.name) as ProviderHealth;
    try {
      for (let start = 0; start < all.length; start += provider.batchSize) {
        const batch = all.slice(start, start + provider.batchSize);
        const body = await this.fetchBody(provider, batch);
        const parsed = provider.parse(body, (symbol) => symbols.get(symbol));
        this.counted.fields_dropped += parsed.dropped;
        for (const skipped of parsed.skipped)
          if (skipped.reason !== 'empty quote') {
            this.counted.lines_refused += 1;
            this.counted.last_refusal = `${skipped.code}: ${skipped.reason}`.slice(0, 200);
          }
        for (const snapshot of parsed.snapshots) {
          if (!this.subscribed.has(snapshot.instrument_id) || this.stopped) continue;
          this.latest.set(snapshot.instrument_id, snapshot);
          this.events?.snapshot(snapshot);
        }
      }
      health.failures = 0;
      health.retryAt = 0;
      health.lastError = undefined;
      return true;
    } catch (error) {
      health.failures += 1;
      health.retryAt = Date.now() + backoffDelay(health.failures, this.options.backoffBaseMs);
      health.lastError = (error as Error).message;
      return false;
    }
  }

  private async fetchBody(provider: QuoteProvider, symbols: readonly string[]): Promise<string> {
    let response: Response;
    try {
      response = await fetch(provider.url(symbols), {
        headers: provider.headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const err = error as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError')
        throw new Error(`timeout after ${this.options.timeoutMs} ms`);
      throw new Error(err.cause?.code ?? err.message);
    }
    const body = this.decoder.decode(await response.arrayBuffer());
    const blocked = blockReason(response.status, body);
    if (blocked) throw new Error(blocked);
    return body;
  }

  private reportCycle(served: QuoteProvider[], unserved: number): void {
    const failing = this.options.providers
      .map((provider) => ({ provider, health: this.health.get(provider.name) as ProviderHealth }))
      .filter(({ health }) => health.failures > 0)
      .map(({ provider, health }) => {
        const wait = Math.max(0, Math.round((health.retryAt - Date.now()) / 1000));
        return `${provider.name}: ${health.lastError ?? 'failed'} (retry in ${wait} s)`;
      });
    const via = served.map((provider) => provider.name).join('+');
    if (this.subscribed.size === 0) {
      this.report('connected', failing.length ? `idle; ${failing.join('; ')}` : 'idle');
    } else if (served.length === 0) {
      this.report('disconnected', failing.join('; ') || 'no provider available');
    } else {
      const detail = [`via ${via}`, ...failing].join('; ');
      this.report(
        'connected',
        unserved > 0 ? `${detail}; ${unserved} instruments unserved` : detail,
      );
    }
  }

  quality(): SourceQuality {
    return { ...this.counted };
  }

  private report(state: SourceState, detail: string): void {
    // Report only changes of state or of serving provider, not every countdown.
    const key = `${state}|${detail.replace(/retry in \d+ s/g, '')}`;
    if (key === this.reported) return;
    this.reported = key;
    this.events?.state(this.name, state, detail);
  }
}
