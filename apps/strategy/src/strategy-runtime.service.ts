import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { tsdbBarHistory } from '@qautlra/clients';
import { BarFrequency, MarketBar, resolveParameters, StrategyDefinition } from '@qautlra/execution';
import { DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import { QifiOrder, QifiTrade } from '@qautlra/qifi';
import { loadStrategy, StrategyCatalog, StrategyEntry } from '@qautlra/strategies';
import { randomUUID } from 'node:crypto';
import { Counter, Gauge, Registry } from 'prom-client';
import { Subject } from 'rxjs';
import type { StrategyConfig } from './config';
import {
  DEFAULT_LIMITS,
  HoldReason,
  InstanceLimits,
  InstanceLog,
  InstanceSpec,
  LiveInstance,
  PnlPoint,
} from './runtime/live-instance';
import { InstanceStore, STRATEGY_MIGRATIONS, StrategyDatabase } from './store/instance-store';
import { STRATEGY_CONFIG } from './tokens';

/** What an instance looks like on the API (no password, ever). */
export interface InstanceView {
  id: string;
  name: string;
  strategy: string;
  params: Record<string, number | string | boolean>;
  account: string;
  instruments: string[];
  frequency: string;
  warmup_bars: number;
  limits: { max_position: number; max_orders_per_minute: number; max_daily_loss: number };
  status: string;
  holds: { reason: HoldReason; detail: string }[];
  error: string | null;
  generation: number;
  connections: { trade_server: boolean; gateway: boolean };
  sending: boolean;
  positions: Record<string, { long: number; short: number; net: number; float_profit: number }>;
  account_summary: {
    balance: number;
    available: number;
    margin: number;
    position_profit: number;
    close_profit: number;
  } | null;
  orders: number;
  trades: number;
  /** Tick arrival → the first order it made sent (the last 10,000 orders). */
  tick_to_order_ms: { count: number; p50: number; p99: number } | null;
}

/** Everything the runtime tells its Socket.IO clients. */
export type RuntimeEvent =
  | { type: 'state'; instance: InstanceView }
  | { type: 'log'; id: string; entry: InstanceLog }
  | { type: 'order'; id: string; order: QifiOrder }
  | { type: 'trade'; id: string; trade: QifiTrade }
  | { type: 'pnl'; id: string; point: PnlPoint }
  | { type: 'removed'; id: string };

export interface CreateInstance {
  name?: string;
  strategy: string;
  params?: Record<string, unknown>;
  account: string;
  password: string;
  instruments: string[];
  frequency?: BarFrequency | 'tick';
  warmup_bars?: number;
  limits?: Partial<{ max_position: number; max_orders_per_minute: number; max_daily_loss: number }>;
  /** Start at once (default true). */
  start?: boolean;
}

function latencySummary(values: readonly number[]): InstanceView['tick_to_order_ms'] {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return { count: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)) };
}

/**
 * The live strategy runtime: instances of catalogue strategies trading through the trade server,
 * persisted (spec, status, holds, generation, logs) so that a restart resumes each where it was —
 * its account and positions read again from the trade server, never assumed.
 */
@Injectable()
export class StrategyRuntimeService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('strategy');
  private handle?: DatabaseHandle<StrategyDatabase>;
  private store!: InstanceStore;
  private catalog!: StrategyCatalog;
  private catalogReadAt = 0;
  private readonly instances = new Map<string, LiveInstance>();
  private readonly saving = new Map<string, Promise<void>>();
  private pendingLogs: { instance_id: string; at: number; level: string; message: string }[] = [];
  private logTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  readonly events = new Subject<RuntimeEvent>();
  private readonly metrics: { orders: Counter; trades: Counter };

  constructor(
    @Inject(STRATEGY_CONFIG) private readonly config: StrategyConfig,
    private readonly health: HealthRegistry,
    registry: Registry,
  ) {
    const instances = this.instances;
    const each = (read: (instance: LiveInstance) => number) =>
      function (this: Gauge) {
        this.reset();
        for (const instance of instances.values())
          this.set(
            { instance: instance.spec.id, strategy: instance.spec.strategy },
            read(instance),
          );
      };
    new Gauge({
      name: 'strategy_instance_running',
      help: '1 while the instance runs and may send orders, 0 when held (paused, disconnected) or stopped',
      labelNames: ['instance', 'strategy'],
      registers: [registry],
      collect: each((instance) => (instance.sending ? 1 : 0)),
    });
    new Gauge({
      name: 'strategy_instance_balance',
      help: 'Balance of the instance’s account as the trade server shows it (CNY)',
      labelNames: ['instance', 'strategy'],
      registers: [registry],
      collect: each((instance) => instance.qifi().accounts.balance ?? 0),
    });
    new Gauge({
      name: 'strategy_instance_position_profit',
      help: 'Position profit of the instance’s account (CNY)',
      labelNames: ['instance', 'strategy'],
      registers: [registry],
      collect: each((instance) => instance.qifi().accounts.position_profit ?? 0),
    });
    this.metrics = {
      orders: new Counter({
        name: 'strategy_orders_total',
        help: 'Order updates of the instance’s orders seen on the DIFF stream',
        labelNames: ['instance'],
        registers: [registry],
      }),
      trades: new Counter({
        name: 'strategy_trades_total',
        help: 'Fills of the instance’s orders',
        labelNames: ['instance'],
        registers: [registry],
      }),
    };
  }

  async onModuleInit(): Promise<void> {
    this.handle = await openAppDatabase<StrategyDatabase>({
      url: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      migrations: STRATEGY_MIGRATIONS,
      migrationTable: 'strategy_migration',
      health: this.health,
    });
    this.store = new InstanceStore(this.handle.db);
    this.catalog = new StrategyCatalog(this.config.strategyDirs);
    this.catalogReadAt = Date.now();
    for (const failure of this.catalog.failures())
      this.logger.warn(`strategy file not offered: ${failure.problem}`);
    this.logTimer = setInterval(() => void this.flushLogs(), 500);
    this.logTimer.unref();
    // Resume what ran before the last stop, each from the trade server's view of its account.
    for (const record of await this.store.list()) {
      try {
        const instance = this.build(record.spec, record.password, record.generation + 1);
        this.instances.set(record.spec.id, instance);
        const holds = Object.entries(record.holds) as [HoldReason, string][];
        if (
          record.status === 'running' ||
          record.status === 'paused' ||
          record.status === 'starting'
        ) {
          const held = holds.find(([reason]) => reason !== 'disconnected');
          instance.log('info', `resuming after a restart of the runtime (was ${record.status})`);
          instance.start(held ? { reason: held[0], detail: held[1] } : undefined);
          for (const [reason, detail] of holds)
            if (reason !== 'disconnected' && reason !== held?.[0])
              instance.holds.set(reason, detail);
        } else {
          instance.status = record.status;
          instance.error = record.error ?? undefined;
        }
      } catch (error) {
        this.logger.error(`instance ${record.spec.id} not resumed: ${(error as Error).message}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.logTimer);
    // Connections close; the status stays as it was, so the next start resumes each instance.
    await Promise.all([...this.instances.values()].map((instance) => instance.close()));
    await Promise.allSettled(this.saving.values());
    await this.flushLogs();
    await this.handle?.close();
  }

  /** The catalogue, read again at most every 5 s (a Python file is read by starting Python). */
  strategies(): StrategyEntry[] {
    if (Date.now() - this.catalogReadAt > 5_000) {
      this.catalog.reload();
      this.catalogReadAt = Date.now();
    }
    return this.catalog.list();
  }

  list(): InstanceView[] {
    return [...this.instances.values()].map((instance) => this.view(instance));
  }

  get(id: string): LiveInstance {
    const instance = this.instances.get(id);
    if (!instance)
      throw new NotFoundException({ code: 'NOT_FOUND', message: `no strategy instance ${id}` });
    return instance;
  }

  async create(request: CreateInstance): Promise<InstanceView> {
    if (this.instances.size >= this.config.maxInstances)
      throw new HttpException(
        { code: 'TOO_MANY_INSTANCES', message: `at most ${this.config.maxInstances} instances` },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const entry =
      this.catalog.get(request.strategy) ?? (this.strategies(), this.catalog.get(request.strategy));
    if (!entry)
      throw new NotFoundException({
        code: 'UNKNOWN_STRATEGY',
        message: `no strategy ${request.strategy}; GET /api/strategies lists them`,
      });
    const definition = loadStrategy(entry.file);
    let params;
    try {
      params = resolveParameters(definition, request.params ?? {});
    } catch (error) {
      throw new BadRequestException({
        code: 'INVALID_PARAMETER',
        message: (error as Error).message,
      });
    }
    const limits: InstanceLimits = {
      maxPosition: request.limits?.max_position ?? DEFAULT_LIMITS.maxPosition,
      maxOrdersPerMinute:
        request.limits?.max_orders_per_minute ?? DEFAULT_LIMITS.maxOrdersPerMinute,
      maxDailyLoss: request.limits?.max_daily_loss ?? DEFAULT_LIMITS.maxDailyLoss,
    };
    const id = randomUUID();
    const spec: InstanceSpec = {
      id,
      name: request.name ?? `${entry.name} on ${request.instruments.join(', ')}`,
      strategy: entry.name,
      params,
      account: request.account,
      instruments: [...new Set(request.instruments)],
      frequency: request.frequency ?? '1m',
      warmupBars: request.warmup_bars ?? 200,
      limits,
    };
    await this.store.insert(spec, request.password);
    const instance = this.build(spec, request.password, 1, definition);
    this.instances.set(id, instance);
    instance.log(
      'info',
      `created: ${spec.strategy} ${JSON.stringify(params)} on ${spec.instruments.join(', ')} for ${spec.account}`,
    );
    if (request.start ?? true) instance.start();
    this.persist(instance);
    return this.view(instance);
  }

  async start(id: string): Promise<InstanceView> {
    const instance = this.get(id);
    if (instance.status === 'stopped' || instance.status === 'failed') {
      // A stopped instance starts again as a new generation of itself.
      const record = this.instances.get(id)!;
      const fresh = this.build(
        record.spec,
        await this.passwordOf(id),
        record.currentGeneration + 1,
      );
      this.instances.set(id, fresh);
      fresh.start();
      this.persist(fresh);
      return this.view(fresh);
    }
    instance.start();
    this.persist(instance);
    return this.view(instance);
  }

  pause(id: string): InstanceView {
    const instance = this.active(id);
    instance.pause('user', 'paused by hand');
    return this.view(instance);
  }

  async resume(id: string): Promise<InstanceView> {
    const instance = this.active(id);
    await instance.resume();
    return this.view(instance);
  }

  kill(id: string): InstanceView {
    const instance = this.active(id);
    instance.kill('kill switch of the instance');
    return this.view(instance);
  }

  /** The global kill switch: every instance cancels its orders and holds. */
  killAll(): InstanceView[] {
    for (const instance of this.instances.values())
      if (
        instance.status === 'running' ||
        instance.status === 'paused' ||
        instance.status === 'starting'
      )
        instance.kill('global kill switch');
    return this.list();
  }

  async reload(id: string, params: Record<string, unknown>): Promise<InstanceView> {
    const instance = this.get(id);
    try {
      instance.spec.params = await instance.reload(params);
    } catch (error) {
      throw new BadRequestException({
        code: 'INVALID_PARAMETER',
        message: (error as Error).message,
      });
    }
    this.persist(instance);
    return this.view(instance);
  }

  async stop(id: string, flatten: boolean): Promise<InstanceView> {
    const instance = this.get(id);
    await instance.stop(flatten);
    this.persist(instance);
    return this.view(instance);
  }

  async remove(id: string): Promise<void> {
    const instance = this.get(id);
    if (
      instance.status !== 'stopped' &&
      instance.status !== 'failed' &&
      instance.status !== 'created'
    )
      throw new ConflictException({ code: 'INSTANCE_ACTIVE', message: 'stop the instance first' });
    await instance.close();
    this.instances.delete(id);
    await this.saving.get(id);
    await this.store.remove(id);
    this.events.next({ type: 'removed', id });
  }

  async logs(id: string, limit: number): Promise<{ at: string; level: string; message: string }[]> {
    this.get(id);
    await this.flushLogs();
    return this.store.logs(id, limit);
  }

  view(instance: LiveInstance): InstanceView {
    const spec = instance.spec;
    const qifi = instance.qifi();
    const positions: InstanceView['positions'] = {};
    for (const instrument of spec.instruments) {
      const position = qifi.positions[instrument];
      const long = position?.volume_long ?? 0;
      const short = position?.volume_short ?? 0;
      positions[instrument] = {
        long,
        short,
        net: long - short,
        float_profit: position?.float_profit ?? 0,
      };
    }
    const fields = qifi.accounts;
    return {
      id: spec.id,
      name: spec.name,
      strategy: spec.strategy,
      params: instance.currentParams,
      account: spec.account,
      instruments: spec.instruments,
      frequency: spec.frequency,
      warmup_bars: spec.warmupBars,
      limits: {
        max_position: spec.limits.maxPosition,
        max_orders_per_minute: spec.limits.maxOrdersPerMinute,
        max_daily_loss: spec.limits.maxDailyLoss,
      },
      status: instance.status,
      holds: [...instance.holds].map(([reason, detail]) => ({ reason, detail })),
      error: instance.error ?? null,
      generation: instance.currentGeneration,
      connections: { trade_server: instance.tradeConnected, gateway: instance.marketConnected },
      sending: instance.sending,
      positions,
      account_summary:
        typeof fields.balance === 'number'
          ? {
              balance: fields.balance,
              available: fields.available ?? 0,
              margin: fields.margin ?? 0,
              position_profit: fields.position_profit ?? 0,
              close_profit: fields.close_profit ?? 0,
            }
          : null,
      orders: instance.orders().length,
      trades: instance.trades().length,
      tick_to_order_ms: latencySummary(instance.tickToOrderMs),
    };
  }

  private active(id: string): LiveInstance {
    const instance = this.get(id);
    if (
      instance.status === 'stopped' ||
      instance.status === 'failed' ||
      instance.status === 'created'
    )
      throw new ConflictException({
        code: 'INSTANCE_NOT_RUNNING',
        message: `the instance is ${instance.status}; start it first`,
      });
    return instance;
  }

  private async passwordOf(id: string): Promise<string> {
    const record = (await this.store.list()).find((entry) => entry.spec.id === id);
    if (!record)
      throw new NotFoundException({ code: 'NOT_FOUND', message: `no strategy instance ${id}` });
    return record.password;
  }

  private build(
    spec: InstanceSpec,
    password: string,
    generation: number,
    loaded?: StrategyDefinition,
  ): LiveInstance {
    const entry = loaded ? undefined : this.catalog.get(spec.strategy);
    if (!loaded && !entry) throw new Error(`strategy ${spec.strategy} is no longer offered`);
    // A definition just loaded is used as it is (a Python file is read by starting Python).
    const definition = loaded ?? loadStrategy(entry!.file);
    return new LiveInstance({
      spec,
      password,
      definition,
      generation,
      marketUrl: this.config.marketUrl,
      tradeUrl: this.config.tradeUrl,
      broker: this.config.broker,
      pythonTimeoutMs: this.config.pythonTimeoutMs,
      history: (instrument, frequency, count) => this.history(instrument, frequency, count),
      events: {
        state: (instance) => {
          this.persist(instance);
          this.events.next({ type: 'state', instance: this.view(instance) });
        },
        log: (instance, entry) => {
          this.pendingLogs.push({ instance_id: instance.spec.id, ...entry });
          this.events.next({ type: 'log', id: instance.spec.id, entry });
        },
        order: (instance, order) => {
          this.metrics.orders.inc({ instance: instance.spec.id });
          this.events.next({ type: 'order', id: instance.spec.id, order });
        },
        trade: (instance, trade) => {
          this.metrics.trades.inc({ instance: instance.spec.id });
          this.events.next({ type: 'trade', id: instance.spec.id, trade });
        },
        pnl: (instance, point) => this.events.next({ type: 'pnl', id: instance.spec.id, point }),
      },
    });
  }

  /** Saves an instance's state (one write at a time per instance, the newest state last). */
  private persist(instance: LiveInstance): void {
    const id = instance.spec.id;
    const previous = this.saving.get(id) ?? Promise.resolve();
    const holds = Object.fromEntries(instance.holds);
    const state = {
      spec: instance.spec,
      status: instance.status,
      holds,
      generation: instance.currentGeneration,
      error: instance.error ?? null,
    };
    const next = previous
      .then(() => (this.instances.has(id) ? this.store.save(id, state) : undefined))
      .catch((error: Error) => this.logger.error(`saving instance ${id}: ${error.message}`));
    this.saving.set(id, next);
  }

  private flushLogs(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = this.pendingLogs;
      this.pendingLogs = [];
      try {
        await this.store?.appendLogs(
          batch.filter((entry) => this.instances.has(entry.instance_id)),
        );
      } catch (error) {
        this.logger.error(`saving logs: ${(error as Error).message}`);
      }
    });
    return this.flushing;
  }

  /** The last `count` finished bars of an instrument from the tsdb (built from its ticks). */
  private history(
    instrument: string,
    frequency: BarFrequency,
    count: number,
  ): Promise<MarketBar[]> {
    return tsdbBarHistory(this.config.tsdb, instrument, frequency, count);
  }
}
