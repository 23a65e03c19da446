import { rtnDataQuotesOfText } from '@qautlra/diff';
import { backoffDelay, httpUrlOf } from '@qautlra/platform';
import WebSocket from 'ws';
import type { BookTop } from '@qautlra/execution';

export interface MarketFeedOptions {
  /** The gateway's `/ws/market` (`ws://host:port/ws/market`). */
  url: string;
  onQuote: (top: BookTop) => void;
  onState?: (connected: boolean) => void;
}

const numberOr = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/**
 * The sim broker's quotes: a client of the market-data gateway's `/ws/market` (push pacing). It
 * fetches the gateway's instrument list over HTTP, subscribes to all of it plus whatever the engine
 * trades, keeps each instrument's merged QAMD quote and hands the top of book on. Reconnects with
 * back-off and subscribes again.
 */
export class MarketFeed {
  private socket?: WebSocket;
  private readonly quotes = new Map<string, Record<string, unknown>>();
  private readonly wanted = new Set<string>();
  private listed?: Set<string>;
  private attempts = 0;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  connected = false;

  constructor(private readonly options: MarketFeedOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** Whether the gateway lists `EXCHANGE.code`; undefined before the list is known. */
  lists(instrument: string): boolean | undefined {
    return this.listed ? this.listed.has(instrument) : undefined;
  }

  /** Makes sure quotes for `instrument` come (a no-op when already subscribed). */
  want(instrument: string): void {
    if (this.wanted.has(instrument)) return;
    this.wanted.add(instrument);
    this.subscribe();
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    socket.on('open', () => {
      this.attempts = 0;
      this.connected = true;
      this.options.onState?.(true);
      void this.loadInstruments().finally(() => this.subscribe());
    });
    socket.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.connected = false;
      this.options.onState?.(false);
      this.attempts += 1;
      if (!this.stopped)
        this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempts, 200, 5_000));
    });
  }

  private async loadInstruments(): Promise<void> {
    const url = httpUrlOf(this.options.url, '/api/instruments');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (!response.ok) return;
      const list: unknown = await response.json();
      if (!Array.isArray(list)) return;
      const ids = list
        .map((item: unknown) =>
          typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined,
        )
        .filter((id): id is string => typeof id === 'string');
      this.listed = new Set(ids);
      for (const id of ids) this.wanted.add(id);
    } catch {
      // No list: the engine's presets decide which instruments exist.
    }
  }

  private subscribe(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || this.wanted.size === 0) return;
    socket.send(JSON.stringify({ aid: 'subscribe_quote', ins_list: [...this.wanted].join(',') }));
  }

  private receive(text: string): void {
    for (const [id, patch] of rtnDataQuotesOfText(text)) {
      const quote = this.quotes.get(id) ?? {};
      Object.assign(quote, patch);
      this.quotes.set(id, quote);
      const top = bookTopOf(id, quote);
      if (top) this.options.onQuote(top);
    }
  }
}

/** The top of book of a merged QAMD quote (undefined while it has no price at all). */
export function bookTopOf(id: string, quote: Record<string, unknown>): BookTop | undefined {
  const bidPrice = numberOr(quote.bid_price1) ?? 0;
  const askPrice = numberOr(quote.ask_price1) ?? 0;
  const lastPrice = numberOr(quote.last_price);
  if (bidPrice <= 0 && askPrice <= 0 && !(lastPrice !== undefined && lastPrice > 0))
    return undefined;
  const upper = numberOr(quote.upper_limit);
  const lower = numberOr(quote.lower_limit);
  return {
    instrument: id,
    bidPrice,
    bidVolume: numberOr(quote.bid_volume1) ?? 0,
    askPrice,
    askVolume: numberOr(quote.ask_volume1) ?? 0,
    lastPrice,
    upperLimit: upper !== undefined && upper > 0 ? upper : undefined,
    lowerLimit: lower !== undefined && lower > 0 ? lower : undefined,
  };
}
