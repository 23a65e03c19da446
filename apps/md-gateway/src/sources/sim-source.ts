import type { InstrumentInfo, MarketSource, SourceEvents } from './market-source';
import { SimMarket } from './sim-market';

export interface SimSourceOptions {
  /** Ticks per second per subscribed instrument (CTP sends 2). */
  ticksPerSecond: number;
  /** Wall clock, injectable for tests. */
  now?: () => number;
}

/** The `sim` source: the seeded market, ticking every subscribed instrument at a fixed rate. */
export class SimSource implements MarketSource {
  readonly name = 'sim';
  private readonly subscribed = new Set<string>();
  private timer?: NodeJS.Timeout;
  private events?: SourceEvents;

  constructor(
    private readonly market: SimMarket,
    private readonly options: SimSourceOptions,
  ) {}

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
      const snapshot = this.market.tick(id, now);
      if (snapshot) this.events?.snapshot(snapshot);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
