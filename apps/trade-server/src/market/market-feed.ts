import { MarketDataClient } from '@qautlra/clients';
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
 * The sim broker's quotes, from the market-data gateway (the platform's market-data client): it
 * subscribes to every instrument the gateway lists plus whatever the engine trades and hands each
 * merged quote's top of book on. The client reconnects with back-off and subscribes again.
 */
export class MarketFeed {
  private readonly client: MarketDataClient;
  private listed?: Set<string>;

  constructor(options: MarketFeedOptions) {
    this.client = new MarketDataClient(
      { url: options.url, instruments: true, backoffBaseMs: 200, backoffCapMs: 5_000 },
      {
        onQuote: (id, quote) => {
          const top = bookTopOf(id, quote);
          if (top) options.onQuote(top);
        },
        onState: (state) => options.onState?.(state === 'connected'),
        onInstruments: (instruments) => {
          this.listed = new Set(instruments.map((instrument) => instrument.id));
          this.client.subscribe(this.listed);
        },
        // No list: the engine's presets decide which instruments exist.
      },
    );
  }

  get connected(): boolean {
    return this.client.connected;
  }

  start(): void {
    this.client.start();
  }

  stop(): void {
    this.client.stop();
  }

  /** Whether the gateway lists `EXCHANGE.code`; undefined before the list is known. */
  lists(instrument: string): boolean | undefined {
    return this.listed ? this.listed.has(instrument) : undefined;
  }

  /** Makes sure quotes for `instrument` come (a no-op when already subscribed). */
  want(instrument: string): void {
    this.client.subscribe([instrument]);
  }
}

/** The top of book of a merged QAMD quote (undefined while it has no price at all). */
export function bookTopOf(
  id: string,
  quote: Readonly<Record<string, unknown>>,
): BookTop | undefined {
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
