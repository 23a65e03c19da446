import type {
  MarketBar,
  MarketTick,
  OrderOptions,
  ParameterValues,
  Strategy,
  StrategyContext,
  StrategyDefinition,
} from '@qautlra/execution';
import type { QifiOrder, QifiTrade } from '@qautlra/qifi';
import {
  describePythonStrategy,
  PythonAction,
  PythonBridge,
  PythonBridgeOptions,
  PythonEvent,
  PythonStrategyError,
} from './python-bridge';

/** A strategy definition read from a `.py` file: run through {@link PythonStrategyHost}. */
export interface PythonStrategyDefinition extends StrategyDefinition {
  python: { file: string; batch: number; readsState: boolean };
}

export function isPythonDefinition(
  definition: StrategyDefinition,
): definition is PythonStrategyDefinition {
  return 'python' in definition;
}

/** Reads a Python strategy file's declaration as a strategy definition. */
export function pythonDefinition(file: string): PythonStrategyDefinition {
  const described = describePythonStrategy(file);
  return {
    name: described.name,
    ...(described.description ? { description: described.description } : {}),
    parameters: described.parameters,
    python: { file, batch: described.batch, readsState: described.reads_state !== false },
    create: () => {
      throw new Error(
        `${described.name} is a Python strategy: it runs through a PythonStrategyHost`,
      );
    },
  };
}

/** Most events in one request (warm-ups and long read-aheads are cut into requests this size). */
const MAX_EVENTS_PER_REQUEST = 2_000;

const wireBar = (bar: MarketBar) => ({
  instrument: bar.instrument,
  frequency: bar.frequency,
  start_ms: bar.startMs,
  end_ms: bar.endMs,
  trading_day: bar.tradingDay,
  open: bar.open,
  high: bar.high,
  low: bar.low,
  close: bar.close,
  volume: bar.volume,
  ...(bar.amount === undefined ? {} : { amount: bar.amount }),
  ...(bar.openInterest === undefined ? {} : { open_interest: bar.openInterest }),
});

const wireTick = (tick: MarketTick) => ({
  instrument: tick.instrument,
  datetime_ms: tick.datetimeMs,
  trading_day: tick.tradingDay,
  last_price: tick.lastPrice,
  bid_price: tick.bidPrice,
  bid_volume: tick.bidVolume,
  ask_price: tick.askPrice,
  ask_volume: tick.askVolume,
  volume: tick.volume,
  ...(tick.upperLimit === undefined ? {} : { upper_limit: tick.upperLimit }),
  ...(tick.lowerLimit === undefined ? {} : { lower_limit: tick.lowerLimit }),
});

/** A bar or tick as a read-ahead hands it over (`now` as the engine's clock will be at its callback). */
export function plannedEvent(event: MarketBar | MarketTick): PythonEvent {
  // Built straight in the bulk form with its key: a read-ahead makes one per bar or tick.
  if ('frequency' in event)
    return {
      kind: 'bar',
      now: event.endMs,
      trading_day: event.tradingDay,
      key: `bar|${event.instrument}|${event.endMs}`,
      compact: [
        'b',
        event.instrument,
        event.frequency,
        event.startMs,
        event.endMs,
        event.tradingDay,
        event.open,
        event.high,
        event.low,
        event.close,
        event.volume,
        event.amount ?? null,
        event.openInterest ?? null,
      ],
    };
  return {
    kind: 'tick',
    now: event.datetimeMs,
    trading_day: event.tradingDay,
    key: `tick|${event.instrument}|${event.datetimeMs}`,
    compact: [
      't',
      event.instrument,
      event.datetimeMs,
      event.tradingDay,
      event.lastPrice,
      event.bidPrice,
      event.bidVolume,
      event.askPrice,
      event.askVolume,
      event.volume,
      event.upperLimit ?? null,
      event.lowerLimit ?? null,
    ],
  };
}

type WireBar = ReturnType<typeof wireBar>;
type WireTick = ReturnType<typeof wireTick>;

/** Bars and ticks go over in a compact array form when their clock is their own time (bulk). */
function compact(event: PythonEvent): PythonEvent | unknown[] {
  if (Array.isArray(event.compact)) return event.compact as unknown[];
  if (event.kind === 'bar') {
    const bar = event.bar as WireBar;
    if (event.now !== bar.end_ms || event.trading_day !== bar.trading_day) return event;
    return [
      'b',
      bar.instrument,
      bar.frequency,
      bar.start_ms,
      bar.end_ms,
      bar.trading_day,
      bar.open,
      bar.high,
      bar.low,
      bar.close,
      bar.volume,
      bar.amount ?? null,
      bar.open_interest ?? null,
    ];
  }
  if (event.kind === 'tick') {
    const tick = event.tick as WireTick;
    if (event.now !== tick.datetime_ms || event.trading_day !== tick.trading_day) return event;
    return [
      't',
      tick.instrument,
      tick.datetime_ms,
      tick.trading_day,
      tick.last_price,
      tick.bid_price,
      tick.bid_volume,
      tick.ask_price,
      tick.ask_volume,
      tick.volume,
      tick.upper_limit ?? null,
      tick.lower_limit ?? null,
    ];
  }
  return event;
}

const keyOf = (event: PythonEvent): string =>
  typeof event.key === 'string'
    ? event.key
    : event.kind === 'bar'
      ? `bar|${(event.bar as { instrument: string; end_ms: number }).instrument}|${(event.bar as { end_ms: number }).end_ms}`
      : event.kind === 'tick'
        ? `tick|${(event.tick as { instrument: string }).instrument}|${(event.tick as { datetime_ms: number }).datetime_ms}`
        : event.kind;

type OrderOp =
  | 'buy'
  | 'sell'
  | 'buyOpen'
  | 'sellOpen'
  | 'buyClose'
  | 'sellClose'
  | 'buyCloseToday'
  | 'sellCloseToday';

const ORDER_OPS = new Set<string>([
  'buy',
  'sell',
  'buyOpen',
  'sellOpen',
  'buyClose',
  'sellClose',
  'buyCloseToday',
  'sellCloseToday',
]);

export interface PythonHostOptions extends PythonBridgeOptions {
  /** Instruments whose positions every request carries (those of the account come too). */
  instruments: readonly string[];
  /** The strategy's `log` lines and its prints (default: the context's log). */
  log?(message: string): void;
}

/**
 * A Python strategy as the runner sees it: each callback becomes an event for the Python process,
 * and the orders it answers with are carried out through the same strategy context a TypeScript
 * strategy uses — the TypeScript side owns the account and the rules, Python only decides.
 *
 * Two ways to drive it. `flush()` after each engine step or live event hands over what the strategy
 * was given and carries out the answer (orders reach the engine before the next event, as a
 * TypeScript strategy's would). `plan()` (backtests) hands over the next bars or ticks before the
 * engine steps them, while the strategy holds no order: Python handles them until one makes orders,
 * and the callbacks then find their answers ready — one request for many bars, same results.
 */
export class PythonStrategyHost implements Strategy {
  readonly bridge: PythonBridge;
  readonly batch: number;
  /**
   * Whole batches: the strategy declared that its decisions read only its bars and ticks
   * (`reads_state = False`), so Python takes every event of a batch and each one's orders are
   * carried out at its callback; order and trade callbacks reach it after the batch.
   */
  readonly through: boolean;
  private context?: StrategyContext;
  private pending: PythonEvent[] = [];
  private planned: { key: string; actions?: PythonAction[] }[] = [];
  /** Orders it made that have not finished yet, and their instruments (a read-ahead stops short of these). */
  private readonly outstanding = new Map<string, string>();
  private ready?: Promise<void>;
  /** Events the next read-ahead sends (adapts; see `plan`). */
  private planSize = 64;
  /** How many events the strategy usually goes before it orders (a moving average). */
  private runLength = 32;

  constructor(
    readonly definition: PythonStrategyDefinition,
    private readonly params: ParameterValues,
    private readonly options: PythonHostOptions,
  ) {
    this.batch = Math.max(1, definition.python.batch);
    this.through = this.batch > 1 && !definition.python.readsState;
    this.bridge = new PythonBridge(definition.python.file, {
      ...options,
      onOutput: (line) => this.log(`python: ${line}`),
    });
  }

  /** Starts the Python strategy object (once). */
  start(accounts: readonly string[]): Promise<void> {
    this.ready ??= this.bridge.init(this.params, accounts).then(() => undefined);
    return this.ready;
  }

  close(): void {
    this.bridge.close();
  }

  private log(message: string): void {
    if (this.options.log) this.options.log(message);
    else this.context?.log(message);
  }

  /** Hands over what is left (the end of a run) without carrying out any order. */
  async drain(): Promise<void> {
    const events = this.pending;
    this.pending = [];
    for (let offset = 0; offset < events.length;) {
      const reply = await this.bridge.events(this.state(), events.slice(offset).map(compact));
      for (const line of reply.logs) this.log(line);
      offset += Math.max(1, reply.processed);
    }
  }

  /** The trading day the strategy is in (empty before its first event). */
  get tradingDay(): string {
    return this.context?.tradingDay() ?? '';
  }

  /** How many events the next read-ahead takes. */
  get planLimit(): number {
    return Math.min(this.through ? this.batch : this.planSize, this.batch, MAX_EVENTS_PER_REQUEST);
  }

  /** Whether a read-ahead may be used now (nothing waiting to be handed over or carried out). */
  get canPlan(): boolean {
    return this.context !== undefined && this.pending.length === 0 && this.planned.length === 0;
  }

  /**
   * Whether an event of this instrument must wait for its step: an order of the strategy's own on
   * it may fill there, and the strategy must see that first.
   */
  blocks(instrument: string): boolean {
    if (this.through) return false;
    for (const held of this.outstanding.values()) if (held === instrument) return true;
    return false;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Whether every event handed over ahead has had its callback. */
  get planEmpty(): boolean {
    return this.planned.length === 0;
  }

  /** Whole batches: hands over what waits and the next events in one request. */
  async advance(ahead: (limit: number) => PythonEvent[]): Promise<void> {
    if (this.context === undefined || this.planned.length > 0) return;
    if (this.pending.length > 0) await this.flush(ahead);
    else await this.plan(ahead(this.planLimit));
  }

  // ---- the runner's callbacks ----

  onStart(context: StrategyContext): void {
    this.take(context, { kind: 'start' });
  }

  onBar(bar: MarketBar, context: StrategyContext): void {
    this.take(context, { kind: 'bar', bar: wireBar(bar) });
  }

  onTick(tick: MarketTick, context: StrategyContext): void {
    this.take(context, { kind: 'tick', tick: wireTick(tick) });
  }

  onOrder(order: QifiOrder, context: StrategyContext): void {
    if (order.status === 'FINISHED') this.outstanding.delete(order.order_id);
    this.take(context, { kind: 'order', order });
  }

  onTrade(trade: QifiTrade, context: StrategyContext): void {
    this.take(context, { kind: 'trade', trade });
  }

  onDay(tradingDay: string, context: StrategyContext): void {
    this.take(context, { kind: 'day', day: tradingDay });
  }

  onEnd(context: StrategyContext): void {
    this.take(context, { kind: 'end' });
  }

  private take(context: StrategyContext, event: PythonEvent): void {
    this.context = context;
    event.now = context.now();
    event.trading_day = context.tradingDay();
    const next = this.planned[0];
    if (next && next.key === keyOf(event)) {
      this.planned.shift();
      if (next.actions) this.apply(next.actions);
      return;
    }
    if (next && this.through && event.kind !== 'bar' && event.kind !== 'tick') {
      // Whole batches: order, trade and day callbacks wait for the batch's end.
      this.pending.push(event);
      return;
    }
    if (next)
      // The engine gave something the read-ahead did not foresee: Python has seen events the
      // strategy never got; the run cannot go on as one.
      throw new PythonStrategyError(
        `read-ahead out of step: expected ${next.key}, got ${keyOf(event)}`,
      );
    this.pending.push(event);
  }

  // ---- driving ----

  /**
   * Hands over what the strategy was given since the last call and carries out its orders. `ahead`
   * (backtests) gives the next market events: when nothing of the strategy's own is out, the last
   * request runs on into them (a read-ahead in the same round trip).
   */
  async flush(ahead?: (limit: number) => PythonEvent[]): Promise<void> {
    while (this.pending.length > 0) {
      const events = this.pending;
      this.pending = [];
      let offset = 0;
      while (offset < events.length) {
        const slice = events.slice(offset, offset + MAX_EVENTS_PER_REQUEST);
        const last = offset + slice.length >= events.length;
        const extra =
          last && ahead && this.batch > 1 && this.pending.length === 0 ? ahead(this.planLimit) : [];
        const request = extra.length > 0 ? [...slice, ...extra] : slice;
        const reply = await this.bridge.events(this.state(), request.map(compact), this.through);
        for (const line of reply.logs) this.log(line);
        if (reply.processed < 1 || reply.processed > request.length)
          throw new PythonStrategyError(
            `the bridge handled ${reply.processed} of ${request.length} events`,
          );
        if (this.through) {
          // Every event handled: what was waiting acts now, the read-ahead at its callbacks.
          const acted = new Map(reply.acted ?? []);
          for (let index = 0; index < slice.length; index += 1) {
            const actions = acted.get(index);
            if (actions) this.apply(actions);
          }
          offset += slice.length;
          if (extra.length > 0) this.keepThrough(extra, acted, slice.length);
          continue;
        }
        if (reply.processed <= slice.length) {
          offset += reply.processed;
          this.apply(reply.actions);
          continue;
        }
        // It ran on into the read-ahead: those events' answers wait for their callbacks.
        offset = events.length;
        this.keepPlan(extra, reply.processed - slice.length, reply.actions);
      }
    }
  }

  private keepThrough(
    events: readonly PythonEvent[],
    acted: Map<number, PythonAction[]>,
    shift: number,
  ): void {
    this.planned = events.map((event, index) => {
      const actions = acted.get(index + shift);
      return { key: keyOf(event), ...(actions ? { actions } : {}) };
    });
  }

  private keepPlan(
    events: readonly PythonEvent[],
    processed: number,
    actions: PythonAction[],
  ): void {
    const size = this.planLimit;
    // Ran through all: ask for more next time; stopped at an order: about that far again.
    if (processed === events.length) {
      if (events.length >= size) this.planSize = size * 2;
    } else {
      this.runLength = this.runLength * 0.7 + processed * 0.3;
      this.planSize = Math.max(8, Math.ceil(this.runLength * 1.5));
    }
    this.planned = events.slice(0, processed).map((event, index) => ({
      key: keyOf(event),
      ...(index === processed - 1 && actions.length > 0 ? { actions } : {}),
    }));
  }

  /**
   * Read-ahead: hands over the next market events (before the engine steps them). The size adapts
   * to how far the strategy got last time (twice that, up to its `batch`), so events it would not
   * reach are seldom sent.
   */
  async plan(events: readonly PythonEvent[]): Promise<number> {
    if (!this.canPlan || events.length === 0) return 0;
    const size = this.planLimit;
    const slice = events.length > size ? events.slice(0, size) : events;
    const reply = await this.bridge.events(this.state(), slice.map(compact), this.through);
    for (const line of reply.logs) this.log(line);
    if (reply.processed < 1 || reply.processed > slice.length)
      throw new PythonStrategyError(
        `the bridge handled ${reply.processed} of ${slice.length} events`,
      );
    if (this.through) this.keepThrough(slice, new Map(reply.acted ?? []), 0);
    else this.keepPlan(slice, reply.processed, reply.actions);
    return reply.processed;
  }

  /** What Python reads during its callbacks: the clock, the account, positions, live orders. */
  private state(): Record<string, unknown> {
    const context = this.context;
    if (!context) return {};
    const instruments = this.options.instruments;
    const positions: Record<string, unknown> = {};
    for (const instrument of instruments) {
      const view = context.position(instrument);
      positions[instrument] = {
        instrument,
        long: view.long,
        short: view.short,
        long_today: view.longToday,
        long_yesterday: view.longYesterday,
        short_today: view.shortToday,
        short_yesterday: view.shortYesterday,
        net: view.net,
        last_price: view.lastPrice,
      };
    }
    return {
      now: context.now(),
      trading_day: context.tradingDay(),
      account: context.account(),
      positions,
      orders: context.orders(),
    };
  }

  /** Carries out what Python asked for, each checked first. */
  private apply(actions: readonly PythonAction[]): void {
    const context = this.context;
    if (!context || actions.length === 0) return;
    for (const action of actions) {
      const options: OrderOptions = {};
      if (action.price !== undefined) {
        if (typeof action.price !== 'number' || !Number.isFinite(action.price) || action.price <= 0)
          throw new PythonStrategyError(
            `a price must be a finite number above 0: ${JSON.stringify(action)}`,
          );
        options.price = action.price;
      }
      let ids: string[] = [];
      if (ORDER_OPS.has(action.op)) {
        if (
          typeof action.instrument !== 'string' ||
          !Number.isSafeInteger(action.volume) ||
          action.volume! <= 0
        )
          throw new PythonStrategyError(
            `an order needs an instrument and whole lots above 0: ${JSON.stringify(action)}`,
          );
        const op = action.op as OrderOp;
        ids = context[op](action.instrument, action.volume!, options);
      } else if (action.op === 'targetPosition') {
        if (typeof action.instrument !== 'string' || !Number.isSafeInteger(action.net))
          throw new PythonStrategyError(
            `target_position needs an instrument and whole lots: ${JSON.stringify(action)}`,
          );
        ids = context.targetPosition(action.instrument, action.net!, options);
      } else if (action.op === 'cancel') {
        if (typeof action.order_id !== 'string')
          throw new PythonStrategyError(`cancel needs an order id: ${JSON.stringify(action)}`);
        context.cancel(action.order_id);
      } else if (action.op === 'cancelAll') {
        context.cancelAll(action.instrument);
      } else
        throw new PythonStrategyError(`unknown action ${JSON.stringify(action).slice(0, 200)}`);
      for (const id of ids) this.outstanding.set(id, action.instrument ?? '');
    }
  }
}
