import { CTP_EXCHANGES, ctpTickToSnapshot, MdApi, type CtpError } from '@qautlra/ctp';
import { parseInstrumentId, presetOf, productOf, type SourceQuality } from '@qautlra/qamd';
import type { CtpSourceConfig } from '../config';
import {
  instrumentInfoOf,
  type InstrumentInfo,
  type MarketSource,
  type SourceEvents,
} from './market-source';

/** OnFrontDisconnected reasons (spec market-data-sources §A.3). */
const REASONS: Record<number, string> = {
  4097: 'network read failed',
  4098: 'network write failed',
  8193: 'heartbeat receive timeout',
  8194: 'heartbeat send failed',
  8195: 'bad packet received',
};

/** A canonical or bare id as {exchange, code}; bare futures codes take their product's exchange. */
function splitId(id: string): { exchange: string; code: string } | undefined {
  if (id.length > 40) return undefined; // a CTP code is at most 30 characters
  try {
    const { exchange, code } = parseInstrumentId(id);
    if (exchange) return { exchange: exchange.toUpperCase(), code };
  } catch {
    // a bare code
  }
  if (!productOf(id)) return undefined;
  const exchange = presetOf(id).exchange.toUpperCase();
  return (CTP_EXCHANGES as readonly string[]).includes(exchange)
    ? { exchange, code: id }
    : undefined;
}

/**
 * Quotes from a CTP market-data front through native-ctp's MdApi: one API object for the gateway's life
 * (CTP reconnects by itself; the MdApi logs in again and re-subscribes in place), canonical
 * `EXCHANGE.code` ids mapped to CTP's bare codes and back (the ordinary front leaves ExchangeID empty, so
 * the exchange comes from the subscription), ticks converted by libs/ctp's ctpTickToSnapshot. State and
 * refusals go to `/api/status` and to clients like every source's.
 */
export class CtpSource implements MarketSource {
  readonly name: string;
  private readonly api: MdApi;
  /** CTP code → exchange, for the ticks. */
  private readonly exchangeOf = new Map<string, string>();
  private readonly listed: Map<string, InstrumentInfo>;
  private events?: SourceEvents;
  private refused = 0;
  private lastRefusal?: string;

  constructor(private readonly config: CtpSourceConfig) {
    this.name = config.name;
    this.listed = new Map(
      config.instruments
        .map((id) => splitId(id))
        .filter((x): x is { exchange: string; code: string } => x !== undefined)
        .map(({ exchange, code }) => {
          const id = `${exchange}.${code}`;
          return [id, instrumentInfoOf(id, 0, 0)];
        }),
    );
    this.api = new MdApi({
      library: config.library,
      frontAddr: config.frontAddr,
      flowPath: config.flowPath,
      brokerId: config.brokerId,
      userId: config.userId,
      password: config.password,
      layout: config.layout,
    });
  }

  serves(instrumentId: string): boolean {
    if (this.listed.size > 0) return this.listed.has(instrumentId);
    const split = splitId(instrumentId);
    return split !== undefined && instrumentId === `${split.exchange}.${split.code}`;
  }

  instruments(): InstrumentInfo[] {
    return [...this.listed.values()];
  }

  quality(): SourceQuality {
    return {
      lines_refused: this.refused,
      // Ticks the channel dropped because JS fell behind (oldest first).
      fields_dropped: this.api.dropped,
      ...(this.lastRefusal ? { last_refusal: this.lastRefusal } : {}),
    };
  }

  start(events: SourceEvents): void {
    this.events = events;
    this.api.on('connected', () =>
      events.state(this.name, 'connecting', 'front connected, logging in'),
    );
    this.api.on('login', (day) =>
      events.state(this.name, 'connected', `trading day ${day} (${this.api.layout} layout)`),
    );
    this.api.on('disconnected', (reason) =>
      events.state(
        this.name,
        'disconnected',
        `front disconnected: ${reason} (${REASONS[reason] ?? 'unknown reason'}); CTP reconnects by itself`,
      ),
    );
    this.api.on('error', (error) => this.onError(error));
    this.api.on('tick', (tick) => {
      const code = String(tick.InstrumentID ?? '');
      const snapshot = ctpTickToSnapshot(tick, this.exchangeOf.get(code) ?? '');
      if (!snapshot) {
        this.refused += 1;
        this.lastRefusal = `${code}: no UpdateTime or TradingDay`;
        return;
      }
      const info = this.listed.get(snapshot.instrument_id);
      if (info && snapshot.upper_limit > 0) {
        info.upperLimit = snapshot.upper_limit;
        info.lowerLimit = snapshot.lower_limit;
      }
      events.snapshot(snapshot);
    });
    events.state(this.name, 'connecting', `connecting to ${this.config.frontAddr}`);
    try {
      this.api.connect();
    } catch (error) {
      // A library of another ABI version, or one that cannot load: said, never fatal to the gateway.
      events.state(this.name, 'disconnected', (error as Error).message);
    }
  }

  subscribe(instrumentIds: readonly string[]): void {
    const codes: string[] = [];
    for (const id of instrumentIds) {
      const split = splitId(id);
      if (!split) continue;
      this.exchangeOf.set(split.code, split.exchange);
      codes.push(split.code);
    }
    this.api.subscribe(codes);
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    const codes = instrumentIds.flatMap((id) => {
      const split = splitId(id);
      return split ? [split.code] : [];
    });
    this.api.unsubscribe(codes);
  }

  stop(): Promise<void> {
    this.api.close();
    return Promise.resolve();
  }

  private onError(error: CtpError): void {
    const what = `${error.where}${error.instrument ? ` ${error.instrument}` : ''}: ${error.code} ${error.message}`;
    this.lastRefusal = what;
    if (error.where === 'ReqUserLogin')
      this.events?.state(
        this.name,
        'disconnected',
        `login refused: ${error.code} ${error.message}`,
      );
  }
}
