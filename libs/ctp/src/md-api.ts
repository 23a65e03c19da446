import { EventEmitter } from 'node:events';
import { loadCatalog, type CtpCatalog, type CtpLayout } from './catalog';
import { encodeStruct, type CtpStruct } from './codec';
import { abiProblem, layoutForVersion } from './version';
import { EventPump, ensureFlowDir, nativeAddon, type CtpEvent, type NativeSession } from './native';

/** Printable ASCII, as instrument ids are. */
const PRINTABLE = /^[\x21-\x7e]+$/;

export interface MdApiOptions {
  /** Path of thostmduserapi_se.so: SFIT's, openctp's, or the fake front's (fakeLibrary('md')). */
  library: string;
  /** tcp://host:port (a fake front takes script:///path). */
  frontAddr: string;
  /** Folder for the library's flow files; created if missing. One per API object. */
  flowPath: string;
  brokerId?: string;
  userId?: string;
  password?: string;
  /** Records kept for JS before the oldest tick is dropped (default 8192). */
  capacity?: number;
  /**
   * The ABI layout: '6.3.15' (libraries ≤ 6.3.15) or '6.5.1' (6.5.1 … 6.7.11). Unset: the one the library's
   * GetApiVersion() names. Set: a library of the other layout is refused.
   */
  layout?: CtpLayout;
}

export interface CtpError {
  readonly where: string;
  readonly code: number;
  readonly message: string;
  readonly instrument?: string;
}

export interface MdApiEvents {
  connected: [];
  disconnected: [reason: number];
  login: [tradingDay: string];
  tick: [tick: CtpStruct];
  subscribed: [instrument: string];
  error: [error: CtpError];
}

/**
 * CTP market data: one API object for the life of the session. On every OnFrontConnected (the first and each
 * automatic reconnect) it logs in again in place and, once logged in, subscribes what is wanted — each
 * instrument once per connection; CTP forgets subscriptions on a disconnect. close() releases the API.
 */
export class MdApi extends EventEmitter<MdApiEvents> {
  static version(library: string): string {
    return nativeAddon().apiVersion('md', library);
  }

  private catalog?: CtpCatalog;
  private session?: NativeSession;
  private pump?: EventPump;
  private readonly wanted = new Set<string>();
  /** Sent on this connection (acknowledged or not). */
  private readonly sent = new Set<string>();
  private requestId = 0;
  private loggedIn = false;
  private closed = false;
  private state: 'idle' | 'connecting' | 'connected' | 'ready' | 'disconnected' = 'idle';

  constructor(private readonly options: MdApiOptions) {
    super();
  }

  get status(): string {
    return this.state;
  }

  get subscriptions(): string[] {
    return [...this.wanted];
  }

  /** Ticks dropped because JS fell behind the library (oldest first). */
  get dropped(): number {
    return this.session?.dropped() ?? 0;
  }

  /** The layout in use: set, or read from the library at connect(). */
  get layout(): CtpLayout | undefined {
    return this.catalog?.version ?? this.options.layout;
  }

  /**
   * Creates the API object and starts it; throws when the library's version has no layout here, or not the
   * one set.
   */
  connect(): void {
    if (this.session || this.closed) return;
    const version = nativeAddon().apiVersion('md', this.options.library);
    const layout = this.options.layout ?? layoutForVersion(version).layout ?? '6.3.15';
    const problem = abiProblem(version, layout);
    if (problem) throw new Error(problem);
    const addon = nativeAddon(layout);
    const catalog = loadCatalog(layout);
    const pump = new EventPump(catalog, catalog.mdEvents, (event) => this.onEvent(event));
    this.catalog = catalog;
    this.pump = pump;
    this.session = new addon.NativeSession(
      'md',
      this.options.library,
      ensureFlowDir(this.options.flowPath),
      this.options.capacity ?? 8192,
      pump.ready,
    );
    pump.attach(this.session);
    // Ids wanted before the layout was known and too long for it.
    for (const id of this.wanted) if (!this.fits(id)) this.refuse(id);
    this.session.registerFront(this.options.frontAddr);
    this.state = 'connecting';
    this.session.init();
  }

  /**
   * Wants these instruments from now on. An id the library could not hold (not 1–30 printable ASCII
   * characters in the 6.3.15 layout, where InstrumentID is char[31]; 1–80 in 6.5.1's char[81]) is refused
   * with an error event, never sent.
   */
  subscribe(instruments: readonly string[]): void {
    for (const id of instruments) {
      if (this.fits(id)) this.wanted.add(id);
      else this.refuse(id);
    }
    this.sendSubscriptions();
  }

  /** The longest id the layout holds (the widest while the layout is not known yet). */
  private fits(id: string): boolean {
    return PRINTABLE.test(id) && id.length <= (this.layout === '6.3.15' ? 30 : 80);
  }

  private refuse(id: string): void {
    this.wanted.delete(id);
    this.fail({
      where: 'SubscribeMarketData',
      code: -1,
      message: `an instrument id is 1–${this.layout === '6.3.15' ? 30 : 80} printable ASCII characters`,
      instrument: id.slice(0, 100),
    });
  }

  unsubscribe(instruments: readonly string[]): void {
    const active = instruments.filter((id) => this.wanted.delete(id) && this.sent.delete(id));
    if (active.length && this.loggedIn && this.session) this.session.unsubscribe(active);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pump?.detach();
    this.session?.close();
    this.session = undefined;
    this.state = 'idle';
  }

  /** 'error' events go to listeners only: an unlistened one must not throw out of a library callback. */
  private fail(error: CtpError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private sendSubscriptions(): void {
    if (!this.loggedIn || !this.session) return;
    const fresh = [...this.wanted].filter((id) => !this.sent.has(id));
    if (!fresh.length) return;
    for (const id of fresh) this.sent.add(id);
    const code = this.session.subscribe(fresh);
    if (code !== 0) {
      for (const id of fresh) this.sent.delete(id);
      this.fail({ where: 'SubscribeMarketData', code, message: `request refused (${code})` });
    }
  }

  private login(): void {
    const catalog = this.catalog!;
    const request = catalog.mdRequests.get('ReqUserLogin')!;
    const image = encodeStruct(catalog.structs.get(request.struct)!, {
      BrokerID: this.options.brokerId ?? '',
      UserID: this.options.userId ?? '',
      Password: this.options.password ?? '',
    });
    const code = this.session!.request(request.index, image, ++this.requestId);
    if (code !== 0)
      this.fail({ where: 'ReqUserLogin', code, message: `request refused (${code})` });
  }

  private onEvent(event: CtpEvent): void {
    switch (event.name) {
      case 'OnRtnDepthMarketData':
        if (event.data) this.emit('tick', event.data);
        break;
      case 'OnFrontConnected':
        this.state = 'connected';
        this.loggedIn = false;
        this.sent.clear();
        this.emit('connected');
        this.login();
        break;
      case 'OnFrontDisconnected':
        this.state = 'disconnected';
        this.loggedIn = false;
        this.sent.clear();
        this.emit('disconnected', event.value);
        break;
      case 'OnRspUserLogin':
        if (event.info && event.info.ErrorID !== 0) {
          this.fail({
            where: 'ReqUserLogin',
            code: event.info.ErrorID,
            message: event.info.ErrorMsg,
          });
          break;
        }
        this.loggedIn = true;
        this.state = 'ready';
        this.emit('login', String(event.data?.TradingDay ?? ''));
        this.sendSubscriptions();
        break;
      case 'OnRspSubMarketData': {
        const instrument = String(event.data?.InstrumentID ?? '');
        if (event.info && event.info.ErrorID !== 0) {
          // Refused (unknown instrument, not logged in): not wanted any more, reported once.
          if (event.info.ErrorID !== 6) this.wanted.delete(instrument);
          this.sent.delete(instrument);
          this.fail({
            where: 'SubscribeMarketData',
            code: event.info.ErrorID,
            message: event.info.ErrorMsg,
            instrument,
          });
        } else {
          this.emit('subscribed', instrument);
        }
        break;
      }
      case 'OnRspError':
        this.fail({
          where: 'OnRspError',
          code: event.info?.ErrorID ?? -1,
          message: event.info?.ErrorMsg ?? '',
        });
        break;
      default:
        break;
    }
  }
}
