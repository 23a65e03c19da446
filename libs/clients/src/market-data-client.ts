import { rtnDataQuotesOfText } from '@qautlra/diff';
import { httpUrlOf, Reconnector } from '@qautlra/platform';
import { InstrumentInfo, instrumentOfWire } from '@qautlra/qamd';
import WebSocket from 'ws';

export type MarketDataState = 'connecting' | 'connected' | 'disconnected';

export interface MarketDataHandlers {
  /** An instrument's quote changed: its merged state (every field seen so far) and the patch. */
  onQuote?(
    id: string,
    quote: Readonly<Record<string, unknown>>,
    patch: Record<string, unknown>,
  ): void;
  /** The connection's state; `detail` says why (the URL, the close reason and the wait). */
  onState?(state: MarketDataState, detail: string): void;
  /** The gateway's instrument list (`GET /api/instruments`), fetched on each connection. */
  onInstruments?(instruments: InstrumentInfo[]): void;
  /** The list could not be fetched on this connection. */
  onInstrumentsFailed?(error: Error): void;
}

export interface MarketDataClientOptions {
  /** The gateway's `/ws/market` (`ws://host:port/ws/market`). */
  url: string;
  /** Fetch the instrument list on each connection (`onInstruments`). */
  instruments?: boolean;
  /** Reconnect back-off: first delay and cap (ms). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Drop and reconnect a connection silent this long (no frame, no ping); 0: never. */
  idleTimeoutMs?: number;
  maxPayload?: number;
}

/**
 * A client of the market-data gateway's `/ws/market` DIFF protocol (push pacing): subscribes
 * (`subscribe_quote` replaces the list, so the whole set is sent each time), merges each
 * instrument's `rtn_data` patches into its quote, reconnects with back-off and subscribes again —
 * the gateway then sends full snapshots. The trade server's market feed, the tsdb's recorder and
 * the gateway's upstream source are built on it.
 */
export class MarketDataClient {
  private socket?: WebSocket;
  private readonly wanted = new Set<string>();
  private readonly quotes = new Map<string, Record<string, unknown>>();
  private readonly loop: Reconnector;
  private idle?: NodeJS.Timeout;
  private current: MarketDataState = 'disconnected';

  constructor(
    private readonly options: MarketDataClientOptions,
    private readonly handlers: MarketDataHandlers = {},
  ) {
    this.loop = new Reconnector(() => this.connect(), {
      baseMs: options.backoffBaseMs,
      capMs: options.backoffCapMs,
    });
  }

  get state(): MarketDataState {
    return this.current;
  }

  get connected(): boolean {
    return this.current === 'connected';
  }

  /** The subscribed instruments. */
  subscriptions(): string[] {
    return [...this.wanted];
  }

  /** The merged quote of an instrument (undefined before its first update). */
  quote(id: string): Readonly<Record<string, unknown>> | undefined {
    return this.quotes.get(id);
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
    clearTimeout(this.idle);
    const socket = this.socket;
    this.socket = undefined;
    socket?.terminate();
    this.setState('disconnected', 'stopped');
  }

  /** Adds instruments (sent now when connected, else on connecting). */
  subscribe(ids: Iterable<string>): void {
    const before = this.wanted.size;
    for (const id of ids) this.wanted.add(id);
    if (this.wanted.size !== before) this.sendSubscriptions();
  }

  unsubscribe(ids: Iterable<string>): void {
    const dropped = [...ids].filter((id) => this.wanted.delete(id));
    for (const id of dropped) this.quotes.delete(id);
    if (dropped.length === 0) return;
    if (this.wanted.size > 0) this.sendSubscriptions();
    // An empty subscribe_quote is an error in the protocol: drop the last ones explicitly.
    else this.send({ aid: 'unsubscribe_quote', ins_list: dropped.join(',') });
  }

  /** Drops the connection (a reconnect follows with back-off), e.g. when a reply is unusable. */
  reconnect(): void {
    this.socket?.terminate();
  }

  private connect(): void {
    this.setState('connecting', this.options.url);
    const socket = new WebSocket(this.options.url, {
      maxPayload: this.options.maxPayload ?? 64 * 1024 * 1024,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.loop.succeeded();
      this.touch(socket);
      this.setState('connected', this.options.url);
      this.sendSubscriptions();
      if (this.options.instruments) void this.loadInstruments(socket);
    });
    socket.on('message', (data: Buffer) => {
      this.touch(socket);
      this.receive(data.toString('utf8'));
    });
    socket.on('ping', () => this.touch(socket));
    socket.on('error', () => undefined); // a 'close' follows
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      clearTimeout(this.idle);
      if (this.loop.stopped) return;
      const delay = this.loop.failed();
      const why = reason.toString() || (code === 1006 ? 'connection lost' : `closed ${code}`);
      this.setState('disconnected', `${why}; reconnecting in ${Math.round(delay / 100) / 10} s`);
    });
  }

  private async loadInstruments(socket: WebSocket): Promise<void> {
    try {
      const response = await fetch(httpUrlOf(this.options.url, '/api/instruments'), {
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`GET /api/instruments: ${response.status}`);
      const list: unknown = await response.json();
      if (!Array.isArray(list)) throw new Error('GET /api/instruments: not a list');
      if (this.socket !== socket) return;
      this.handlers.onInstruments?.(list.flatMap((item) => instrumentOfWire(item) ?? []));
    } catch (error) {
      if (this.socket === socket) this.handlers.onInstrumentsFailed?.(error as Error);
    }
  }

  private touch(socket: WebSocket): void {
    const idle = this.options.idleTimeoutMs ?? 0;
    if (idle <= 0) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => socket.terminate(), idle);
    this.idle.unref();
  }

  private sendSubscriptions(): void {
    if (this.wanted.size === 0) return;
    this.send({ aid: 'subscribe_quote', ins_list: [...this.wanted].join(',') });
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** One frame as the gateway sends it (the socket hands frames here; replays and tests too). */
  receive(text: string): void {
    for (const [id, patch] of rtnDataQuotesOfText(text)) {
      const quote = this.quotes.get(id) ?? {};
      Object.assign(quote, patch);
      this.quotes.set(id, quote);
      this.handlers.onQuote?.(id, quote, patch);
    }
  }

  private setState(state: MarketDataState, detail: string): void {
    this.current = state;
    this.handlers.onState?.(state, detail);
  }
}
