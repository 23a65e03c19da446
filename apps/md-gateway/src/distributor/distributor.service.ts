import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@qautlra/platform';
import type { MdGatewayConfig } from '../config';
import { InstrumentInfo, MarketSource, SourceState } from '../sources/market-source';
import { defaultUniverse, SimMarket } from '../sources/sim-market';
import { SimSource } from '../sources/sim-source';
import { MD_GATEWAY_CONFIG } from '../tokens';
import { MarketDistributor } from './market-distributor';

export interface SourceStatus {
  name: string;
  state: SourceState;
  detail?: string;
  since: string;
}

/** Owns the sources and the distributor: routes each instrument to the source that serves it, paces flushes. */
@Injectable()
export class DistributorService implements OnModuleInit, OnApplicationShutdown {
  readonly distributor: MarketDistributor;
  private readonly sources: MarketSource[];
  private readonly status = new Map<string, SourceStatus>();
  private timer?: NodeJS.Timeout;
  private lastFlush = Date.now();
  private lastTickAt = 0;
  readonly startedAt = Date.now();

  constructor(
    @Inject(MD_GATEWAY_CONFIG) private readonly config: MdGatewayConfig,
    private readonly health: HealthRegistry,
  ) {
    this.sources = [
      new SimSource(new SimMarket(defaultUniverse(new Date()), config.sim.seed), {
        ticksPerSecond: config.sim.ticksPerSecond,
      }),
    ];
    this.distributor = new MarketDistributor({
      serves: (id) => this.sources.some((source) => source.serves(id)),
      upstreamSubscribe: (ids) => this.route(ids, (source, routed) => source.subscribe(routed)),
      upstreamUnsubscribe: (ids) => this.route(ids, (source, routed) => source.unsubscribe(routed)),
    });
  }

  onModuleInit(): void {
    for (const source of this.sources) {
      source.start({
        snapshot: (snapshot) => {
          this.lastTickAt = Date.now();
          if (this.distributor.onSnapshot(snapshot)) this.maybeFlush();
        },
        state: (name, state, detail) => {
          const entry: SourceStatus = { name, state, detail, since: new Date().toISOString() };
          this.status.set(name, entry);
        },
      });
    }
    this.timer = setInterval(() => this.flush(), this.config.incrementalUpdates.batchIntervalMs);
    this.timer.unref();
    this.health.register('sources', () => {
      const down = [...this.status.values()].filter((entry) => entry.state !== 'connected');
      if (down.length > 0)
        throw new Error(`source down: ${down.map((entry) => entry.name).join(', ')}`);
    });
    if (this.config.defaultInstruments.length > 0) {
      // Default instruments are subscribed at start by a server-owned subscriber (the original parsed and ignored them).
      this.distributor.addClient('server:defaults', { deliver: () => undefined });
      this.distributor.setSubscriptions('server:defaults', this.config.defaultInstruments);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.sources.map((source) => source.stop()));
  }

  sourceStatus(): SourceStatus[] {
    return [...this.status.values()];
  }

  instruments(): InstrumentInfo[] {
    return this.sources.flatMap((source) => source.instruments());
  }

  lastTickAgeMs(): number | null {
    return this.lastTickAt === 0 ? null : Date.now() - this.lastTickAt;
  }

  private maybeFlush(): void {
    const { enabled, batchIntervalMs, batchSizeThreshold } = this.config.incrementalUpdates;
    if (
      !enabled ||
      Date.now() - this.lastFlush > batchIntervalMs ||
      this.distributor.pendingCount >= batchSizeThreshold
    )
      this.flush();
  }

  private flush(): void {
    this.lastFlush = Date.now();
    this.distributor.flush();
  }

  private route(ids: string[], apply: (source: MarketSource, ids: string[]) => void): void {
    for (const source of this.sources) {
      const routed = ids.filter((id) => source.serves(id));
      if (routed.length > 0) apply(source, routed);
    }
  }
}
