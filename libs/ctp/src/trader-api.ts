import { EventEmitter } from 'node:events';
import { loadCatalog, type CtpCatalog } from './catalog';
import { encodeStruct, type CtpStruct } from './codec';
import type { CtpError } from './md-api';
import { abiProblem, layoutForVersion } from './version';
import { ensureFlowDir, EventPump, nativeAddon, type CtpEvent, type NativeSession } from './native';

export interface TraderApiOptions {
  /** Path of thosttraderapi_se.so: SFIT's, openctp's, or the fake front's (fakeLibrary('trader')). */
  library: string;
  frontAddr: string;
  flowPath: string;
  brokerId: string;
  userId: string;
  password: string;
  /** Terminal authentication (SimNow: simnow_client_test / 0000000000000000); skipped when appId is empty. */
  appId?: string;
  authCode?: string;
  productInfo?: string;
  /** Private flow after a reconnect: what was missed is replayed (resume, the default) or not (quick). */
  resume?: 'restart' | 'resume' | 'quick';
  /** First delay before authenticating again after 前置不活跃 (doubles, capped at 30 s). */
  retryBaseMs?: number;
}

export type CtpDirection = 'BUY' | 'SELL';
export type CtpOffset = 'OPEN' | 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';

export interface CtpOrderRequest {
  instrumentId: string;
  exchangeId: string;
  direction: CtpDirection;
  offset: CtpOffset;
  volume: number;
  price: number;
  /** GFD (default) or IOC; FAK = IOC + any volume, FOK = IOC + all. */
  timeCondition?: 'GFD' | 'IOC';
  volumeCondition?: 'ANY' | 'ALL';
}

/** How CTP names an order at once: FrontID + SessionID + OrderRef. */
export interface CtpOrderKey {
  frontId: number;
  sessionId: number;
  orderRef: string;
}

export interface TraderSession {
  tradingDay: string;
  frontId: number;
  sessionId: number;
}

export interface TraderApiEvents {
  connected: [];
  disconnected: [reason: number];
  ready: [session: TraderSession];
  order: [order: CtpStruct];
  trade: [trade: CtpStruct];
  error: [error: CtpError & { orderRef?: string }];
}

const OFFSET_FLAG: Record<CtpOffset, string> = {
  OPEN: '0',
  CLOSE: '1',
  CLOSETODAY: '3',
  CLOSEYESTERDAY: '4',
};
const RESUME = { restart: 0, resume: 1, quick: 2 } as const;
/** Error codes after which logging in again would only lock the account (3 bad login, 75 locked, 63 bad app). */
const FINAL = new Set([3, 63, 75, 131]);

interface PendingQuery {
  request: string;
  values: CtpStruct;
  rows: CtpStruct[];
  resolve: (rows: CtpStruct[]) => void;
  reject: (error: Error) => void;
  requestId?: number;
}

/**
 * CTP trading: one API object for the life of the session. On every OnFrontConnected it authenticates
 * (when an app id is set), logs in and confirms the settlement in place; `ready` says orders may go.
 * Queries are queued one at a time (CTP allows one in flight, about one per second) and retried when the
 * library answers -2/-3; a break fails the one in flight. Orders and trades replayed by the private flow
 * after a reconnect are passed on once: an order only when its state changed, a trade once per TradeID.
 */
export class TraderApi extends EventEmitter<TraderApiEvents> {
  static version(library: string): string {
    return nativeAddon().apiVersion('trader', library);
  }

  private readonly catalog: CtpCatalog = loadCatalog();
  private readonly pump = new EventPump(this.catalog, this.catalog.traderEvents, (event) =>
    this.onEvent(event),
  );
  private session?: NativeSession;
  private requestId = 0;
  private orderRef = 0;
  private current?: TraderSession;
  /** Logged in, settlement not confirmed yet. */
  private pendingSession?: TraderSession;
  private closed = false;
  private readonly queries: PendingQuery[] = [];
  private queryTimer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private authRetries = 0;
  private locked = false;
  private readonly seenOrders = new Map<string, string>();
  private readonly seenTrades = new Set<string>();

  constructor(private readonly options: TraderApiOptions) {
    super();
  }

  /** The logged-in session, once `ready`. */
  get ready(): TraderSession | undefined {
    return this.current;
  }

  /**
   * Creates the API object and starts it; throws when the library is not of the 6.3.15 layout (the trader
   * API of 6.5.1+ changed in ways the spec does not record: market data only there).
   */
  connect(): void {
    if (this.session || this.closed) return;
    const version = nativeAddon().apiVersion('trader', this.options.library);
    const problem = abiProblem(version, '6.3.15');
    if (problem)
      throw new Error(
        layoutForVersion(version).layout === '6.5.1'
          ? `the library reports "${version}": this build trades through 6.3.x (≤ 6.3.15) trader libraries only — the 6.5.1+ trader API's layout is not known to it (market data works with 6.5.1+), see docs/ctp.md`
          : problem,
      );
    this.session = new (nativeAddon().NativeSession)(
      'trader',
      this.options.library,
      ensureFlowDir(this.options.flowPath),
      0,
      this.pump.ready,
    );
    this.pump.attach(this.session);
    const resume = RESUME[this.options.resume ?? 'resume'];
    this.session.subscribeTopic(true, resume);
    this.session.subscribeTopic(false, RESUME.quick);
    this.session.registerFront(this.options.frontAddr);
    this.session.init();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.queryTimer);
    clearTimeout(this.retryTimer);
    this.pump.detach();
    this.session?.close();
    this.session = undefined;
    this.current = undefined;
    for (const query of this.queries.splice(0))
      query.reject(new Error('the trader session is closed'));
  }

  /** Sends an order; its OrderRef, FrontID and SessionID name it from now on. */
  insertOrder(request: CtpOrderRequest): CtpOrderKey {
    const session = this.readySession();
    if (!Number.isInteger(request.volume) || request.volume <= 0)
      throw new RangeError('volume must be a positive integer');
    if (!Number.isFinite(request.price) || request.price <= 0)
      throw new RangeError('price must be a positive number');
    const orderRef = String(++this.orderRef);
    const ioc = request.timeCondition === 'IOC';
    this.call('ReqOrderInsert', {
      BrokerID: this.options.brokerId,
      InvestorID: this.options.userId,
      UserID: this.options.userId,
      InstrumentID: request.instrumentId,
      ExchangeID: request.exchangeId,
      OrderRef: orderRef,
      OrderPriceType: '2', // limit
      Direction: request.direction === 'BUY' ? '0' : '1',
      CombOffsetFlag: OFFSET_FLAG[request.offset],
      CombHedgeFlag: '1', // speculation
      LimitPrice: request.price,
      VolumeTotalOriginal: request.volume,
      TimeCondition: ioc ? '1' : '3',
      VolumeCondition: request.volumeCondition === 'ALL' ? '3' : '1',
      MinVolume: 1,
      ContingentCondition: '1',
      ForceCloseReason: '0',
      CurrencyID: 'CNY',
    });
    return { frontId: session.frontId, sessionId: session.sessionId, orderRef };
  }

  /** Cancels by ExchangeID + OrderSysID (preferred by the manual) or by FrontID + SessionID + OrderRef. */
  cancelOrder(
    order: { exchangeId: string; instrumentId: string } & ({ orderSysId: string } | CtpOrderKey),
  ): void {
    this.readySession();
    const byKey = 'orderRef' in order;
    this.call('ReqOrderAction', {
      BrokerID: this.options.brokerId,
      InvestorID: this.options.userId,
      UserID: this.options.userId,
      OrderActionRef: ++this.requestId,
      ExchangeID: order.exchangeId,
      InstrumentID: order.instrumentId,
      ActionFlag: '0',
      ...(byKey
        ? { OrderRef: order.orderRef, FrontID: order.frontId, SessionID: order.sessionId }
        : { OrderSysID: order.orderSysId }),
    });
  }

  queryAccount(): Promise<CtpStruct[]> {
    return this.query('ReqQryTradingAccount', {
      BrokerID: this.options.brokerId,
      InvestorID: this.options.userId,
    });
  }
  queryPositions(): Promise<CtpStruct[]> {
    return this.query('ReqQryInvestorPosition', {
      BrokerID: this.options.brokerId,
      InvestorID: this.options.userId,
    });
  }
  queryOrders(): Promise<CtpStruct[]> {
    return this.query('ReqQryOrder', {
      BrokerID: this.options.brokerId,
      InvestorID: this.options.userId,
    });
  }
  queryTrades(): Promise<CtpStruct[]> {
    return this.query('ReqQryTrade', {
      BrokerID: this.options.brokerId,
      InvestorID: this.options.userId,
    });
  }
  queryInstruments(): Promise<CtpStruct[]> {
    return this.query('ReqQryInstrument', {});
  }

  /** Queued; sent when nothing else is in flight, and again after -2/-3 (flow control). */
  query(request: string, values: CtpStruct): Promise<CtpStruct[]> {
    if (this.closed) return Promise.reject(new Error('the trader session is closed'));
    if (!this.catalog.traderRequests.has(request))
      return Promise.reject(new Error(`no request ${request}`));
    return new Promise((resolve, reject) => {
      this.queries.push({ request, values, rows: [], resolve, reject });
      this.pumpQueries(0);
    });
  }

  private readySession(): TraderSession {
    if (!this.current || !this.session)
      throw new Error('the trader session is not ready (not logged in)');
    return this.current;
  }

  private fail(error: CtpError & { orderRef?: string }): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** Sends a request with the next request id; a send the library refuses is an error event. */
  private call(name: string, values: CtpStruct): void {
    const request = this.catalog.traderRequests.get(name)!;
    const image = encodeStruct(this.catalog.structs.get(request.struct)!, values);
    const code = this.session!.request(request.index, image, ++this.requestId);
    if (code !== 0) this.fail({ where: name, code, message: `request refused (${code})` });
  }

  private pumpQueries(delayMs: number): void {
    if (this.queryTimer || this.closed) return;
    const head = this.queries[0];
    if (!head || head.requestId !== undefined || !this.current) return;
    this.queryTimer = setTimeout(() => {
      this.queryTimer = undefined;
      const query = this.queries[0];
      if (!query || query.requestId !== undefined || !this.current || !this.session) return;
      const request = this.catalog.traderRequests.get(query.request)!;
      const image = encodeStruct(this.catalog.structs.get(request.struct)!, query.values);
      const id = ++this.requestId;
      const code = this.session.request(request.index, image, id);
      if (code === 0) query.requestId = id;
      else if (code === -2 || code === -3)
        this.pumpQueries(Math.min(1000, Math.max(50, delayMs * 2)));
      else {
        this.queries.shift();
        query.reject(new Error(`${query.request} refused by the library (${code})`));
        this.pumpQueries(0);
      }
    }, delayMs);
  }

  private onQueryRow(event: CtpEvent): void {
    const query = this.queries[0];
    if (!query || query.requestId !== event.requestId) return;
    if (event.info && event.info.ErrorID !== 0) {
      this.queries.shift();
      query.reject(new Error(`${query.request}: ${event.info.ErrorID} ${event.info.ErrorMsg}`));
      this.pumpQueries(0);
      return;
    }
    if (event.data) query.rows.push(event.data);
    if (event.isLast) {
      this.queries.shift();
      query.resolve(query.rows);
      this.pumpQueries(0);
    }
  }

  private authenticate(): void {
    if (this.options.appId) {
      this.call('ReqAuthenticate', {
        BrokerID: this.options.brokerId,
        UserID: this.options.userId,
        AppID: this.options.appId,
        AuthCode: this.options.authCode ?? '',
        UserProductInfo: this.options.productInfo ?? '',
      });
    } else {
      this.login();
    }
  }

  private login(): void {
    if (this.locked) return;
    this.call('ReqUserLogin', {
      BrokerID: this.options.brokerId,
      UserID: this.options.userId,
      Password: this.options.password,
      UserProductInfo: this.options.productInfo ?? '',
    });
  }

  private onBreak(): void {
    this.current = undefined;
    clearTimeout(this.retryTimer);
    // The query in flight will not be answered: fail it; the rest wait for the next login.
    const head = this.queries[0];
    if (head && head.requestId !== undefined) {
      this.queries.shift();
      head.reject(new Error(`${head.request}: the front disconnected`));
    }
  }

  private onEvent(event: CtpEvent): void {
    const info = event.info && event.info.ErrorID !== 0 ? event.info : undefined;
    switch (event.name) {
      case 'OnFrontConnected':
        this.emit('connected');
        this.authenticate();
        break;
      case 'OnFrontDisconnected':
        this.onBreak();
        this.emit('disconnected', event.value);
        break;
      case 'OnRspAuthenticate':
        if (!info) {
          this.authRetries = 0;
          this.login();
          break;
        }
        this.fail({ where: 'ReqAuthenticate', code: info.ErrorID, message: info.ErrorMsg });
        // 前置不活跃 after a break: try again a little later; other refusals are final.
        if (!FINAL.has(info.ErrorID)) {
          const delay = Math.min(
            30_000,
            (this.options.retryBaseMs ?? 1000) * 2 ** this.authRetries++,
          );
          this.retryTimer = setTimeout(() => this.session && this.authenticate(), delay);
        }
        break;
      case 'OnRspUserLogin': {
        if (info) {
          // A bad password (3) tried again at every reconnect would lock the account (75): stop here.
          if (FINAL.has(info.ErrorID)) this.locked = true;
          this.fail({ where: 'ReqUserLogin', code: info.ErrorID, message: info.ErrorMsg });
          break;
        }
        const data = event.data ?? {};
        // OrderRef increases strictly within a session, from above the front's MaxOrderRef.
        this.orderRef = Number(data.MaxOrderRef) || 0;
        this.pendingSession = {
          tradingDay: String(data.TradingDay ?? ''),
          frontId: Number(data.FrontID) || 0,
          sessionId: Number(data.SessionID) || 0,
        };
        this.call('ReqSettlementInfoConfirm', {
          BrokerID: this.options.brokerId,
          InvestorID: this.options.userId,
        });
        break;
      }
      case 'OnRspSettlementInfoConfirm':
        if (info) {
          this.fail({
            where: 'ReqSettlementInfoConfirm',
            code: info.ErrorID,
            message: info.ErrorMsg,
          });
          break;
        }
        if (this.pendingSession) {
          this.current = this.pendingSession;
          this.pendingSession = undefined;
          this.emit('ready', this.current);
          this.pumpQueries(0);
        }
        break;
      case 'OnRtnOrder': {
        const order = event.data;
        if (!order) break;
        const key = `${order.FrontID}:${order.SessionID}:${order.OrderRef}`;
        const state = `${order.OrderSubmitStatus}${order.OrderStatus}:${order.VolumeTraded}:${order.OrderSysID}`;
        if (this.seenOrders.get(key) === state) break;
        this.seenOrders.set(key, state);
        this.emit('order', order);
        break;
      }
      case 'OnRtnTrade': {
        const trade = event.data;
        if (!trade) break;
        const key = `${trade.ExchangeID}:${trade.TradeID}:${trade.Direction}`;
        if (this.seenTrades.has(key)) break;
        this.seenTrades.add(key);
        this.emit('trade', trade);
        break;
      }
      case 'OnRspOrderInsert':
      case 'OnErrRtnOrderInsert':
        // Both come for one refusal; one error event, from the response.
        if (info && event.name === 'OnRspOrderInsert')
          this.fail({
            where: 'ReqOrderInsert',
            code: info.ErrorID,
            message: info.ErrorMsg,
            orderRef: String(event.data?.OrderRef ?? ''),
          });
        break;
      case 'OnRspOrderAction':
      case 'OnErrRtnOrderAction':
        if (info && event.name === 'OnRspOrderAction')
          this.fail({
            where: 'ReqOrderAction',
            code: info.ErrorID,
            message: info.ErrorMsg,
            orderRef: String(event.data?.OrderRef ?? ''),
          });
        break;
      case 'OnRspError':
        this.fail({
          where: 'OnRspError',
          code: event.info?.ErrorID ?? -1,
          message: event.info?.ErrorMsg ?? '',
        });
        break;
      default:
        if (event.name.startsWith('OnRspQry')) this.onQueryRow(event);
        break;
    }
  }
}
