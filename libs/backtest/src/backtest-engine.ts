import { analyseNav, Convention, resolveConvention, SeriesAnalysis } from '@qautlra/analytics';
import { addCalendarDays, CHINA_TRADE_CALENDAR, isSessionOpen, toIsoDate } from '@qautlra/calendar';
import type { InsertOrder } from '@qautlra/diff';
import {
  AccountChange,
  bookTopOf,
  MarketBar,
  MarketTick,
  OrderDesk,
  ParameterValues,
  resolveParameters,
  SimMatcher,
  StrategyDefinition,
  StrategyRunner,
  Venue,
} from '@qautlra/execution';
import { productOf } from '@qautlra/qamd';
import {
  defaultPresetFor,
  FuturesPreset,
  Qifi,
  QifiAccount,
  QifiOrder,
  QifiTrade,
} from '@qautlra/qifi';
import { riskLimits, RiskLimits } from '@qautlra/risk';

export type MarketEvent = MarketBar | MarketTick;

/** A strategy callback threw: the run stops; `cause` is what it threw (with its stack). */
export class StrategyError extends Error {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'StrategyError';
  }
}

export const isBar = (event: MarketEvent): event is MarketBar => 'frequency' in event;

/** How orders sent on a bar fill. */
export type FillModel = 'next-open' | 'close';

export interface BacktestAccountSpec {
  name: string;
  initCash: number;
}

export interface BacktestOptions {
  /** Accounts (default one, `backtest`, with 1,000,000 CNY). The first is the strategy's default. */
  accounts?: BacktestAccountSpec[];
  /**
   * Bars: `next-open` (default) — an order sent on a bar reaches the market at the next bar's open
   * of its instrument and fills there or, as a limit order, when a later bar's range reaches its
   * price; `close` — it fills at once at the bar's close when marketable. Ticks: orders fill
   * against the current book, as on the sim broker.
   */
  fill?: FillModel;
  /** Share of a bar's volume orders may take per side (0–1, default 1). */
  volumeCap?: number;
  /** Price ticks a fill gives away (buys dearer, sells cheaper; never past a limit price). */
  slippageTicks?: number;
  /** Pre-trade risk limits (backtests default to wide limits and no order-rate limits). */
  riskLimits?: Partial<RiskLimits>;
  presetFor?: (exchange: string, instrument: string) => FuturesPreset | undefined;
  /** Statistics convention: a `libs/analytics` preset name (default quantstats). */
  convention?: string;
  /** Most equity-curve points kept (default 20,000; sampled evenly beyond). */
  equityPoints?: number;
}

/** Limits that let a backtest trade as its data allows; the account engine still checks funds. */
export const BACKTEST_RISK_LIMITS: Partial<RiskLimits> = {
  maxOrderVolume: 100_000_000,
  maxPositionPerInstrument: 1_000_000_000,
  maxPositionPerAccount: 1_000_000_000,
  maxNotional: 1e13,
  maxOrdersPerSecond: 1e9,
  maxCancelsPerSecond: 1e9,
  maxOrdersPerDay: 1e9,
  maxCancelsPerDay: 1e9,
};

export interface DailyRecord {
  tradingDay: string;
  account: string;
  balance: number;
  available: number;
  margin: number;
  closeProfit: number;
  positionProfit: number;
  commission: number;
  /**
   * The account's QIFI document at the day's settlement, with the day's orders and trades; its
   * `settlement` holds that day's record only (the earlier ones are in the earlier days').
   */
  qifi: Qifi;
}

/**
 * An account over the run. Each trading day's settlement marks positions to the day's price, so
 * `finalBalance − initCash = closeProfit + positionProfit − commission` (all summed over days).
 */
export interface AccountSummary {
  name: string;
  initCash: number;
  finalBalance: number;
  /** finalBalance / initCash − 1. */
  totalReturn: number;
  /** Σ of the days' close profit. */
  closeProfit: number;
  /** Σ of the days' position profit (marked to market at each settlement). */
  positionProfit: number;
  /** Σ of the days' commission. */
  commission: number;
  trades: number;
  orders: number;
}

export interface BacktestResult {
  summary: {
    strategy: string;
    params: ParameterValues;
    instruments: string[];
    from: string;
    to: string;
    mode: 'bar' | 'tick';
    frequency?: string;
    fill: FillModel;
    events: number;
    /** Events refused as malformed (not finite, non-positive prices…), skipped. */
    skippedEvents: number;
    tradingDays: number;
    accounts: AccountSummary[];
  };
  /** The statistics of the default account's daily NAV (balance / initial cash). */
  statistics: SeriesAnalysis | { error: string };
  trades: (QifiTrade & { account: string })[];
  orders: (QifiOrder & { account: string })[];
  daily: DailyRecord[];
  /** The default account's balance over time: `[epoch ms, balance]`. */
  equity: [number, number][];
  logs: { at: number; message: string }[];
}

interface Pending {
  account: string;
  order: InsertOrder;
}

/** The trade date before `day` (ISO), where a run's NAV of 1 stands. */
export function dayBefore(day: string): string {
  try {
    return CHINA_TRADE_CALENDAR.previousTradeDate(day);
  } catch {
    return addCalendarDays(toIsoDate(day), -1);
  }
}

const validPrice = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0;

/** Whether an event can be replayed; a bad one is skipped and counted. */
/** Whether the engine takes an event (others are skipped and counted). */
export function wellFormed(event: MarketEvent): boolean {
  if (typeof event.instrument !== 'string' || typeof event.tradingDay !== 'string') return false;
  if (isBar(event))
    return (
      [event.open, event.high, event.low, event.close].every(validPrice) &&
      event.high >= event.low &&
      Number.isFinite(event.startMs) &&
      Number.isFinite(event.endMs) &&
      Number.isFinite(event.volume) &&
      event.volume >= 0
    );
  return validPrice(event.lastPrice) && Number.isFinite(event.datetimeMs);
}

/**
 * The event-driven backtest engine: replays bars or ticks in time order through the execution
 * core (the sim broker's matcher and order desk, `libs/execution`) and the QIFI account engine,
 * running one strategy through the same `StrategyRunner` a live run uses. Trading days settle at
 * their roll (live orders expire, positions roll to yesterday's, balances carry). Deterministic:
 * the same events, strategy, parameters and options give the same result.
 */
export class BacktestEngine<P extends ParameterValues = ParameterValues> {
  private clock = 0;
  private day = '';
  private readonly accounts = new Map<string, QifiAccount>();
  private readonly specs: BacktestAccountSpec[];
  private readonly matcher: SimMatcher;
  private readonly desk: OrderDesk;
  private readonly runner: StrategyRunner<P>;
  private readonly params: P;
  private readonly fill: FillModel;
  private readonly volumeCap: number;
  private readonly presetFor: NonNullable<BacktestOptions['presetFor']>;
  private mode: 'bar' | 'tick' | undefined;
  private frequency: string | undefined;
  /** Orders sent on a bar, waiting for the next bar of their instrument (next-open). */
  private readonly waiting = new Map<string, Pending[]>();
  /** Order and trade updates to hand to the strategy once the engine's step is done. */
  private readonly updates: ({ order: QifiOrder } | { trade: QifiTrade })[] = [];
  private readonly lastPrices = new Map<string, number>();
  private readonly instruments = new Set<string>();
  private readonly daily: DailyRecord[] = [];
  private readonly equityTimes: number[] = [];
  private readonly equityValues: number[] = [];
  private readonly logs: { at: number; message: string }[] = [];
  private readonly trades: (QifiTrade & { account: string })[] = [];
  /** Every order's last state, per account. */
  private readonly finalOrders = new Map<string, Map<string, QifiOrder>>();
  private events = 0;
  private skipped = 0;
  private firstDay = '';
  private stepping = false;

  constructor(
    private readonly definition: StrategyDefinition<P>,
    params: Record<string, unknown> = {},
    private readonly options: BacktestOptions = {},
  ) {
    this.params = resolveParameters(definition, params);
    this.specs = options.accounts ?? [{ name: 'backtest', initCash: 1_000_000 }];
    if (this.specs.length === 0) throw new RangeError('a backtest needs an account');
    if (new Set(this.specs.map((spec) => spec.name)).size !== this.specs.length)
      throw new RangeError('account names must differ');
    this.fill = options.fill ?? 'next-open';
    this.volumeCap = options.volumeCap ?? 1;
    if (!(this.volumeCap > 0 && this.volumeCap <= 1))
      throw new RangeError(`volumeCap must be in (0, 1], got ${this.volumeCap}`);
    const slippageTicks = options.slippageTicks ?? 0;
    if (!(slippageTicks >= 0 && Number.isFinite(slippageTicks)))
      throw new RangeError(`slippageTicks must be ≥ 0, got ${slippageTicks}`);
    this.presetFor = options.presetFor ?? defaultPresetFor;
    const limits = riskLimits({ ...BACKTEST_RISK_LIMITS, ...options.riskLimits });
    this.matcher = new SimMatcher({
      now: () => this.clock,
      isTrading: (instrument, at) => this.isTrading(instrument, at),
      onChange: (cookie, change) => this.changed(cookie, change),
      slippage: (instrument) => slippageTicks * this.tickOf(instrument),
      reportMarks: false,
    });
    this.desk = new OrderDesk({
      matcher: this.matcher,
      now: () => this.clock,
      isTrading: (instrument, at) => this.isTrading(instrument, at),
      presetFor: this.presetFor,
      limitsFor: () => limits,
      stateOf: () => 'ACTIVE',
    });
    const venue: Venue = {
      now: () => this.clock,
      tradingDay: () => this.day,
      account: (name) => this.accounts.get(name),
      insert: (account, order) => this.insert(account, order),
      cancel: (account, orderId) => this.cancel(account, orderId),
      pending: (account, instrument) => {
        const lists =
          instrument === undefined
            ? [...this.waiting.values()]
            : [this.waiting.get(instrument) ?? []];
        return lists.flatMap((list) =>
          list.filter((entry) => entry.account === account).map((entry) => entry.order),
        );
      },
    };
    this.runner = new StrategyRunner(definition.create(this.params), this.params, venue, {
      accounts: this.specs.map((spec) => spec.name),
      log: (message, at) => this.logs.push({ at, message }),
      presetFor: this.presetFor,
    });
  }

  /** Replays `events` (bars or ticks, in time order) and returns the result. */
  run(events: Iterable<MarketEvent>): BacktestResult {
    for (const event of events) this.step(event);
    return this.finish();
  }

  /** One event (for callers that stream, e.g. with progress); `finish` ends the run. */
  step(event: MarketEvent): void {
    if (!wellFormed(event)) {
      this.skipped += 1;
      return;
    }
    const bar = isBar(event);
    const mode = bar ? 'bar' : 'tick';
    if (this.mode === undefined) {
      this.mode = mode;
      if (bar) this.frequency = event.frequency;
    } else if (this.mode !== mode) {
      throw new RangeError('a run replays bars or ticks, not both');
    }
    this.events += 1;
    this.instruments.add(event.instrument);
    // The equity curve takes one point per distinct time, once every event of that time is in.
    const time = bar ? event.endMs : event.datetimeMs;
    if (time !== this.equityTime) this.recordEquity();
    this.equityTime = time;
    if (event.tradingDay !== this.day) this.roll(event.tradingDay);
    if (bar) this.onBar(event);
    else this.onTick(event);
  }

  /** The time of the events whose equity point is still to be taken (NaN: none). */
  private equityTime = NaN;

  finish(): BacktestResult {
    this.recordEquity();
    if (this.day) {
      this.callStrategy('onEnd', () => this.runner.end());
      this.deliver();
      this.settleDay('');
    }
    return this.result();
  }

  // ---- market data ----

  private onBar(bar: MarketBar): void {
    this.clock = bar.startMs;
    this.matcher.onBar({
      instrument: bar.instrument,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: Math.floor(bar.volume * this.volumeCap),
      upperLimit: bar.upperLimit,
      lowerLimit: bar.lowerLimit,
    });
    const waiting = this.waiting.get(bar.instrument);
    if (waiting) {
      this.waiting.delete(bar.instrument);
      for (const { account, order } of waiting) this.submit(account, order);
    }
    this.lastPrices.set(bar.instrument, bar.close);
    this.deliver();
    this.clock = bar.endMs;
    if (this.fill === 'close') this.matcher.closeBar(bar.instrument);
    this.callStrategy('onBar', () => this.runner.bar(bar));
    this.deliver();
  }

  private onTick(tick: MarketTick): void {
    this.clock = tick.datetimeMs;
    this.matcher.onQuote(bookTopOf(tick));
    this.lastPrices.set(tick.instrument, tick.lastPrice);
    this.deliver();
    this.callStrategy('onTick', () => this.runner.tick(tick));
    this.deliver();
  }

  // ---- the trading day ----

  private roll(next: string): void {
    if (!this.day) {
      this.firstDay = next;
      for (const spec of this.specs)
        this.accounts.set(
          spec.name,
          new QifiAccount({
            accountCookie: spec.name,
            initCash: spec.initCash,
            tradingDay: next,
            presetFor: this.presetFor,
            portfolio: 'backtest',
            brokerName: 'QABacktest',
          }),
        );
      for (const account of this.accounts.values()) this.matcher.addAccount(account);
      this.day = next;
      this.callStrategy('onStart', () => this.runner.start());
      this.deliver();
      return;
    }
    this.settleDay(next);
    this.day = next;
  }

  /** Records and settles the day (`next` empty at the end of the run: recorded, then settled). */
  private settleDay(next: string): void {
    const day = this.day;
    const prices = Object.fromEntries(this.lastPrices);
    for (const [name, account] of this.accounts) {
      const fields = account.account();
      const qifi = account.toQifi('', { settlementHistory: false });
      // Settlement expires the day's live orders (as the sim broker does).
      for (const order of account.aliveOrders())
        this.keepOrder(name, { ...order, status: 'FINISHED', last_msg: '已撤单: 收盘撤单' });
      account.settle(next || day, prices);
      const record = account.settlementOf(day);
      if (record !== undefined) qifi.settlement = { [day]: record };
      this.daily.push({
        tradingDay: day,
        account: name,
        balance: fields.balance,
        available: fields.available,
        margin: fields.margin,
        closeProfit: fields.close_profit,
        positionProfit: fields.position_profit,
        commission: fields.commission,
        qifi,
      });
    }
    this.matcher.prune();
    // Today's lots are yesterday's now: a close of today's lots still waiting for its bar closes
    // yesterday's (SHFE/INE tell them apart).
    for (const list of this.waiting.values())
      for (const entry of list)
        if (entry.order.offset === 'CLOSETODAY')
          entry.order = { ...entry.order, offset: 'CLOSEYESTERDAY' };
    this.callStrategy('onDay', () => this.runner.day(day));
    this.deliver();
  }

  // ---- orders ----

  private insert(account: string, order: InsertOrder): void {
    if (this.mode === 'bar' && this.fill === 'next-open') {
      const key = `${order.exchange_id}.${order.instrument_id}`;
      const list = this.waiting.get(key) ?? [];
      list.push({ account, order });
      this.waiting.set(key, list);
      return;
    }
    this.submit(account, order);
  }

  private submit(account: string, order: InsertOrder): void {
    const queued = this.updates.length;
    const result = this.desk.insert(account, order);
    if (result.notify) this.logs.push({ at: this.clock, message: result.notify.content });
    // An order refused before the matcher (risk) is finished at once and reported here; one the
    // matcher saw (an engine refusal, an unfilled IOC) it has reported already — once is enough.
    const reported = this.updates
      .slice(queued)
      .some((update) => 'order' in update && update.order.order_id === result.order?.order_id);
    if (
      result.order &&
      result.order.status === 'FINISHED' &&
      result.order.volume_left > 0 &&
      !reported
    )
      this.update(account, { order: result.order });
    if (!result.order && order.order_id)
      this.logs.push({ at: this.clock, message: `order ${order.order_id} was not accepted` });
  }

  private cancel(account: string, orderId: string): void {
    for (const [key, list] of this.waiting) {
      const kept = list.filter((entry) => entry.order.order_id !== orderId);
      if (kept.length !== list.length) {
        if (kept.length === 0) this.waiting.delete(key);
        else this.waiting.set(key, kept);
        return;
      }
    }
    const result = this.desk.cancel(account, {
      aid: 'cancel_order',
      user_id: account,
      order_id: orderId,
    });
    if (result.notify) this.logs.push({ at: this.clock, message: result.notify.content });
  }

  private changed(cookie: string, change: AccountChange): void {
    const account = this.accounts.get(cookie);
    if (!account) return;
    for (const orderId of change.orders) {
      const order = account.order(orderId);
      if (order) this.update(cookie, { order });
    }
    for (const trade of change.trades) {
      this.trades.push({ ...trade, account: cookie });
      this.update(cookie, { trade });
    }
  }

  private update(account: string, update: { order: QifiOrder } | { trade: QifiTrade }): void {
    if ('order' in update) this.keepOrder(account, update.order);
    this.updates.push(update);
  }

  private keepOrder(account: string, order: QifiOrder): void {
    let orders = this.finalOrders.get(account);
    if (!orders) this.finalOrders.set(account, (orders = new Map<string, QifiOrder>()));
    orders.set(order.order_id, order);
  }

  /** Hands the queued updates to the strategy (which may send more orders). */
  private deliver(): void {
    if (this.stepping) return;
    this.stepping = true;
    try {
      let rounds = 0;
      while (this.updates.length > 0) {
        rounds += 1;
        if (rounds > 100_000) throw new Error('the strategy keeps reacting to its own orders');
        const update = this.updates.shift()!;
        if ('order' in update) this.callStrategy('onOrder', () => this.runner.order(update.order));
        else this.callStrategy('onTrade', () => this.runner.trade(update.trade));
      }
    } finally {
      this.stepping = false;
    }
  }

  // ---- helpers ----

  /** Runs a strategy callback; what it throws ends the run as a StrategyError saying where. */
  private callStrategy(callback: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      if (error instanceof StrategyError) throw error;
      const at = this.clock ? new Date(this.clock).toISOString() : 'the start';
      throw new StrategyError(
        `${this.definition.name}.${callback} failed at ${at} (trading day ${this.day || '—'}): ${(error as Error)?.message ?? String(error)}`,
        error,
      );
    }
  }

  private isTrading(instrument: string, at: number): boolean {
    // Bars exist only while their market trades; ticks are checked against the sessions, as on
    // the sim broker.
    if (this.mode !== 'tick') return true;
    const dot = instrument.indexOf('.');
    return isSessionOpen(instrument.slice(0, dot), productOf(instrument.slice(dot + 1)), at);
  }

  private tickOf(instrument: string): number {
    const dot = instrument.indexOf('.');
    return this.presetFor(instrument.slice(0, dot), instrument.slice(dot + 1))?.price_tick ?? 0.01;
  }

  private recordEquity(): void {
    const first = this.accounts.get(this.specs[0]!.name);
    if (!first || Number.isNaN(this.equityTime)) return;
    this.equityTimes.push(this.equityTime);
    this.equityValues.push(first.balance());
    this.equityTime = NaN;
  }

  private result(): BacktestResult {
    const name = this.specs[0]!.name;
    const initial = this.specs[0]!.initCash;
    const own = this.daily.filter((record) => record.account === name);
    let statistics: BacktestResult['statistics'];
    try {
      const convention: Convention = resolveConvention(this.options.convention);
      statistics = analyseNav(
        [dayBefore(this.firstDay), ...own.map((record) => toIsoDate(record.tradingDay))],
        [1, ...own.map((record) => record.balance / initial)],
        convention,
      );
    } catch (error) {
      statistics = { error: (error as Error).message };
    }
    const orders = [...this.finalOrders].flatMap(([account, byId]) =>
      [...byId.values()].map((order) => ({ ...order, account })),
    );
    const summaries: AccountSummary[] = this.specs.map((spec) => {
      const records = this.daily.filter((record) => record.account === spec.name);
      const last = records[records.length - 1];
      const finalBalance = last?.balance ?? spec.initCash;
      const sum = (pick: (record: DailyRecord) => number) =>
        records.reduce((total, record) => total + pick(record), 0);
      return {
        name: spec.name,
        initCash: spec.initCash,
        finalBalance,
        totalReturn: finalBalance / spec.initCash - 1,
        closeProfit: sum((record) => record.closeProfit),
        positionProfit: sum((record) => record.positionProfit),
        commission: sum((record) => record.commission),
        trades: this.trades.filter((trade) => trade.account === spec.name).length,
        orders: orders.filter((order) => order.account === spec.name).length,
      };
    });
    const limit = this.options.equityPoints ?? 20_000;
    const count = this.equityTimes.length;
    const stride = count > limit ? Math.ceil(count / limit) : 1;
    const equity: [number, number][] = [];
    for (let i = 0; i < count; i += stride)
      equity.push([this.equityTimes[i]!, this.equityValues[i]!]);
    if (count > 0 && (count - 1) % stride !== 0)
      equity.push([this.equityTimes[count - 1]!, this.equityValues[count - 1]!]);
    const days = [...new Set(this.daily.map((record) => record.tradingDay))];
    return {
      summary: {
        strategy: this.definition.name,
        params: this.params,
        instruments: [...this.instruments],
        from: days[0] ?? '',
        to: days[days.length - 1] ?? '',
        mode: this.mode ?? 'bar',
        ...(this.frequency ? { frequency: this.frequency } : {}),
        fill: this.fill,
        events: this.events,
        skippedEvents: this.skipped,
        tradingDays: days.length,
        accounts: summaries,
      },
      statistics,
      trades: this.trades,
      orders,
      daily: this.daily,
      equity,
      logs: this.logs,
    };
  }
}
