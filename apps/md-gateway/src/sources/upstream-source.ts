import { MarketDataClient } from '@qautlra/clients';
import { MDSnapshot, parseInstrumentId, parseSnapshot } from '@qautlra/qamd';
import type { InstrumentInfo, MarketSource, SourceEvents } from './market-source';

export interface UpstreamSourceOptions {
  /** `ws://host:port/ws/market` of the upstream gateway. */
  url: string;
  name?: string;
  /** First reconnect delay (doubles, capped at 30 s). */
  backoffBaseMs?: number;
  /** Close and reconnect when the upstream sends nothing (not even a ping) for this long. */
  idleTimeoutMs?: number;
}

/**
 * Relays another gateway's `/ws/market` through the platform's market-data client: one connection
 * subscribed to every instrument wanted here, the `rtn_data` patches merged into full snapshots
 * (a complete one replaces whatever bad state came before). The client reconnects with back-off
 * (cap 30 s) and resubscribes everything; the upstream then sends full snapshots again.
 */
export class UpstreamSource implements MarketSource {
  readonly name: string;
  private readonly subscribed = new Set<string>();
  private readonly state = new Map<string, Record<string, unknown>>();
  private universe?: Map<string, InstrumentInfo>;
  private events?: SourceEvents;
  private readonly client: MarketDataClient;

  constructor(private readonly options: UpstreamSourceOptions) {
    this.name = options.name ?? 'upstream';
    this.client = new MarketDataClient(
      {
        url: options.url,
        instruments: true,
        backoffBaseMs: options.backoffBaseMs,
        idleTimeoutMs: options.idleTimeoutMs ?? 35_000,
      },
      {
        onState: (state, detail) => this.events?.state(this.name, state, detail),
        onInstruments: (instruments) =>
          (this.universe = new Map(instruments.map((info) => [info.id, info]))),
        // A relay without the instruments endpoint still works; ids are then checked upstream.
        onQuote: (key, _quote, patch) => this.relay(key, patch),
      },
    );
  }

  serves(instrumentId: string): boolean {
    // Until the upstream's universe is known, accept any id; the upstream reports unknown ones.
    return this.universe ? this.universe.has(instrumentId) : true;
  }

  instruments(): InstrumentInfo[] {
    return [...(this.universe?.values() ?? [])];
  }

  start(events: SourceEvents): void {
    this.events = events;
    this.client.start();
  }

  subscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) this.subscribed.add(id);
    this.client.subscribe(instrumentIds);
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) {
      this.subscribed.delete(id);
      this.state.delete(id);
    }
    this.client.unsubscribe(instrumentIds);
  }

  stop(): Promise<void> {
    this.client.stop();
    return Promise.resolve();
  }

  /** One frame from the upstream gateway; anything but a well-formed `rtn_data` is ignored. */
  receive(text: string): void {
    this.client.receive(text);
  }

  /** One instrument's patch; a bad or partial one waits for a full snapshot. */
  private relay(key: string, patch: Record<string, unknown>): void {
    const id = this.canonical(key);
    if (!id || !this.subscribed.has(id)) return;
    const merged = { ...this.state.get(id), ...patch, instrument_id: id };
    this.state.set(id, merged);
    const snapshot = this.parse(merged) ?? this.parse({ ...patch, instrument_id: id });
    // Not complete yet, or a bad field: wait for the next full snapshot.
    if (!snapshot) return;
    // A full snapshot replaces whatever bad state came before it.
    this.state.set(id, { ...snapshot });
    this.events?.snapshot(snapshot);
  }

  private parse(value: Record<string, unknown>): MDSnapshot | undefined {
    try {
      return parseSnapshot(value);
    } catch {
      return undefined;
    }
  }

  private canonical(key: string): string | undefined {
    try {
      return parseInstrumentId(key).id;
    } catch {
      return undefined;
    }
  }
}
