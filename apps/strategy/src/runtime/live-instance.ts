import { BarBuilder, tickOfRow } from '@qautlra/backtest';
import { DiffTradeClient, MarketDataClient, QifiMirror } from '@qautlra/clients';
import type { InsertOrder } from '@qautlra/diff';
import {
  BarFrequency,
  MarketBar,
  ParameterValues,
  resolveParameters,
  StrategyDefinition,
  StrategyRunner,
  Venue,
  VenueAccount,
} from '@qautlra/execution';
import type { QifiOrder, QifiTrade } from '@qautlra/qifi';
import { isPythonDefinition, PythonStrategyError, PythonStrategyHost } from '@qautlra/strategies';

/** Per-instance safety limits (0: no limit). */
export interface InstanceLimits {
  /** Most lots held per instrument and side after an opening order. */
  maxPosition: number;
  /** Most orders sent in any 60 s. */
  maxOrdersPerMinute: number;
  /** The account's loss today (CNY, from the day's static balance) that pauses the instance. */
  maxDailyLoss: number;
}

export const DEFAULT_LIMITS: InstanceLimits = {
  maxPosition: 10,
  maxOrdersPerMinute: 30,
  maxDailyLoss: 50_000,
};

/** What an instance is made of (the password is kept apart: it never leaves the server). */
export interface InstanceSpec {
  id: string;
  name: string;
  strategy: string;
  params: ParameterValues;
  account: string;
  instruments: string[];
  /** Bars built live at this frequency (and `onBar`), or `tick` (`onTick` only). */
  frequency: BarFrequency | 'tick';
  /** Finished bars of history replayed into the strategy before it trades (orders not sent). */
  warmupBars: number;
  limits: InstanceLimits;
}

export type InstanceStatus = 'created' | 'starting' | 'running' | 'paused' | 'stopped' | 'failed';

/**
 * Why an instance sends nothing: `user` (paused by hand), `kill` (kill switch), `limit` (a safety
 * limit), `error` (the strategy threw), `disconnected` (gateway or trade server away; it resumes by
 * itself when both are back). Only `disconnected` clears itself.
 */
export type HoldReason = 'user' | 'kill' | 'limit' | 'error' | 'disconnected';

export interface InstanceLog {
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface PnlPoint {
  at: number;
  balance: number;
  position_profit: number;
  close_profit: number;
}

export interface InstanceEvents {
  state(instance: LiveInstance): void;
  log(instance: LiveInstance, entry: InstanceLog): void;
  order(instance: LiveInstance, order: QifiOrder): void;
  trade(instance: LiveInstance, trade: QifiTrade): void;
  pnl(instance: LiveInstance, point: PnlPoint): void;
}

export interface LiveInstanceOptions {
  spec: InstanceSpec;
  password: string;
  definition: StrategyDefinition;
  /** Starts of this instance so far (order ids carry it, so none repeats across restarts). */
  generation: number;
  marketUrl: string;
  tradeUrl: string;
  broker: string;
  /** Finished bars of history (oldest first), for the warm-up; none when the tsdb is away. */
  history(instrument: string, frequency: BarFrequency, count: number): Promise<MarketBar[]>;
  events: InstanceEvents;
  now?: () => number;
  /** Python strategies: longest a callback (one request to the Python process) may take, ms. */
  pythonTimeoutMs?: number;
  /** The back-off of both connections (ms). */
  retryBaseMs?: number;
  retryCapMs?: number;
}

const MAX_LOGS = 500;
/** Time waited after a login for the server's snapshot before acting on what is there. */
const SNAPSHOT_GRACE_MS = 2_000;
const MAX_PNL = 5_000;

/** Order ids of an instance: `st.<8 hex of its id>.<generation>.<n>`. */
export function orderPrefixOf(id: string): string {
  return `st.${id.replace(/-/g, '').slice(0, 8)}.`;
}

/**
 * One strategy instance trading live: the strategy runs in the same `StrategyRunner` as in a
 * backtest, on ticks from the gateway (and bars built from them by the backtest's own
 * `BarBuilder`), and its orders go to the trade server over DIFF as a normal user, so the trade
 * server's risk checks, rate limits and account engine apply as for a person. Its account is the
 * trade server's, mirrored from the DIFF stream (never assumed): on every (re)login the server's
 * whole section replaces the mirror.
 *
 * Nothing is queued while it cannot send: an order the strategy makes while paused, disconnected
 * or over a limit is refused and logged, so nothing stale goes out after a reconnect.
 */
export class LiveInstance {
  readonly spec: InstanceSpec;
  status: InstanceStatus = 'created';
  /** Why it sends nothing (several at once possible), and what was said. */
  readonly holds = new Map<HoldReason, string>();
  error?: string;
  readonly logs: InstanceLog[] = [];
  readonly pnl: PnlPoint[] = [];
  private definition: StrategyDefinition;
  private runner?: StrategyRunner;
  private params: ParameterValues;
  private generation: number;
  private readonly prefix: string;
  private readonly mirror: QifiMirror;
  private session?: DiffTradeClient;
  private market?: MarketDataClient;
  private bars?: BarBuilder;
  /** Warm-up and parameter reloads replay history with order sending off. */
  private replaying = false;
  private warmed = false;
  /** Orders sent that the mirror does not show yet. */
  private readonly inFlight = new Map<string, InsertOrder>();
  /** Send times of the last minute's orders. */
  private readonly sent: number[] = [];
  /** Trades already handed to the strategy (a re-login sends them all again). */
  private readonly seenTrades = new Set<string>();
  /** Each order's last state handed to the strategy. */
  private readonly orderStates = new Map<string, string>();
  private readonly now: () => number;
  private lastMarketMs = 0;
  private currentSession = 0;
  /** The gateway has been reached at least once (before: waiting for it, not disconnected). */
  private marketSeen = false;
  private synced = false;
  private graceTimer?: NodeJS.Timeout;
  private lastPnlAt = 0;
  private refusedLogged = false;
  /** When the tick the strategy is handling arrived (performance.now(); 0: none or already used). */
  private tickArrival = 0;
  /** Tick arrival → the first order it made sent on the DIFF socket, ms (the last 10,000). */
  readonly tickToOrderMs: number[] = [];
  /** A Python strategy's host (its process), and the chain its requests go through one by one. */
  private python?: PythonStrategyHost;
  private pythonChain: Promise<void> = Promise.resolve();
  private pythonBroken = false;

  constructor(private readonly options: LiveInstanceOptions) {
    this.spec = options.spec;
    this.definition = options.definition;
    this.params = resolveParameters(options.definition, options.spec.params);
    this.generation = options.generation;
    this.prefix = orderPrefixOf(options.spec.id);
    this.now = options.now ?? Date.now;
    this.mirror = new QifiMirror({
      account: options.spec.account,
      portfolio: 'strategy',
      broker: options.broker,
      wsuri: options.tradeUrl,
      eventmqIp: '',
      databaseIp: '',
      taskid: options.spec.id,
      pingGap: 5,
    });
  }

  get currentParams(): ParameterValues {
    return { ...this.params };
  }

  get currentGeneration(): number {
    return this.generation;
  }

  get tradeConnected(): boolean {
    return (this.session?.ready ?? false) && this.synced;
  }

  get marketConnected(): boolean {
    return this.market?.connected ?? false;
  }

  /** Whether an order would go out now. */
  get sending(): boolean {
    return this.status === 'running' && this.holds.size === 0 && this.warmed && !this.replaying;
  }

  /** The account as the trade server shows it (QIFI). */
  qifi() {
    return this.mirror.document;
  }

  /** This instance's orders (by its order-id prefix) and trades, from the account. */
  orders(): QifiOrder[] {
    return Object.values(this.mirror.document.orders).filter((order) => this.owns(order.order_id));
  }

  trades(): QifiTrade[] {
    return Object.values(this.mirror.document.trades).filter((trade) => this.owns(trade.order_id));
  }

  owns(orderId: string | undefined): boolean {
    return orderId !== undefined && orderId.startsWith(this.prefix);
  }

  /**
   * Connects to the trade server (the account, reconciled from the server), runs `onStart` and the
   * warm-up, then subscribes to live quotes. `paused` starts it held by hand.
   */
  start(held?: { reason: HoldReason; detail: string }): void {
    if (this.status === 'running' || this.status === 'starting' || this.status === 'paused') return;
    this.status = 'starting';
    this.error = undefined;
    if (held) this.holds.set(held.reason, held.detail);
    this.emitState();
    this.runner = this.makeRunner(this.params);
    this.session = new DiffTradeClient(
      {
        url: this.options.tradeUrl,
        account: this.spec.account,
        password: this.options.password,
        broker: this.options.broker,
        pingGapMs: 5_000,
        retryBaseMs: this.options.retryBaseMs ?? 500,
        retryCapMs: this.options.retryCapMs ?? 5_000,
      },
      {
        onFrame: (frame, session) => this.onFrame(frame, session),
        onReady: (session) => this.onTradeReady(session),
        onState: (state, detail) => {
          if (state === 'login_failed') this.fail(`the trade server refused the login: ${detail}`);
          else if (state !== 'ready' && state !== 'stopped') this.connectionChanged();
        },
      },
    );
    this.session.start();
  }

  /** The first login: reconcile, start the strategy and warm it up, then take live quotes. */
  private async begin(): Promise<void> {
    const runner = this.runner!;
    this.log('info', `reconciled with the trade server: ${describePositions(this.mirror)}`);
    this.replaying = true;
    try {
      // onStart goes first into the Python host's queue; the process starts meanwhile.
      this.call('onStart', () => runner.start());
      await this.python?.start([this.spec.account]);
      await this.warmUp(runner);
      await this.python?.flush();
    } catch (error) {
      if (!(error instanceof PythonStrategyError)) throw error;
      this.pythonFailed(error);
    } finally {
      this.replaying = false;
    }
    if (this.status === 'failed' || this.status === 'stopped') return;
    this.warmed = true;
    this.bars = this.spec.frequency === 'tick' ? undefined : new BarBuilder(this.spec.frequency);
    this.status = this.holds.has('user') || this.holds.has('kill') ? 'paused' : 'running';
    this.market = new MarketDataClient(
      {
        url: this.options.marketUrl,
        idleTimeoutMs: 30_000,
        backoffBaseMs: this.options.retryBaseMs ?? 500,
        backoffCapMs: this.options.retryCapMs ?? 5_000,
      },
      {
        onQuote: (id, quote, patch) => this.onQuote(id, quote, patch),
        onState: () => this.connectionChanged(),
      },
    );
    this.market.subscribe(this.spec.instruments);
    this.market.start();
    this.connectionChanged();
    this.log('info', `started (generation ${this.generation})`);
  }

  private async warmUp(runner: StrategyRunner): Promise<void> {
    const frequency = this.spec.frequency;
    if (frequency === 'tick' || this.spec.warmupBars <= 0) return;
    const history: MarketBar[] = [];
    for (const instrument of this.spec.instruments) {
      try {
        history.push(...(await this.options.history(instrument, frequency, this.spec.warmupBars)));
      } catch (error) {
        this.log('warn', `no warm-up history of ${instrument}: ${(error as Error).message}`);
      }
    }
    history.sort((a, b) => a.endMs - b.endMs || a.instrument.localeCompare(b.instrument));
    for (const bar of history) {
      if (this.status === 'failed') return;
      this.lastMarketMs = bar.endMs;
      this.call('onBar', () => runner.bar(bar));
    }
    if (history.length > 0)
      this.log('info', `warmed up on ${history.length} bars of history (orders not sent)`);
  }

  pause(reason: HoldReason = 'user', detail = 'paused by hand'): void {
    if (this.status === 'stopped' || this.status === 'failed') return;
    this.holds.set(reason, detail);
    if (this.status === 'running') this.status = 'paused';
    this.log('info', `paused: ${detail}`);
    this.emitState();
  }

  async resume(): Promise<void> {
    if (this.status !== 'paused' && this.status !== 'running') return;
    if (this.pythonBroken) {
      // A new Python process, replayed over the bars seen so far, takes over.
      await this.reload({});
      if (this.pythonBroken) return;
    }
    for (const reason of ['user', 'kill', 'limit', 'error'] as const) this.holds.delete(reason);
    this.refusedLogged = false;
    this.status = this.holds.size > 0 ? 'paused' : 'running';
    this.log('info', 'resumed');
    this.emitState();
  }

  /** Kill switch: cancels this instance's live orders and holds it until resumed by hand. */
  kill(detail = 'kill switch'): void {
    this.pause('kill', detail);
    for (const order of this.orders())
      if (order.status === 'ALIVE')
        this.sendRaw({ aid: 'cancel_order', user_id: this.spec.account, order_id: order.order_id });
  }

  /**
   * New parameters without losing positions or subscriptions: a new strategy object with them is
   * replayed over the bars seen so far (orders off), then takes over.
   */
  async reload(params: Record<string, unknown>): Promise<ParameterValues> {
    const resolved = resolveParameters(this.definition, { ...this.params, ...params });
    const old = this.runner;
    this.params = resolved;
    if (!old || !this.warmed) return resolved;
    this.generation += 1;
    const oldPython = this.python;
    await this.pythonChain;
    const runner = this.makeRunner(resolved);
    const seen = this.spec.instruments.flatMap((instrument) => old.context.bars(instrument));
    seen.sort((a, b) => a.endMs - b.endMs || a.instrument.localeCompare(b.instrument));
    this.replaying = true;
    try {
      this.runner = runner;
      oldPython?.close();
      this.pythonBroken = false;
      // Live events meanwhile queue behind onStart and the replayed bars (orders off until done).
      this.call('onStart', () => runner.start());
      await this.python?.start([this.spec.account]);
      for (const bar of seen) this.call('onBar', () => runner.bar(bar));
      await this.python?.flush();
    } catch (error) {
      if (!(error instanceof PythonStrategyError)) throw error;
      this.pythonFailed(error);
    } finally {
      this.replaying = false;
    }
    this.log('info', `parameters now ${JSON.stringify(resolved)} (replayed ${seen.length} bars)`);
    this.emitState();
    return resolved;
  }

  /**
   * Stops: `flatten` first cancels its orders and closes its instruments' positions at market
   * (and waits until the account shows them flat, up to `flattenTimeoutMs`).
   */
  async stop(flatten = false, flattenTimeoutMs = 15_000): Promise<void> {
    if (this.status === 'stopped') return;
    if (flatten && this.session?.ready && this.runner) {
      const context = this.runner.context;
      this.holds.clear();
      this.status = 'running';
      this.warmed = true;
      const flat = () =>
        this.spec.instruments.every(
          (instrument) =>
            context.position(instrument).net === 0 &&
            context.position(instrument).long === 0 &&
            context.position(instrument).short === 0,
        );
      const deadline = this.now() + flattenTimeoutMs;
      while (!flat() && this.now() < deadline && this.session.ready) {
        context.cancelAll();
        for (const instrument of this.spec.instruments) {
          const position = context.position(instrument);
          if (position.long > 0) context.sellClose(instrument, position.long);
          if (position.short > 0) context.buyClose(instrument, position.short);
        }
        await waitUntil(() => flat() || this.inFlight.size === 0, 2_000);
        await waitUntil(flat, 1_000);
      }
      this.log(flat() ? 'info' : 'warn', flat() ? 'flattened' : 'could not flatten in time');
    }
    if (this.runner && this.warmed) this.call('onEnd', () => this.runner!.end());
    if (this.python && !this.pythonBroken)
      await (this.pythonChain = this.pythonChain
        .then(() => this.python?.drain())
        .catch(() => undefined));
    this.status = 'stopped';
    await this.close();
    this.log('info', 'stopped');
    this.emitState();
  }

  /** Closes the connections without calling the strategy (runtime shutdown: it resumes later). */
  async close(): Promise<void> {
    clearTimeout(this.graceTimer);
    this.python?.close();
    this.market?.stop();
    this.market = undefined;
    await this.session?.stop();
    this.session = undefined;
  }

  // ---- the strategy's venue ----

  private makeRunner(params: ParameterValues): StrategyRunner {
    const definition = this.definition;
    this.python = isPythonDefinition(definition)
      ? new PythonStrategyHost(definition, params, {
          instruments: this.spec.instruments,
          timeoutMs: this.options.pythonTimeoutMs ?? 5_000,
          log: (message) => this.log('info', message),
        })
      : undefined;
    const strategy = this.python ?? definition.create(params);
    const venue: Venue = {
      now: () => this.lastMarketMs || this.now(),
      tradingDay: () => this.mirror.document.trading_day,
      account: (name) => (name === this.spec.account ? this.venueAccount() : undefined),
      insert: (_account, order) => this.insert(order),
      cancel: (_account, orderId) => {
        if (this.owns(orderId))
          this.sendRaw({ aid: 'cancel_order', user_id: this.spec.account, order_id: orderId });
      },
      pending: (_account, instrument) =>
        [...this.inFlight.values()].filter(
          (order) =>
            instrument === undefined ||
            `${order.exchange_id}.${order.instrument_id}` === instrument,
        ),
    };
    return new StrategyRunner(strategy, params, venue, {
      accounts: [this.spec.account],
      orderIdPrefix: `${this.prefix}${this.generation}.`,
      log: (message) => this.log('info', message),
    });
  }

  private venueAccount(): VenueAccount {
    const mirror = this.mirror;
    return {
      account: () => mirror.document.accounts,
      toQifi: () => mirror.document,
      position: (key) => mirror.document.positions[key],
      aliveOrders: () => mirror.aliveOrders(),
    };
  }

  private insert(order: InsertOrder): void {
    const refuse = (why: string) => {
      if (!this.refusedLogged || !this.replaying)
        this.log(
          this.replaying ? 'info' : 'warn',
          `order not sent (${why}): ${describeOrder(order)}`,
        );
      if (this.replaying) this.refusedLogged = true;
    };
    if (this.replaying) return refuse('replaying history');
    if (!this.sending)
      return refuse(
        this.holds.size > 0 ? [...this.holds.values()].join('; ') : `instance ${this.status}`,
      );
    const limits = this.spec.limits;
    const now = this.now();
    while (this.sent.length > 0 && this.sent[0]! <= now - 60_000) this.sent.shift();
    if (limits.maxOrdersPerMinute > 0 && this.sent.length >= limits.maxOrdersPerMinute) {
      this.pause('limit', `more than ${limits.maxOrdersPerMinute} orders in a minute`);
      return refuse('order rate limit');
    }
    if (limits.maxPosition > 0 && order.offset === 'OPEN') {
      const position = this.runner!.context.position(`${order.exchange_id}.${order.instrument_id}`);
      const pendingSameSide = [...this.inFlight.values()]
        .filter(
          (other) =>
            other.offset === 'OPEN' &&
            other.direction === order.direction &&
            other.instrument_id === order.instrument_id &&
            other.exchange_id === order.exchange_id,
        )
        .reduce((sum, other) => sum + other.volume, 0);
      const held = order.direction === 'BUY' ? position.long : position.short;
      if (held + pendingSameSide + order.volume > limits.maxPosition)
        return refuse(`max position ${limits.maxPosition} lots`);
    }
    if (!this.sendRaw(order)) return refuse('trade server not connected');
    if (this.tickArrival > 0) {
      this.tickToOrderMs.push(performance.now() - this.tickArrival);
      if (this.tickToOrderMs.length > 10_000) this.tickToOrderMs.shift();
      this.tickArrival = 0;
    }
    this.sent.push(now);
    if (order.order_id) this.inFlight.set(order.order_id, order);
  }

  private sendRaw(message: Parameters<DiffTradeClient['send']>[0]): boolean {
    return this.session?.send(message) ?? false;
  }

  // ---- the DIFF stream ----

  /** A login: the server's snapshot follows (a grace period covers an account with nothing in it). */
  private onTradeReady(session: number): void {
    this.currentSession = session;
    this.synced = false;
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.onSynced(), SNAPSHOT_GRACE_MS);
  }

  /** The account's snapshot is in: the first time, the strategy starts; later, sending resumes. */
  private onSynced(): void {
    clearTimeout(this.graceTimer);
    if (this.synced || !this.session?.ready) return;
    this.synced = true;
    this.connectionChanged();
    if (!this.warmed && this.status === 'starting')
      void this.begin().catch((error: unknown) =>
        this.fail(`start failed: ${(error as Error).message}`),
      );
  }

  private onFrame(frame: Record<string, unknown>, session: number): void {
    if (session !== 0 && session !== this.currentSession) {
      // A new login: the server sends the whole section again.
      this.currentSession = session;
      this.mirror.beginSession();
    }
    const change = this.mirror.apply(frame);
    if (!change.changed) return;
    for (const id of change.orders) {
      const order = this.mirror.order(id);
      if (!order || !this.owns(id)) continue;
      this.inFlight.delete(id);
      const key = stateKey(order);
      if (this.orderStates.get(id) === key) continue;
      this.orderStates.set(id, key);
      // Before the strategy starts, what the account shows is history, not news.
      if (!this.warmed) continue;
      this.options.events.order(this, order);
      if (this.runner?.owns(id)) this.call('onOrder', () => this.runner!.order(order));
    }
    for (const trade of change.trades) {
      if (this.seenTrades.has(trade.trade_id) || !this.owns(trade.order_id)) continue;
      this.seenTrades.add(trade.trade_id);
      if (!this.warmed) continue;
      this.options.events.trade(this, trade);
      if (this.runner) this.call('onTrade', () => this.runner!.trade(trade));
    }
    if (!this.synced && this.session?.ready) this.onSynced();
    this.checkLoss();
    this.samplePnl();
  }

  private checkLoss(): void {
    const limit = this.spec.limits.maxDailyLoss;
    const fields = this.mirror.document.accounts;
    if (limit <= 0 || this.holds.has('limit') || !this.warmed) return;
    const start = fields.static_balance ?? fields.pre_balance;
    if (typeof start !== 'number' || typeof fields.balance !== 'number') return;
    const loss = start - fields.balance;
    if (loss > limit)
      this.pause('limit', `day loss ${loss.toFixed(2)} CNY over the limit ${limit}`);
  }

  private samplePnl(force = false): void {
    const now = this.now();
    if (!force && now - this.lastPnlAt < 1_000) return;
    const fields = this.mirror.document.accounts;
    if (typeof fields.balance !== 'number') return;
    this.lastPnlAt = now;
    const point: PnlPoint = {
      at: now,
      balance: fields.balance,
      position_profit: fields.position_profit ?? 0,
      close_profit: fields.close_profit ?? 0,
    };
    this.pnl.push(point);
    if (this.pnl.length > MAX_PNL) this.pnl.splice(0, this.pnl.length - MAX_PNL);
    this.options.events.pnl(this, point);
  }

  // ---- market data ----

  private onQuote(
    id: string,
    quote: Readonly<Record<string, unknown>>,
    patch: Record<string, unknown>,
  ): void {
    if (!this.runner || !this.warmed) return;
    const arrived = performance.now();
    // A tick is a new trade time; a patch without `datetime` only changes the book.
    if (!('datetime' in patch) && !('last_price' in patch)) return;
    const tick = tickOfRow({ ...quote, instrument_id: id });
    if (!tick || tick.datetimeMs <= 0) return;
    this.lastMarketMs = tick.datetimeMs;
    this.tickArrival = arrived;
    const runner = this.runner;
    if (this.bars) {
      for (const bar of this.bars.push(tick)) this.call('onBar', () => runner.bar(bar));
    } else this.call('onTick', () => runner.tick(tick));
    this.samplePnl();
  }

  // ---- state ----

  private connectionChanged(): void {
    if (this.status !== 'running' && this.status !== 'paused') {
      this.emitState();
      return;
    }
    const away: string[] = [];
    if (!this.tradeConnected) away.push('trade server disconnected');
    if (this.marketConnected) this.marketSeen = true;
    if (this.market && !this.marketConnected)
      away.push(this.marketSeen ? 'gateway disconnected' : 'waiting for the gateway');
    const was = this.holds.has('disconnected');
    if (away.length > 0) {
      this.holds.set('disconnected', away.join(', '));
      if (!was) this.log('warn', `holding orders: ${away.join(', ')}`);
    } else if (was) {
      this.holds.delete('disconnected');
      this.log('info', 'connections back: sending again');
    }
    this.status = this.holds.size > 0 ? 'paused' : 'running';
    this.emitState();
  }

  /** Runs a strategy callback; an exception pauses the instance with the error. */
  private call(what: string, callback: () => void): void {
    try {
      callback();
      const python = this.python;
      // Live events: Python answers one request at a time, in the order the events came.
      if (python?.hasPending && !this.replaying && !this.pythonBroken)
        this.pythonChain = this.pythonChain
          .then(() => (this.python === python && !this.pythonBroken ? python.flush() : undefined))
          .catch((error: unknown) => {
            if (error instanceof PythonStrategyError) this.pythonFailed(error);
            else this.log('error', `python: ${(error as Error).message}`);
          });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.pause(
        'error',
        `${what} threw: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.log('error', `${what} threw: ${text}`);
    }
  }

  /** The Python side failed: the instance holds (its account untouched), with the traceback logged. */
  private pythonFailed(error: PythonStrategyError): void {
    this.pythonBroken = true;
    this.python?.close();
    this.pause('error', `python strategy: ${error.message}`);
    this.log(
      'error',
      `python strategy: ${error.message}${error.traceback ? `\n${error.traceback}` : ''}`,
    );
  }

  private fail(message: string): void {
    this.status = 'failed';
    this.error = message;
    this.log('error', message);
    void this.close();
    this.emitState();
  }

  log(level: InstanceLog['level'], message: string): void {
    const entry = { at: this.now(), level, message };
    this.logs.push(entry);
    if (this.logs.length > MAX_LOGS) this.logs.splice(0, this.logs.length - MAX_LOGS);
    this.options.events.log(this, entry);
  }

  private emitState(): void {
    this.options.events.state(this);
  }
}

function stateKey(order: QifiOrder): string {
  return `${order.status}|${order.volume_left}|${order.last_msg}`;
}

function describeOrder(order: InsertOrder): string {
  return `${order.direction} ${order.offset} ${order.volume} ${order.exchange_id}.${order.instrument_id}${order.limit_price === undefined ? ' at market' : ` @ ${order.limit_price}`}`;
}

function describePositions(mirror: QifiMirror): string {
  const held = Object.entries(mirror.document.positions)
    .filter(([, position]) => (position.volume_long ?? 0) + (position.volume_short ?? 0) > 0)
    .map(
      ([key, position]) =>
        `${key} long ${position.volume_long ?? 0} short ${position.volume_short ?? 0}`,
    );
  return held.length > 0 ? held.join(', ') : 'no positions';
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
}
