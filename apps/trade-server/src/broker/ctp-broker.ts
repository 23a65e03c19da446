import { randomUUID } from 'node:crypto';
import { TraderApi, type CtpError, type CtpStruct } from '@qautlra/ctp';
import type { InsertOrder, JsonObject, NotifyEntry } from '@qautlra/diff';
import type { AccountEvent, CommandReply, TradeCommand } from '../engine/trade-events';

/** One investor at the CTP front, and the trade-server account that trades through it. */
export interface CtpAccountConfig {
  /** The trade-server user who owns the account. */
  userName: string;
  /** CTP InvestorID / UserID; also the account's cookie here. */
  investorId: string;
  password: string;
}

export interface CtpBrokerConfig {
  library: string;
  frontAddr: string;
  brokerId: string;
  appId: string;
  authCode: string;
  flowPath: string;
  accounts: CtpAccountConfig[];
}

export interface CtpBrokerOptions {
  config: CtpBrokerConfig;
  publish: (event: AccountEvent) => void;
  now: () => number;
  log: (message: string) => void;
}

const DIRECTION: Record<string, string> = { '0': 'BUY', '1': 'SELL' };
const OFFSET: Record<string, string> = {
  '0': 'OPEN',
  '1': 'CLOSE',
  '2': 'CLOSE',
  '3': 'CLOSETODAY',
  '4': 'CLOSEYESTERDAY',
};
const num = (value: CtpStruct[string]): number => (typeof value === 'number' ? value : 0);
const text = (value: CtpStruct[string]): string => String(value ?? '').trim();
const round = (value: number): number => Math.round(value * 100) / 100;

/** `YYYYMMDD` + `HH:MM:SS` in Beijing → UTC ns (DIFF's time unit). */
function beijingNs(day: string, time: string): number {
  if (!/^\d{8}$/.test(day) || !/^\d\d:\d\d:\d\d$/.test(time)) return 0;
  const ms = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}T${time}+08:00`);
  return Number.isFinite(ms) ? ms * 1e6 : 0;
}

/** One CTP investor: its TraderApi session and the DIFF section built from what CTP says. */
class CtpAccount {
  readonly api: TraderApi;
  readonly section: {
    orders: Record<string, JsonObject>;
    trades: Record<string, JsonObject>;
    positions: Record<string, JsonObject>;
    account: JsonObject;
    tradingDay: string;
  } = { orders: {}, trades: {}, positions: {}, account: {}, tradingDay: '' };
  /** CTP order key (front:session:ref) → our order id, and back. */
  readonly idOfKey = new Map<string, string>();
  /** Orders sent but not yet seen in OnRtnOrder: their refusals name them by OrderRef. */
  readonly sentByRef = new Map<string, string>();
  readonly multipliers = new Map<string, number>();
  seq = 0;
  seqno = 0;
  ready = false;
  reconcileTimer?: NodeJS.Timeout;
  reconciling = false;

  constructor(
    readonly config: CtpAccountConfig,
    broker: CtpBrokerConfig,
  ) {
    this.api = new TraderApi({
      library: broker.library,
      frontAddr: broker.frontAddr,
      flowPath: `${broker.flowPath}/${config.investorId}`,
      brokerId: broker.brokerId,
      userId: config.investorId,
      password: config.password,
      appId: broker.appId,
      authCode: broker.authCode,
    });
  }
}

/**
 * The trade server's `ctp` broker: each configured investor trades through its own CTP TraderApi session
 * (as Open-Trade-Gateway does per user). DIFF orders become CTP orders (limit, GFD or IOC); OnRtnOrder and
 * OnRtnTrade update the account's DIFF section at once; positions and the account are taken from CTP's
 * queries — after every login (the first and each reconnect) and shortly after fills — never computed
 * here. Orders of an earlier session are never sent again; after a reconnect, CTP's replayed private flow
 * and the queries bring their final states.
 */
export class CtpBroker {
  readonly epoch = randomUUID();
  private readonly accounts = new Map<string, CtpAccount>();

  constructor(private readonly options: CtpBrokerOptions) {
    for (const config of options.config.accounts)
      this.accounts.set(config.investorId, new CtpAccount(config, options.config));
  }

  holds(account: string): boolean {
    return this.accounts.has(account);
  }

  start(): void {
    for (const account of this.accounts.values()) this.wire(account);
  }

  stop(): void {
    for (const account of this.accounts.values()) {
      clearTimeout(account.reconcileTimer);
      account.api.close();
    }
  }

  /** The state of each session, for `/health`. */
  states(): { account: string; ready: boolean }[] {
    return [...this.accounts.values()].map((a) => ({
      account: a.config.investorId,
      ready: a.ready,
    }));
  }

  handle(command: TradeCommand): void {
    if (!('account' in command)) return;
    const account = this.accounts.get(command.account);
    if (!account) return;
    switch (command.type) {
      case 'insert':
        return this.insert(account, command.order);
      case 'cancel':
        return this.cancel(account, command.order_id);
      case 'snapshot':
        return this.publish(account, { whole: true });
      case 'load_account':
        return;
      case 'transfer':
      case 'query_bank':
      case 'set_state':
      case 'set_limits':
        return this.publish(account, {
          replies: [
            {
              command: command.type,
              ok: false,
              message: `${command.type} is not available at the ctp broker (CTP keeps the account)`,
            },
          ],
        });
    }
  }

  private wire(account: CtpAccount): void {
    const api = account.api;
    api.on('ready', (session) => {
      account.ready = true;
      account.section.tradingDay = session.tradingDay;
      this.options.log(
        `ctp: ${account.config.investorId} logged in (front ${session.frontId}, session ${session.sessionId}, trading day ${session.tradingDay})`,
      );
      void this.reconcile(account);
    });
    api.on('disconnected', (reason) => {
      account.ready = false;
      this.publish(account, {
        notify: [warning(-10, `CTP front disconnected (${reason}); it reconnects by itself`)],
      });
    });
    api.on('error', (error) => this.onError(account, error));
    api.on('order', (order) => {
      const id = this.orderIdOf(account, order);
      account.section.orders[id] = this.diffOrder(account, id, order);
      this.publish(account, { patch: { orders: { [id]: account.section.orders[id] } } });
    });
    api.on('trade', (trade) => {
      const orderId = this.orderIdOfTrade(account, trade);
      const id = `${text(trade.ExchangeID)}.${text(trade.TradeID)}`;
      account.section.trades[id] = this.diffTrade(account, id, orderId, trade);
      this.publish(account, { patch: { trades: { [id]: account.section.trades[id] } } });
      this.scheduleReconcile(account);
    });
    try {
      api.connect();
    } catch (error) {
      // A library of another ABI version, or one that cannot load: the account stays not ready (/health).
      this.options.log(
        `ctp: ${account.config.investorId} cannot connect: ${(error as Error).message}`,
      );
    }
  }

  private insert(account: CtpAccount, order: InsertOrder): void {
    const orderId = order.order_id ?? randomUUID();
    const reply = (ok: boolean, message: string): CommandReply => ({
      command: 'insert',
      ok,
      message,
      order_id: orderId,
    });
    if (!account.ready)
      return this.publish(account, {
        replies: [
          reply(false, 'the CTP session is not logged in (the front is down or logging in)'),
        ],
        notify: [warning(-11, `下单失败: CTP not logged in`)],
      });
    const refuse = (message: string) =>
      this.publish(account, {
        replies: [reply(false, message)],
        notify: [warning(-12, `下单失败: ${message}`)],
      });
    if (order.price_type !== 'LIMIT')
      return refuse('the ctp broker takes limit orders (price_type LIMIT)');
    if (account.section.orders[orderId]) return refuse(`order ${orderId} exists`);
    try {
      const key = account.api.insertOrder({
        instrumentId: order.instrument_id,
        exchangeId: order.exchange_id,
        direction: order.direction,
        offset: order.offset,
        volume: order.volume,
        price: order.limit_price ?? 0,
        timeCondition: order.time_condition === 'IOC' ? 'IOC' : 'GFD',
        volumeCondition: order.volume_condition === 'ALL' ? 'ALL' : 'ANY',
      });
      const ctpKey = `${key.frontId}:${key.sessionId}:${key.orderRef}`;
      account.idOfKey.set(ctpKey, orderId);
      account.sentByRef.set(key.orderRef, orderId);
      this.publish(account, { replies: [reply(true, '已报')] });
    } catch (error) {
      refuse((error as Error).message);
    }
  }

  private cancel(account: CtpAccount, orderId: string): void {
    const order = account.section.orders[orderId];
    const reply = (ok: boolean, message: string): CommandReply => ({
      command: 'cancel',
      ok,
      message,
      order_id: orderId,
    });
    if (!order)
      return this.publish(account, { replies: [reply(false, `order ${orderId} not found`)] });
    if (order.status !== 'ALIVE')
      return this.publish(account, {
        replies: [reply(false, `order ${orderId} is ${String(order.status)}`)],
      });
    try {
      const sys = typeof order.exchange_order_id === 'string' ? order.exchange_order_id : '';
      if (!sys) throw new Error('the exchange has not accepted the order yet');
      account.api.cancelOrder({
        exchangeId: String(order.exchange_id),
        instrumentId: String(order.instrument_id),
        orderSysId: sys,
      });
      this.publish(account, { replies: [reply(true, '撤单已发')] });
    } catch (error) {
      this.publish(account, { replies: [reply(false, (error as Error).message)] });
    }
  }

  private onError(account: CtpAccount, error: CtpError & { orderRef?: string }): void {
    const orderId = error.orderRef ? account.sentByRef.get(error.orderRef) : undefined;
    const patch: JsonObject = {};
    if (orderId && error.where === 'ReqOrderInsert') {
      const previous = account.section.orders[orderId];
      account.section.orders[orderId] = {
        ...(previous ?? { order_id: orderId, user_id: account.config.investorId }),
        status: 'FINISHED',
        volume_left: Number(previous?.volume_left ?? 0),
        last_msg: error.message,
      };
      patch.orders = { [orderId]: account.section.orders[orderId] };
    }
    this.publish(account, {
      patch: Object.keys(patch).length ? patch : undefined,
      notify: [warning(error.code, `${error.where}: ${error.message}`)],
    });
  }

  /** The order a trade belongs to: by the exchange's order id (a trade carries no FrontID/SessionID). */
  private orderIdOfTrade(account: CtpAccount, trade: CtpStruct): string {
    const sys = text(trade.OrderSysID);
    const exchange = text(trade.ExchangeID);
    for (const [id, order] of Object.entries(account.section.orders))
      if (order.exchange_order_id === sys && order.exchange_id === exchange) return id;
    return '';
  }

  private orderIdOf(account: CtpAccount, order: CtpStruct): string {
    const key = `${num(order.FrontID)}:${num(order.SessionID)}:${text(order.OrderRef)}`;
    const known = account.idOfKey.get(key);
    if (known) return known;
    // An order this server did not send (another terminal, or before a restart): named by CTP's key.
    const id = `CTP.${key.replaceAll(':', '.')}`;
    account.idOfKey.set(key, id);
    return id;
  }

  private diffOrder(account: CtpAccount, id: string, order: CtpStruct): JsonObject {
    const status = text(order.OrderStatus);
    const alive = status === '1' || status === '3' || status === 'a';
    return {
      seqno: ++account.seqno,
      user_id: account.config.investorId,
      order_id: id,
      exchange_id: text(order.ExchangeID),
      instrument_id: text(order.InstrumentID),
      direction: DIRECTION[text(order.Direction)] ?? 'BUY',
      offset: OFFSET[text(order.CombOffsetFlag).slice(0, 1)] ?? 'OPEN',
      volume_orign: num(order.VolumeTotalOriginal),
      price_type: text(order.OrderPriceType) === '1' ? 'ANY' : 'LIMIT',
      limit_price: num(order.LimitPrice),
      time_condition: text(order.TimeCondition) === '1' ? 'IOC' : 'GFD',
      volume_condition: text(order.VolumeCondition) === '3' ? 'ALL' : 'ANY',
      insert_date_time: beijingNs(text(order.InsertDate), text(order.InsertTime)),
      exchange_order_id: text(order.OrderSysID),
      status: alive ? 'ALIVE' : 'FINISHED',
      volume_left: num(order.VolumeTotal),
      last_msg: text(order.StatusMsg),
    };
  }

  private diffTrade(
    account: CtpAccount,
    id: string,
    orderId: string,
    trade: CtpStruct,
  ): JsonObject {
    return {
      seqno: ++account.seqno,
      user_id: account.config.investorId,
      trade_id: id,
      exchange_id: text(trade.ExchangeID),
      instrument_id: text(trade.InstrumentID),
      order_id: orderId,
      exchange_trade_id: text(trade.TradeID),
      direction: DIRECTION[text(trade.Direction)] ?? 'BUY',
      offset: OFFSET[text(trade.OffsetFlag)] ?? 'OPEN',
      volume: num(trade.Volume),
      price: num(trade.Price),
      trade_date_time: beijingNs(text(trade.TradeDate), text(trade.TradeTime)),
      commission: 0,
    };
  }

  /** After fills: account and positions again from CTP, at most once per 500 ms. */
  private scheduleReconcile(account: CtpAccount): void {
    if (account.reconcileTimer) return;
    account.reconcileTimer = setTimeout(() => {
      account.reconcileTimer = undefined;
      void this.reconcile(account, false);
    }, 500);
  }

  /**
   * The account as CTP has it: instruments (multipliers) once, then the trading account, positions and —
   * after a login — every order and trade of the day (the queries are queued one at a time by TraderApi).
   */
  private async reconcile(account: CtpAccount, everything = true): Promise<void> {
    if (account.reconciling) return this.scheduleReconcile(account);
    account.reconciling = true;
    try {
      const api = account.api;
      if (account.multipliers.size === 0)
        for (const row of await api.queryInstruments())
          account.multipliers.set(text(row.InstrumentID), num(row.VolumeMultiple) || 1);
      if (everything) {
        for (const order of await api.queryOrders()) {
          const id = this.orderIdOf(account, order);
          account.section.orders[id] = this.diffOrder(account, id, order);
        }
        for (const trade of await api.queryTrades()) {
          const id = `${text(trade.ExchangeID)}.${text(trade.TradeID)}`;
          account.section.trades[id] = this.diffTrade(
            account,
            id,
            this.orderIdOfTrade(account, trade),
            trade,
          );
        }
      }
      account.section.positions = this.positionsOf(account, await api.queryPositions());
      const [fund] = await api.queryAccount();
      if (fund) account.section.account = this.accountOf(account, fund);
      this.publish(account, { whole: true });
    } catch (error) {
      this.options.log(
        `ctp: ${account.config.investorId} reconcile failed: ${(error as Error).message}`,
      );
    } finally {
      account.reconciling = false;
    }
  }

  private positionsOf(account: CtpAccount, rows: CtpStruct[]): Record<string, JsonObject> {
    const out: Record<string, Record<string, number | string>> = {};
    for (const row of rows) {
      const code = text(row.InstrumentID);
      const exchange = text(row.ExchangeID);
      const key = `${exchange}.${code}`;
      const side = text(row.PosiDirection) === '3' ? 'short' : 'long';
      const p = (out[key] ??= {
        user_id: account.config.investorId,
        exchange_id: exchange,
        instrument_id: code,
        volume_long_today: 0,
        volume_long_his: 0,
        volume_long: 0,
        volume_short_today: 0,
        volume_short_his: 0,
        volume_short: 0,
        open_cost_long: 0,
        open_cost_short: 0,
        position_cost_long: 0,
        position_cost_short: 0,
        margin_long: 0,
        margin_short: 0,
        position_profit_long: 0,
        position_profit_short: 0,
      });
      const total = num(row.Position);
      const today = num(row.TodayPosition);
      p[`volume_${side}`] = Number(p[`volume_${side}`]) + total;
      p[`volume_${side}_today`] = Number(p[`volume_${side}_today`]) + today;
      p[`volume_${side}_his`] = Number(p[`volume_${side}_his`]) + total - today;
      p[`open_cost_${side}`] = Number(p[`open_cost_${side}`]) + num(row.OpenCost);
      p[`position_cost_${side}`] = Number(p[`position_cost_${side}`]) + num(row.PositionCost);
      p[`margin_${side}`] = Number(p[`margin_${side}`]) + num(row.UseMargin);
      p[`position_profit_${side}`] = Number(p[`position_profit_${side}`]) + num(row.PositionProfit);
    }
    for (const p of Object.values(out)) {
      const multiplier = account.multipliers.get(String(p.instrument_id)) ?? 1;
      for (const side of ['long', 'short'] as const) {
        const volume = Number(p[`volume_${side}`]);
        p[`open_price_${side}`] = volume ? Number(p[`open_cost_${side}`]) / volume / multiplier : 0;
        p[`position_price_${side}`] = volume
          ? Number(p[`position_cost_${side}`]) / volume / multiplier
          : 0;
      }
      p.margin = round(Number(p.margin_long) + Number(p.margin_short));
      p.position_profit = round(Number(p.position_profit_long) + Number(p.position_profit_short));
      p.float_profit = p.position_profit;
    }
    return out;
  }

  private accountOf(account: CtpAccount, fund: CtpStruct): JsonObject {
    const balance = num(fund.Balance);
    const margin = num(fund.CurrMargin);
    return {
      user_id: account.config.investorId,
      currency: 'CNY',
      pre_balance: num(fund.PreBalance),
      deposit: num(fund.Deposit),
      withdraw: num(fund.Withdraw),
      static_balance: num(fund.PreBalance) + num(fund.Deposit) - num(fund.Withdraw),
      close_profit: num(fund.CloseProfit),
      commission: num(fund.Commission),
      premium: 0,
      position_profit: num(fund.PositionProfit),
      float_profit: num(fund.PositionProfit),
      balance,
      margin,
      frozen_margin: num(fund.FrozenMargin),
      frozen_commission: num(fund.FrozenCommission),
      frozen_premium: 0,
      available: num(fund.Available),
      risk_ratio: balance > 0 ? margin / balance : 0,
    };
  }

  private section(account: CtpAccount): JsonObject {
    const id = account.config.investorId;
    return {
      user_id: id,
      investor_name: account.config.userName,
      session: { user_id: id, trading_day: account.section.tradingDay },
      accounts: { CNY: account.section.account },
      positions: account.section.positions,
      orders: account.section.orders,
      trades: account.section.trades,
      transfers: {},
      banks: {},
    };
  }

  private publish(
    account: CtpAccount,
    what: { patch?: JsonObject; whole?: boolean; notify?: NotifyEntry[]; replies?: CommandReply[] },
  ): void {
    account.seq += 1;
    const event: AccountEvent = {
      account: account.config.investorId,
      epoch: this.epoch,
      seq: account.seq,
    };
    if (what.whole) event.snapshot = this.section(account);
    else if (what.patch) event.patch = what.patch;
    if (what.notify?.length) event.notify = what.notify;
    if (what.replies?.length) event.replies = what.replies;
    this.options.publish(event);
  }
}

function warning(code: number, content: string): NotifyEntry {
  return { type: 'MESSAGE', level: 'WARNING', code, content };
}
