import { isSessionOpen } from '@qautlra/calendar';
import type { InstrumentInfo, MarketSource, SourceEvents } from './market-source';
import { SimMarket } from './sim-market';

export interface SimSourceOptions {
  /** Ticks per second per subscribed instrument (CTP sends 2). */
  ticksPerSecond: number;
  /** Tick outside trading sessions too (`--always-open`); otherwise quiet when the market is closed. */
  alwaysOpen?: boolean;
  /** Wall clock, injectable for tests. */
  now?: () => number;
}

/** The `sim` source: the seeded market, ticking every subscribed instrument at a fixed rate. */
export class SimSource implements MarketSource {
  readonly name = 'sim';
  private readonly subscribed = new Set<string>();
  private timer?: NodeJS.Timeout;
  private events?: SourceEvents;
  private readonly sessionKey = new Map<string, { exchange: string; product: string }>();

  constructor(
    private readonly market: SimMarket,
    private readonly options: SimSourceOptions,
  ) {
    for (const info of market.info())
      this.sessionKey.set(info.id, { exchange: info.exchange, product: info.product });
  }

  /** Whether the instrument's market is open at `nowMs` (always, with `alwaysOpen`). */
  isOpen(id: string, nowMs: number): boolean {
    if (this.options.alwaysOpen) return true;
    const key = this.sessionKey.get(id);
    return key ? isSessionOpen(key.exchange, key.product, nowMs) : false;
  }

  serves(instrumentId: string): boolean {
    return this.market.has(instrumentId);
  }

  instruments(): InstrumentInfo[] {
    return this.market.info();
  }

  start(events: SourceEvents): void {
    this.events = events;
    events.state(this.name, 'connected');
    const intervalMs = Math.max(1, Math.round(1000 / this.options.ticksPerSecond));
    this.timer = setInterval(() => this.emit(), intervalMs);
    this.timer.unref();
  }

  subscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) {
      if (!this.market.has(id) || this.subscribed.has(id)) continue;
      this.subscribed.add(id);
      // A new subscription gets its current snapshot at once, as CTP does.
      const snapshot = this.market.tick(id, this.now());
      if (snapshot) this.events?.snapshot(snapshot);
    }
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) this.subscribed.delete(id);
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.events?.state(this.name, 'disconnected', 'stopped');
    return Promise.resolve();
  }

  private emit(): void {
    const now = this.now();
    for (const id of this.subscribed) {
      if (!this.isOpen(id, now)) continue;
      const snapshot = this.market.tick(id, now);
      if (snapshot) this.events?.snapshot(snapshot);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
