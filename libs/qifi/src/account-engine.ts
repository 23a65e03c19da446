import { FuturesPreset } from '@qautlra/qamd';
import { accept, Outcome, reject } from './account.error';
import {
  closeLotsFor,
  commissionOf,
  defaultPresetFor,
  isStockExchange,
  marginOf,
  marketValue,
  stampDutyOf,
} from './market-preset';
import { isBoundedMoney, MAX_MONEY, roundMoney } from './money';
import { QifiError } from './qifi.error';
import { newOrderState, OrderState, restoreAccountState } from './account-restore';
import {
  addTodayLots,
  closeFrozenLots,
  emptyPosition,
  freezeCloseLots,
  PositionState,
  positionMarginOf,
  positionMarks,
  positionProfitOf,
  rollSide,
  toQifiPosition,
} from './position-book';
import {
  Qifi,
  QifiAccountFields,
  QifiDirection,
  QifiOffset,
  QifiOrder,
  QifiPosition,
  QifiTrade,
  QifiTransfer,
} from './qifi.types';

export interface OrderRequest {
  /** Client order id (DIFF: unique per user, ≤ 128 bytes); generated when absent. */
  order_id?: string;
  exchange_id: string;
  instrument_id: string;
  direction: QifiDirection;
  offset: QifiOffset;
  volume: number;
  /** Limit price; for MARKET orders the reference price used to freeze money. */
  limit_price: number;
  price_type?: 'LIMIT' | 'MARKET' | 'ANY';
  time_condition?: string;
  volume_condition?: string;
}

export interface Fill {
  price: number;
  volume: number;
  exchange_trade_id?: string;
}

export interface AccountOptions {
  accountCookie: string;
  initCash: number;
  /** Trading day, `YYYYMMDD` or `YYYY-MM-DD` (kept as given). */
  tradingDay: string;
  portfolio?: string;
  brokerName?: string;
  investorName?: string;
  /** Preset lookup; defaults to the futures table and the stock default. */
  presetFor?: (exchange: string, instrument: string) => FuturesPreset | undefined;
}

const NS_PER_MS = 1_000_000;

/** The account fields that do not follow from the positions (what the engine books). */
export type AccountBase = Pick<
  QifiAccountFields,
  | 'pre_balance'
  | 'deposit'
  | 'withdraw'
  | 'close_profit'
  | 'commission'
  | 'frozen_margin'
  | 'frozen_commission'
>;

/** The sums over an account's positions that its record needs (each summed in position order). */
export interface PositionTotals {
  margin: number;
  positionProfit: number;
  floatProfit: number;
}

/**
 * The QIFI account record of booked amounts and positions at their last prices (the formulas
 * below): the engine's `account()`, and a monitor's re-mark of a stored account on live quotes.
 * Positions are summed in the order given (the account's own order), so both agree to the fen.
 */
export function accountFields(
  userId: string,
  base: AccountBase,
  positions: Iterable<PositionState>,
): QifiAccountFields {
  let margin = 0;
  let positionProfit = 0;
  let floatProfit = 0;
  for (const position of positions) {
    const marks = positionMarks(position);
    margin += positionMarginOf(position);
    positionProfit += marks.position_profit;
    floatProfit += marks.float_profit;
  }
  return accountFromTotals(userId, base, { margin, positionProfit, floatProfit });
}

/**
 * `accountFields` from the positions' sums (of `positionMarginOf` and `positionMarks`, added in
 * the account's order) — for a monitor that keeps each position's figures and sums them itself.
 */
export function accountFromTotals(
  userId: string,
  base: AccountBase,
  totals: PositionTotals,
): QifiAccountFields {
  const { margin, positionProfit, floatProfit } = totals;
  const staticBalance = roundMoney(base.pre_balance + base.deposit - base.withdraw);
  const balance = balanceFromTotals(base, positionProfit);
  const available = roundMoney(balance - margin - base.frozen_margin - base.frozen_commission);
  return {
    user_id: userId,
    currency: 'CNY',
    pre_balance: base.pre_balance,
    deposit: base.deposit,
    withdraw: base.withdraw,
    WithdrawQuota: Math.max(0, available),
    close_profit: base.close_profit,
    commission: base.commission,
    premium: 0,
    static_balance: staticBalance,
    position_profit: roundMoney(positionProfit),
    float_profit: roundMoney(floatProfit),
    balance,
    margin: roundMoney(margin),
    frozen_margin: base.frozen_margin,
    frozen_commission: base.frozen_commission,
    frozen_premium: 0,
    available,
    risk_ratio: balance === 0 ? 0 : 1 - available / balance,
  };
}

/** `accountFromTotals(…).balance` alone (a monitor follows every account's peak with it). */
export function balanceFromTotals(base: AccountBase, positionProfit: number): number {
  const staticBalance = roundMoney(base.pre_balance + base.deposit - base.withdraw);
  return roundMoney(staticBalance + base.close_profit - base.commission + positionProfit);
}

/**
 * The QIFI account engine: one account's cash, positions, orders and trades, with the order check
 * and freezing, fills, cancels, mark-to-market and daily settlement of spec §7 — one engine for the
 * sim broker, the trader, realtime monitoring and backtests. Account formulas (OTG, §14 A3–A5):
 * `static_balance = pre_balance + deposit − withdraw`;
 * `balance = static_balance + close_profit − commission − premium + position_profit`;
 * `available = balance − margin − frozen_margin − frozen_commission − frozen_premium`;
 * `risk_ratio = 1 − available / balance`. Amounts are posted in fen (0.01 CNY).
 * Time comes in as arguments (epoch ms); nothing here reads a clock.
 */
export class QifiAccount {
  readonly accountCookie: string;
  private tradingDay: string;
  private preBalance: number;
  private deposit = 0;
  private withdraw = 0;
  private closeProfit = 0;
  private commission = 0;
  private frozenMargin = 0;
  private frozenCommission = 0;
  private seqno = 0;
  private readonly positions = new Map<string, PositionState>();
  private readonly orders = new Map<string, OrderState>();
  /** The orders still `ALIVE`, in insertion order (an index: the day's orders grow all day). */
  private readonly alive = new Map<string, OrderState>();
  private readonly trades = new Map<string, QifiTrade>();
  private readonly transfers = new Map<string, QifiTransfer>();
  private readonly settlements: Record<string, string> = {};
  private readonly presetFor: NonNullable<AccountOptions['presetFor']>;

  constructor(private readonly options: AccountOptions) {
    this.accountCookie = options.accountCookie;
    this.tradingDay = options.tradingDay;
    if (!isBoundedMoney(options.initCash))
      throw new QifiError(
        'QIFI_INVALID_DOCUMENT',
        `initial cash ${options.initCash} is not a finite amount within ±${MAX_MONEY}`,
        'accounts.pre_balance',
      );
    this.preBalance = roundMoney(options.initCash);
    this.presetFor = options.presetFor ?? defaultPresetFor;
  }

  /**
   * An engine holding the state of a stored QIFI document (e.g. after a restart), so that live
   * orders can still be filled or cancelled and their freezes released exactly.
   */
  static fromQifi(
    document: Qifi,
    options: Partial<Omit<AccountOptions, 'accountCookie' | 'tradingDay' | 'initCash'>> = {},
  ): QifiAccount {
    const account = new QifiAccount({
      ...options,
      accountCookie: document.account_cookie,
      tradingDay: document.trading_day,
      // The stored balance comes from the state below: the bound on new money (initial cash) does
      // not apply to what an account has earned since.
      initCash: 0,
      portfolio: options.portfolio ?? document.portfolio,
      brokerName: options.brokerName ?? document.broker_name,
      investorName: options.investorName ?? document.investor_name,
    });
    const state = restoreAccountState(document, account.presetFor);
    account.tradingDay = state.tradingDay;
    account.preBalance = state.preBalance;
    account.deposit = state.deposit;
    account.withdraw = state.withdraw;
    account.closeProfit = state.closeProfit;
    account.commission = state.commission;
    account.frozenMargin = state.frozenMargin;
    account.frozenCommission = state.frozenCommission;
    account.seqno = state.seqno;
    for (const [key, value] of state.positions) account.positions.set(key, value);
    for (const [key, value] of state.orders) {
      account.orders.set(key, value);
      if (value.order.status === 'ALIVE') account.alive.set(key, value);
    }
    for (const [key, value] of state.trades) account.trades.set(key, value);
    for (const [key, value] of state.transfers) account.transfers.set(key, value);
    Object.assign(account.settlements, state.settlements);
    return account;
  }

  // ---- orders ----

  insertOrder(request: OrderRequest, atMs: number): Outcome<QifiOrder> {
    const orderId = request.order_id ?? `${this.accountCookie}-${this.seqno + 1}`;
    if (this.orders.has(orderId)) {
      return reject('DUPLICATE_ORDER_ID', `order ${orderId} already exists`);
    }
    const state = newOrderState(this.newOrder(orderId, request, atMs));
    const problem = this.checkRequest(request);
    if (problem) return this.recordRejected(state, reject('INVALID_ORDER', problem));
    const preset = this.presetFor(request.exchange_id, request.instrument_id);
    if (!preset) {
      const message = `no contract preset for ${request.exchange_id}.${request.instrument_id}`;
      return this.recordRejected(state, reject('UNKNOWN_INSTRUMENT', message));
    }
    const notional = marketValue(preset, request.limit_price, request.volume);
    if (!isBoundedMoney(notional)) {
      const message = `order value ${notional} (price × volume × multiplier) exceeds ${MAX_MONEY}`;
      return this.recordRejected(state, reject('INVALID_ORDER', message));
    }
    const position = this.positionFor(request.exchange_id, request.instrument_id, preset);
    const outcome = state.opening
      ? this.freezeOpen(state, position, request)
      : this.freezeClose(state, position, request);
    if (!outcome.ok) return this.recordRejected(state, outcome);
    this.positions.set(position.key, position);
    this.orders.set(orderId, state);
    this.alive.set(orderId, state);
    return accept({ ...state.order });
  }

  /**
   * Records an order refused before it reached the engine's check (pre-trade risk): `FINISHED`,
   * nothing frozen, `last_msg` = the reason. A used order id is not recorded twice.
   */
  recordRefusedOrder(request: OrderRequest, reason: string, atMs: number): QifiOrder | undefined {
    if (!request.order_id || this.orders.has(request.order_id)) return undefined;
    const state = newOrderState(this.newOrder(request.order_id, request, atMs));
    state.order.status = 'FINISHED';
    state.order.last_msg = reason;
    this.orders.set(request.order_id, state);
    return { ...state.order };
  }

  receiveDeal(orderId: string, fill: Fill, atMs: number): Outcome<QifiTrade> {
    const state = this.orders.get(orderId);
    if (!state) return reject('ORDER_NOT_FOUND', `order ${orderId} not found`);
    const order = state.order;
    if (order.status !== 'ALIVE')
      return reject('ORDER_NOT_ALIVE', `order ${orderId} is ${order.status}`);
    if (!Number.isInteger(fill.volume) || fill.volume <= 0 || fill.volume > order.volume_left) {
      return reject(
        'INVALID_FILL',
        `fill volume ${fill.volume} is not within 1..${order.volume_left}`,
      );
    }
    if (!(fill.price > 0) || !Number.isFinite(fill.price))
      return reject('INVALID_FILL', `fill price ${fill.price} is not positive`);
    const position = this.positionFor(order.exchange_id, order.instrument_id);
    if (!isBoundedMoney(marketValue(position.preset, fill.price, fill.volume)))
      return reject('INVALID_FILL', `fill value at ${fill.price} exceeds ${MAX_MONEY}`);
    if (position.lastPrice === 0) position.lastPrice = fill.price;
    const charge = state.opening
      ? this.fillOpen(state, position, fill)
      : this.fillClose(state, position, fill);
    order.volume_left -= fill.volume;
    order.status = order.volume_left === 0 ? 'FINISHED' : 'ALIVE';
    if (order.status === 'FINISHED') this.alive.delete(orderId);
    order.last_msg = order.volume_left === 0 ? '全部成交' : '部分成交';
    state.fills += 1;
    this.seqno += 1;
    const trade: QifiTrade = {
      seqno: this.seqno,
      user_id: this.accountCookie,
      trade_id: `${orderId}|${state.fills}`,
      exchange_id: order.exchange_id,
      instrument_id: order.instrument_id,
      order_id: orderId,
      exchange_trade_id: fill.exchange_trade_id ?? `${orderId}|${state.fills}`,
      direction: order.direction,
      offset: order.offset,
      volume: fill.volume,
      price: fill.price,
      trade_date_time: atMs * NS_PER_MS,
      commission: charge,
    };
    this.trades.set(trade.trade_id, trade);
    return accept({ ...trade });
  }

  cancelOrder(orderId: string): Outcome<QifiOrder> {
    const state = this.orders.get(orderId);
    if (!state) return reject('ORDER_NOT_FOUND', `order ${orderId} not found`);
    if (state.order.status !== 'ALIVE')
      return reject('ORDER_NOT_ALIVE', `order ${orderId} is ${state.order.status}`);
    this.releaseFreeze(state);
    state.order.status = 'FINISHED';
    this.alive.delete(orderId);
    state.order.last_msg = '已撤单';
    return accept({ ...state.order });
  }

  // ---- prices, transfers, settlement ----

  /** Marks a position (`EXCHANGE.code` key or the instrument id) to a new last price. */
  updatePrice(instrument: string, lastPrice: number): void {
    if (!(lastPrice > 0) || !isBoundedMoney(lastPrice)) return;
    const keyed = this.positions.get(instrument);
    if (keyed) {
      keyed.lastPrice = lastPrice;
      return;
    }
    if (instrument.includes('.')) return;
    for (const position of this.positions.values()) {
      if (position.key === instrument || position.instrumentId === instrument)
        position.lastPrice = lastPrice;
    }
  }

  transfer(amount: number, atMs: number): Outcome<QifiTransfer> {
    if (!Number.isFinite(amount) || amount === 0)
      return reject('INVALID_TRANSFER', `transfer amount ${amount} is not a non-zero number`);
    if (!isBoundedMoney(amount))
      return reject('INVALID_TRANSFER', `transfer amount ${amount} exceeds ±${MAX_MONEY}`);
    const value = roundMoney(amount);
    if (value > 0 && this.account().balance + value > MAX_MONEY)
      return reject(
        'INVALID_TRANSFER',
        `deposit ${value} would take the balance past ${MAX_MONEY}`,
      );
    if (value < 0 && -value > this.account().available) {
      return reject(
        'INVALID_TRANSFER',
        `withdrawal ${-value} exceeds available ${this.account().available}`,
      );
    }
    if (value > 0) this.deposit = roundMoney(this.deposit + value);
    else this.withdraw = roundMoney(this.withdraw - value);
    const record: QifiTransfer = {
      datetime: atMs * NS_PER_MS,
      currency: 'CNY',
      amount: value,
      error_id: 0,
      error_msg: '成功',
    };
    this.transfers.set(String(this.transfers.size + 1), record);
    return accept({ ...record });
  }

  /**
   * Daily settlement: live orders expire (GFD) and release their freezes; each position is marked
   * to its settlement price (or last price), today's lots become yesterday's, margin is recomputed
   * at that price; `pre_balance` becomes the settled balance; the day's orders and trades are
   * cleared and a statement is kept under `settlement[trading_day]`.
   */
  settle(nextTradingDay: string, settlementPrices: Readonly<Record<string, number>> = {}): void {
    for (const state of this.alive.values()) {
      this.releaseFreeze(state);
      state.order.status = 'FINISHED';
      state.order.last_msg = '已撤单: 收盘撤单';
    }
    this.alive.clear();
    for (const position of this.positions.values()) {
      const mark =
        settlementPrices[position.key] ??
        settlementPrices[position.instrumentId] ??
        position.lastPrice;
      if (mark > 0 && isBoundedMoney(mark)) position.lastPrice = mark;
    }
    const before = this.account();
    for (const [key, position] of this.positions) {
      rollSide(position, 'long');
      rollSide(position, 'short');
      if (position.long.his.volume === 0 && position.short.his.volume === 0)
        this.positions.delete(key);
    }
    this.settlements[this.tradingDay] = [
      `trading_day ${this.tradingDay}`,
      `pre_balance ${before.pre_balance.toFixed(2)}`,
      `close_profit ${before.close_profit.toFixed(2)}`,
      `position_profit ${before.position_profit.toFixed(2)}`,
      `commission ${before.commission.toFixed(2)}`,
      `balance ${before.balance.toFixed(2)}`,
    ].join('\n');
    this.preBalance = before.balance;
    this.deposit = 0;
    this.withdraw = 0;
    this.closeProfit = 0;
    this.commission = 0;
    this.orders.clear();
    this.trades.clear();
    this.tradingDay = nextTradingDay;
  }

  // ---- views ----

  /**
   * What the order check of `request` would look at, without changing anything: the lots it may
   * close under its offset and the exchange's today/yesterday rule (0 for opening orders), the money
   * an opening order would freeze at `price` (margin + commission; 0 for closing orders), and the
   * available money. Undefined when the instrument has no preset.
   */
  orderNeeds(
    request: Pick<
      OrderRequest,
      'exchange_id' | 'instrument_id' | 'direction' | 'offset' | 'volume'
    >,
    price: number,
  ): { closable: number; required: number; available: number } | undefined {
    const preset = this.presetFor(request.exchange_id, request.instrument_id);
    if (!preset) return undefined;
    const opening = request.offset === 'OPEN';
    const side: 'long' | 'short' = (request.direction === 'BUY') === opening ? 'long' : 'short';
    const available = this.availableMoney();
    if (opening) {
      const required =
        marginOf(preset, side, price, request.volume) +
        commissionOf(preset, price, request.volume, false);
      return { closable: 0, required, available };
    }
    const held = this.positions.get(`${request.exchange_id}.${request.instrument_id}`)?.[side];
    const freeHis = held ? held.his.volume - held.his.frozen : 0;
    const freeToday = held ? held.today.volume - held.today.frozen : 0;
    const lots = closeLotsFor(request.offset, request.exchange_id);
    const closable = lots === 'his' ? freeHis : lots === 'today' ? freeToday : freeHis + freeToday;
    return { closable, required: 0, available };
  }

  /** The settlement record of a trading day (`toQifi().settlement[day]`), if settled. */
  settlementOf(tradingDay: string): string | undefined {
    return this.settlements[tradingDay];
  }

  /** The account's trading day (`toQifi().trading_day` without building the document). */
  getTradingDay(): string {
    return this.tradingDay;
  }

  /** One order as QIFI (a copy), or undefined. */
  order(orderId: string): QifiOrder | undefined {
    const state = this.orders.get(orderId);
    return state ? { ...state.order } : undefined;
  }

  /** Copies of the orders still `ALIVE`, oldest first. */
  aliveOrders(): QifiOrder[] {
    const out: QifiOrder[] = [];
    for (const state of this.alive.values()) out.push({ ...state.order });
    return out;
  }

  /** Whether the day has an order with this id (alive or finished). */
  hasOrder(orderId: string): boolean {
    return this.orders.has(orderId);
  }

  /** Held lots per position key (long, short), flat positions left out. */
  positionVolumes(): Map<string, { long: number; short: number }> {
    const out = new Map<string, { long: number; short: number }>();
    for (const [key, position] of this.positions) {
      const long = position.long.today.volume + position.long.his.volume;
      const short = position.short.today.volume + position.short.his.volume;
      if (long > 0 || short > 0) out.set(key, { long, short });
    }
    return out;
  }

  /** One position (`EXCHANGE.code`) as QIFI, or undefined. */
  position(key: string): QifiPosition | undefined {
    const position = this.positions.get(key);
    return position ? toQifiPosition(position, this.accountCookie) : undefined;
  }

  /** The bank transfers of the trading day, keyed as in QIFI. */
  transferRecords(): Record<string, QifiTransfer> {
    return Object.fromEntries([...this.transfers].map(([id, transfer]) => [id, { ...transfer }]));
  }

  /** Whether the account holds (or has orders on) a position in `instrument` (`EXCHANGE.code` or code). */
  hasPosition(instrument: string): boolean {
    if (this.positions.has(instrument)) return true;
    if (instrument.includes('.')) return false;
    for (const position of this.positions.values())
      if (position.key === instrument || position.instrumentId === instrument) return true;
    return false;
  }

  /** `account().balance`, without building the account record (backtests mark it every bar). */
  balance(): number {
    let positionProfit = 0;
    for (const position of this.positions.values()) positionProfit += positionProfitOf(position);
    const staticBalance = roundMoney(this.preBalance + this.deposit - this.withdraw);
    return roundMoney(staticBalance + this.closeProfit - this.commission + positionProfit);
  }

  /** `account().available`, without building the account and position records (every order asks). */
  availableMoney(): number {
    let positionProfit = 0;
    let margin = 0;
    for (const position of this.positions.values()) {
      positionProfit += positionProfitOf(position);
      margin += positionMarginOf(position);
    }
    const staticBalance = roundMoney(this.preBalance + this.deposit - this.withdraw);
    const balance = roundMoney(staticBalance + this.closeProfit - this.commission + positionProfit);
    return roundMoney(balance - margin - this.frozenMargin - this.frozenCommission);
  }

  account(): QifiAccountFields {
    return accountFields(
      this.accountCookie,
      {
        pre_balance: this.preBalance,
        deposit: this.deposit,
        withdraw: this.withdraw,
        close_profit: this.closeProfit,
        commission: this.commission,
        frozen_margin: this.frozenMargin,
        frozen_commission: this.frozenCommission,
      },
      this.positions.values(),
    );
  }

  /**
   * The whole account as a QIFI document. `updatetime` is the caller's formatted local time.
   * `settlementHistory: false` leaves the past days' settlement records out (a backtest keeps one
   * document per day: copying every earlier record into each would grow with the square of days).
   * `dayRecords: false` leaves the day's orders and trades out (empty), for stores that keep them
   * in their own tables.
   */
  toQifi(
    updatetime = '',
    {
      dayRecords = true,
      settlementHistory = true,
    }: { dayRecords?: boolean; settlementHistory?: boolean } = {},
  ): Qifi {
    const accounts = this.account();
    return {
      databaseip: '',
      account_cookie: this.accountCookie,
      password: '',
      portfolio: this.options.portfolio ?? 'default',
      broker_name: this.options.brokerName ?? 'QAPaperTrading',
      capital_password: '',
      bank_password: '',
      bankid: 'QASIM',
      bankname: 'QASIMBank',
      investor_name: this.options.investorName ?? '',
      money: accounts.available,
      pub_host: '',
      trade_host: '',
      wsuri: '',
      eventmq_ip: '',
      settlement: settlementHistory ? { ...this.settlements } : {},
      taskid: '',
      updatetime,
      trading_day: this.tradingDay,
      status: 200,
      accounts,
      banks: {},
      event: {},
      orders: dayRecords
        ? Object.fromEntries([...this.orders].map(([id, state]) => [id, { ...state.order }]))
        : {},
      positions: Object.fromEntries(
        [...this.positions].map(([key, position]) => [
          key,
          toQifiPosition(position, this.accountCookie),
        ]),
      ),
      trades: dayRecords
        ? Object.fromEntries([...this.trades].map(([id, trade]) => [id, { ...trade }]))
        : {},
      transfers: this.transferRecords(),
      executions: {},
      ping_gap: 5,
      model: 'SIM',
    };
  }

  // ---- internals ----

  private checkRequest(request: OrderRequest): string | undefined {
    if (!Number.isSafeInteger(request.volume) || request.volume <= 0)
      return `volume ${request.volume} must be a positive integer`;
    if (!(request.limit_price > 0) || !Number.isFinite(request.limit_price))
      return `limit_price ${request.limit_price} must be positive`;
    if (request.direction !== 'BUY' && request.direction !== 'SELL')
      return `direction ${String(request.direction)} must be BUY or SELL`;
    if (!['OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'].includes(request.offset))
      return `offset ${String(request.offset)} is not supported`;
    if (
      isStockExchange(request.exchange_id) &&
      request.direction === 'SELL' &&
      request.offset === 'OPEN'
    )
      return 'short selling of stocks is not supported';
    return undefined;
  }

  private newOrder(orderId: string, request: OrderRequest, atMs: number): QifiOrder {
    this.seqno += 1;
    // A refused order is kept with what was asked; a value no document can hold (not finite,
    // beyond ±MAX_MONEY) is kept as 0 — the refusal's message says what it was.
    const stored = (value: number) => (isBoundedMoney(value) ? value : 0);
    return {
      seqno: this.seqno,
      user_id: this.accountCookie,
      order_id: orderId,
      exchange_id: request.exchange_id,
      instrument_id: request.instrument_id,
      direction: request.direction,
      offset: request.offset,
      volume_orign: stored(request.volume),
      price_type: request.price_type ?? 'LIMIT',
      limit_price: stored(request.limit_price),
      time_condition: request.time_condition ?? 'GFD',
      volume_condition: request.volume_condition ?? 'ANY',
      insert_date_time: atMs * NS_PER_MS,
      exchange_order_id: orderId,
      status: 'ALIVE',
      volume_left: stored(request.volume),
      last_msg: '已报',
    };
  }

  /** A refused order is kept, finished, with the reason in `last_msg` (DIFF clients show it). */
  private recordRejected<T>(state: OrderState, outcome: Outcome<T>): Outcome<T> {
    if (outcome.ok) return outcome;
    state.order.status = 'FINISHED';
    state.order.last_msg = outcome.rejection.message;
    this.orders.set(state.order.order_id, state);
    return outcome;
  }

  /** The position of an instrument, or a new empty one that is not kept until an order is accepted. */
  private positionFor(
    exchangeId: string,
    instrumentId: string,
    preset?: FuturesPreset,
  ): PositionState {
    const key = `${exchangeId}.${instrumentId}`;
    const position = this.positions.get(key);
    if (position) return position;
    const resolved = preset ?? this.presetFor(exchangeId, instrumentId);
    if (!resolved) throw new Error(`no preset for ${key}`);
    return emptyPosition(exchangeId, instrumentId, resolved);
  }

  private freezeOpen(
    state: OrderState,
    position: PositionState,
    request: OrderRequest,
  ): Outcome<void> {
    const margin = marginOf(position.preset, state.side, request.limit_price, request.volume);
    const commission = commissionOf(position.preset, request.limit_price, request.volume, false);
    const available = this.availableMoney();
    if (margin + commission > available) {
      return reject(
        'INSUFFICIENT_FUNDS',
        `insufficient funds: needs ${(margin + commission).toFixed(2)} (margin ${margin.toFixed(2)} + commission ${commission.toFixed(2)}), available ${available.toFixed(2)}`,
      );
    }
    state.frozenMargin = margin;
    state.frozenCommission = commission;
    this.frozenMargin = roundMoney(this.frozenMargin + margin);
    this.frozenCommission = roundMoney(this.frozenCommission + commission);
    return accept(undefined);
  }

  private freezeClose(
    state: OrderState,
    position: PositionState,
    request: OrderRequest,
  ): Outcome<void> {
    const lots = freezeCloseLots(position, state.side, request.offset, request.volume);
    if (!lots.ok) return lots;
    state.frozenHis = lots.value.fromHis;
    state.frozenToday = lots.value.fromToday;
    return accept(undefined);
  }

  private fillOpen(state: OrderState, position: PositionState, fill: Fill): number {
    const share = fill.volume / state.order.volume_left;
    const releasedMargin =
      share === 1 ? state.frozenMargin : roundMoney(state.frozenMargin * share);
    const releasedCommission =
      share === 1 ? state.frozenCommission : roundMoney(state.frozenCommission * share);
    state.frozenMargin = roundMoney(state.frozenMargin - releasedMargin);
    state.frozenCommission = roundMoney(state.frozenCommission - releasedCommission);
    this.frozenMargin = roundMoney(this.frozenMargin - releasedMargin);
    this.frozenCommission = roundMoney(this.frozenCommission - releasedCommission);
    addTodayLots(position, state.side, fill.price, fill.volume);
    const commission = commissionOf(position.preset, fill.price, fill.volume, false);
    this.commission = roundMoney(this.commission + commission);
    return commission;
  }

  private fillClose(state: OrderState, position: PositionState, fill: Fill): number {
    const fromHis = Math.min(fill.volume, state.frozenHis);
    const fromToday = fill.volume - fromHis;
    state.frozenHis -= fromHis;
    state.frozenToday -= fromToday;
    const closed = closeFrozenLots(position, state.side, fromHis, fromToday, fill.price);
    const profit = closed.profit;
    let commission = closed.commission;
    if (position.isStock && state.side === 'long')
      commission += stampDutyOf(fill.price, fill.volume, this.tradingDay);
    commission = roundMoney(commission);
    this.closeProfit = roundMoney(this.closeProfit + roundMoney(profit));
    this.commission = roundMoney(this.commission + commission);
    return commission;
  }

  private releaseFreeze(state: OrderState): void {
    if (state.opening) {
      this.frozenMargin = roundMoney(this.frozenMargin - state.frozenMargin);
      this.frozenCommission = roundMoney(this.frozenCommission - state.frozenCommission);
      state.frozenMargin = 0;
      state.frozenCommission = 0;
      return;
    }
    const side = this.positions.get(`${state.order.exchange_id}.${state.order.instrument_id}`)?.[
      state.side
    ];
    if (side) {
      side.his.frozen -= state.frozenHis;
      side.today.frozen -= state.frozenToday;
    }
    state.frozenHis = 0;
    state.frozenToday = 0;
  }
}
