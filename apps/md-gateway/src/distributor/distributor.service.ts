import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@qautlra/platform';
import type { MdGatewayConfig, SourceConfig } from '../config';
import { CtpSource } from '../sources/ctp-source';
import { HttpQuoteSource } from '../sources/http-quote-source';
import type { InstrumentInfo, MarketSource, SourceStatus } from '../sources/market-source';
import { sinaProvider, tencentProvider } from '../sources/quote-providers';
import { SimMarket, simUniverse } from '@qautlra/sim';
import { SimSource } from '../sources/sim-source';
import { ReplaySource } from '../sources/replay-source';
import { UpstreamSource } from '../sources/upstream-source';
import { MD_GATEWAY_CONFIG } from '../tokens';
import { MarketDistributor } from './market-distributor';

export type { SourceStatus } from '../sources/market-source';

/** Builds the market source a config entry describes. */
export function createSource(config: SourceConfig): MarketSource {
  switch (config.type) {
    case 'sim': {
      return new SimSource(
        new SimMarket(simUniverse(new Date(), config.instruments), config.seed),
        {
          ticksPerSecond: config.ticksPerSecond,
          alwaysOpen: config.alwaysOpen,
          stateFile: config.stateFile,
          onStateProblem: (message) => new Logger('sim').error(message),
        },
      );
    }
    case 'sina':
    case 'tencent': {
      const sina = sinaProvider(config.sinaUrl);
      const tencent = tencentProvider(config.tencentUrl);
      const ordered = config.type === 'sina' ? [sina, tencent] : [tencent, sina];
      return new HttpQuoteSource({
        name: config.type,
        providers: config.failover ? ordered : ordered.slice(0, 1),
        pollIntervalMs: config.pollIntervalMs,
        timeoutMs: config.timeoutMs,
      });
    }
    case 'upstream':
      return new UpstreamSource({ url: config.url });
    case 'replay':
      return new ReplaySource(config);
    case 'ctp':
      return new CtpSource(config);
  }
}

/**
 * Owns the sources and the distributor: routes each instrument to the first source (in config
 * order) that serves it, keeps an instrument subscribed upstream for a grace period after its last
 * subscriber leaves, pushes source state to clients, paces flushes.
 */
@Injectable()
export class DistributorService implements OnModuleInit, OnApplicationShutdown {
  readonly distributor: MarketDistributor;
  readonly sources: MarketSource[];
  private readonly status = new Map<string, SourceStatus>();
  private readonly routedTo = new Map<string, MarketSource>();
  private readonly releasing = new Map<string, NodeJS.Timeout>();
  private timer?: NodeJS.Timeout;
  private rateTimer?: NodeJS.Timeout;
  /** Ticks taken in and frames sent out during the last whole second. */
  readonly rates = { ticksInPerSecond: 0, framesOutPerSecond: 0 };
  private lastFlush = Date.now();
  private flushScheduled = false;
  private lastTickAt = 0;
  readonly startedAt = Date.now();

  constructor(
    @Inject(MD_GATEWAY_CONFIG) private readonly config: MdGatewayConfig,
    private readonly health: HealthRegistry,
  ) {
    this.sources = config.sources.map(createSource);
    this.distributor = new MarketDistributor(
      {
        serves: (id) => this.sources.some((source) => source.serves(id)),
        upstreamSubscribe: (ids) => this.subscribeUpstream(ids),
        upstreamUnsubscribe: (ids) => this.unsubscribeUpstream(ids),
      },
      config.maxSubscriptionsPerClient,
    );
  }

  onModuleInit(): void {
    for (const source of this.sources) {
      source.start({
        snapshot: (snapshot) => {
          this.lastTickAt = Date.now();
          if (this.distributor.onSnapshot(snapshot)) this.maybeFlush();
        },
        state: (name, state, detail) => {
          const previous = this.status.get(name);
          if (previous?.state === state && previous.detail === detail) return;
          const entry: SourceStatus = { name, state, detail, since: new Date().toISOString() };
          this.status.set(name, entry);
          this.distributor.broadcastStatus(entry);
        },
      });
    }
    this.timer = setInterval(() => this.flush(), this.config.incrementalUpdates.batchIntervalMs);
    this.timer.unref();
    let last = { ticks: 0, frames: 0 };
    this.rateTimer = setInterval(() => {
      const now = { ticks: this.distributor.ticksIn, frames: this.distributor.framesOut };
      this.rates.ticksInPerSecond = now.ticks - last.ticks;
      this.rates.framesOutPerSecond = now.frames - last.frames;
      last = now;
    }, 1_000);
    this.rateTimer.unref();
    this.health.register('sources', () => {
      const down = [...this.status.values()].filter((entry) => entry.state !== 'connected');
      if (down.length > 0)
        throw new Error(`source down: ${down.map((entry) => entry.name).join(', ')}`);
    });
    if (this.config.defaultInstruments.length > 0) {
      // Default instruments are subscribed at start by a server-owned subscriber (the original parsed and ignored them).
      this.distributor.addClient('server:defaults', { deliver: () => undefined });
      const change = this.distributor.setSubscriptions(
        'server:defaults',
        this.config.defaultInstruments,
      );
      if (change.unknown.length > 0)
        new Logger('md-gateway').warn(
          { unknown: change.unknown },
          'subscription.default_instruments: no source serves these instruments',
        );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.rateTimer) clearInterval(this.rateTimer);
    for (const timer of this.releasing.values()) clearTimeout(timer);
    await Promise.all(this.sources.map((source) => source.stop()));
  }

  sourceStatus(): SourceStatus[] {
    return [...this.status.values()].map((status) => {
      const quality = this.sources.find((source) => source.name === status.name)?.quality?.();
      return quality ? { ...status, quality } : status;
    });
  }

  instruments(): InstrumentInfo[] {
    return this.sources.flatMap((source) => source.instruments());
  }

  lastTickAgeMs(): number | null {
    return this.lastTickAt === 0 ? null : Date.now() - this.lastTickAt;
  }

  private subscribeUpstream(ids: string[]): void {
    const fresh: string[] = [];
    for (const id of ids) {
      const pending = this.releasing.get(id);
      if (pending) {
        // Re-subscribed within the grace period: it never left the source.
        clearTimeout(pending);
        this.releasing.delete(id);
      } else fresh.push(id);
    }
    const bySource = new Map<MarketSource, string[]>();
    for (const id of fresh) {
      const source = this.sources.find((candidate) => candidate.serves(id));
      if (!source) continue;
      this.routedTo.set(id, source);
      bySource.set(source, [...(bySource.get(source) ?? []), id]);
    }
    for (const [source, routed] of bySource) source.subscribe(routed);
  }

  private unsubscribeUpstream(ids: string[]): void {
    const release = (id: string) => {
      this.releasing.delete(id);
      const source = this.routedTo.get(id);
      this.routedTo.delete(id);
      source?.unsubscribe([id]);
    };
    for (const id of ids) {
      if (this.config.unsubscribeGraceMs <= 0) {
        release(id);
        continue;
      }
      const timer = setTimeout(() => release(id), this.config.unsubscribeGraceMs);
      timer.unref();
      this.releasing.set(id, timer);
    }
  }

  private maybeFlush(): void {
    const { enabled, batchIntervalMs, batchSizeThreshold } = this.config.incrementalUpdates;
    if (!enabled) {
      this.flush();
      return;
    }
    if (
      !this.flushScheduled &&
      (Date.now() - this.lastFlush > batchIntervalMs ||
        this.distributor.pendingCount >= batchSizeThreshold)
    ) {
      // Flush once the current event-loop turn is done, so ticks that arrived together (one
      // network read, one sim slice) go out together.
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    this.lastFlush = Date.now();
    this.distributor.flush();
  }
}
