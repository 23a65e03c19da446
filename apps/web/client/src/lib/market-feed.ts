import { applyMergePatch } from '@qautlra/diff';
import { instrumentOfWire, type InstrumentInfo, type SourceStatus } from '@qautlra/qamd';
import { io, type Socket } from 'socket.io-client';
import { Observable } from './observable';

export type { InstrumentInfo, SourceStatus } from '@qautlra/qamd';

/** A QAMD snapshot as the gateway sends it (levels 1–5, limits, cumulative volume…). */
export type Quote = Record<string, number | string | null | undefined>;

/** `connected`: socket up and every source up; `degraded`: socket up, a source down. */
export type FeedState = 'connecting' | 'connected' | 'degraded' | 'reconnecting';

export interface Tick {
  id: string;
  /** Epoch milliseconds of the quote's `datetime`. */
  time: number;
  price: number;
  /** Cumulative volume of the trading day. */
  volume: number;
}

const WATCHLIST_KEY = 'qautlra.watchlist';
const DEFAULT_WATCHLIST = 8;

/**
 * Live quotes from the gateway's Socket.IO `/market` namespace (through the web server's `/md`
 * proxy): the watch list is kept in localStorage and re-subscribed after every reconnect; quote
 * patches are RFC 7396 merge patches keyed by instrument id.
 */
export class MarketFeed extends Observable {
  quotes: Record<string, Quote> = {};
  state: FeedState = 'connecting';
  sources: SourceStatus[] = [];
  watchlist: string[];
  instruments: InstrumentInfo[] = [];
  private readonly socket: Socket;
  private readonly tickListeners = new Set<(tick: Tick) => void>();
  private readonly pinned = new Set<string>();

  constructor(
    private readonly rest: string,
    socketPath: string,
    namespace: string,
  ) {
    super();
    const saved = localStorage.getItem(WATCHLIST_KEY);
    this.watchlist = saved ? (JSON.parse(saved) as string[]) : [];
    // Connected by `open()`: a view that mounts, unmounts and mounts again (React's strict mode
    // does, and a slow machine lets the first socket be closed before it connects) opens again.
    this.socket = io(namespace, {
      path: socketPath,
      autoConnect: false,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    this.socket.on('connect', () => {
      this.updateState();
      void this.resubscribe();
    });
    this.socket.on('disconnect', () => {
      this.state = 'reconnecting';
      this.changed();
    });
    this.socket.io.on('reconnect_attempt', () => {
      this.state = 'reconnecting';
      this.changed();
    });
    this.socket.on('quotes', (batch: Record<string, Quote | null>) => this.onQuotes(batch));
    this.socket.on('status', (status: SourceStatus) => {
      this.sources = [...this.sources.filter((s) => s.name !== status.name), status];
      this.updateState();
    });
  }

  /** Loads the universe; an empty watch list starts with the first instruments of it. */
  async loadInstruments(): Promise<void> {
    const response = await fetch(`${this.rest}/instruments`);
    if (!response.ok) throw new Error(`instruments: ${response.status}`);
    const list = (await response.json()) as unknown[];
    this.instruments = list.flatMap((item) => instrumentOfWire(item) ?? []);
    if (this.watchlist.length === 0) {
      const futures = this.instruments.filter((i) => !['SSE', 'SZSE'].includes(i.exchange));
      const stocks = this.instruments.filter((i) => ['SSE', 'SZSE'].includes(i.exchange));
      this.setWatchlist(
        [...futures.slice(0, 6), ...stocks.slice(0, 2)]
          .slice(0, DEFAULT_WATCHLIST)
          .map((i) => i.id),
      );
    }
    this.changed();
    await this.resubscribe();
  }

  instrument(id: string): InstrumentInfo | undefined {
    return this.instruments.find((i) => i.id === id);
  }

  async add(id: string): Promise<void> {
    if (this.watchlist.includes(id)) return;
    this.setWatchlist([...this.watchlist, id]);
    await this.socket.emitWithAck('subscribe', [id]);
  }

  async remove(id: string): Promise<void> {
    this.setWatchlist(this.watchlist.filter((x) => x !== id));
    if (!this.pinned.has(id)) await this.socket.emitWithAck('unsubscribe', [id]);
  }

  /** Keeps an instrument subscribed while a view shows it (positions, the open chart). */
  async pin(ids: readonly string[]): Promise<void> {
    const fresh = ids.filter((id) => !this.pinned.has(id) && !this.watchlist.includes(id));
    ids.forEach((id) => this.pinned.add(id));
    if (fresh.length > 0 && this.socket.connected)
      await this.socket.emitWithAck('subscribe', fresh);
  }

  onTick(listener: (tick: Tick) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  /** Connects (again after `close()`); the socket then reconnects by itself until closed. */
  open(): void {
    if (!this.socket.active) this.socket.connect();
  }

  close(): void {
    this.socket.close();
  }

  private setWatchlist(ids: string[]): void {
    this.watchlist = ids;
    localStorage.setItem(WATCHLIST_KEY, JSON.stringify(ids));
    this.changed();
  }

  private async resubscribe(): Promise<void> {
    const ids = [...new Set([...this.watchlist, ...this.pinned])];
    if (ids.length > 0 && this.socket.connected) await this.socket.emitWithAck('subscribe', ids);
  }

  private updateState(): void {
    if (!this.socket.connected) this.state = 'reconnecting';
    else this.state = this.sources.some((s) => s.state !== 'connected') ? 'degraded' : 'connected';
    this.changed();
  }

  private onQuotes(batch: Record<string, Quote | null>): void {
    this.quotes = applyMergePatch(this.quotes, batch) as Record<string, Quote>;
    for (const id of Object.keys(batch)) {
      const quote = this.quotes[id];
      const price = Number(quote?.last_price);
      const time = Date.parse(String(quote?.datetime ?? ''));
      if (!quote || !Number.isFinite(price) || !Number.isFinite(time)) continue;
      const tick = { id, time, price, volume: Number(quote.volume ?? 0) };
      for (const listener of this.tickListeners) listener(tick);
    }
    this.changed();
  }
}
