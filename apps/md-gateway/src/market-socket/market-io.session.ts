import type { MarketDistributor, QuoteBatch } from '../distributor/market-distributor';
import type { SourceStatus } from '../sources/market-source';
import type { MarketSocket } from './market.gateway';
import { SocketSession } from './socket-session';

/** What a `subscribe` / `unsubscribe` ack carries. */
export interface SubscribeAck {
  ok: boolean;
  /** The client's ids after the request, as it wrote them. */
  subscribed: string[];
  unknown?: string[];
  over_limit?: string[];
  error?: string;
}

type Ack = (reply: SubscribeAck) => void;

/** Ids from `["a","b"]`, `"a,b"` or `{instruments:[…]}`; undefined when the payload is none of these. */
export function idsOf(payload: unknown): string[] | undefined {
  if (typeof payload === 'string')
    return payload
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
  const list =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? (payload as { instruments?: unknown }).instruments
      : payload;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) return undefined;
  return list as string[];
}

/** Most Engine.IO packets waiting for a client before its quotes are coalesced. */
const CONGESTED_PACKETS = 64;

/**
 * One browser on the Socket.IO namespace `/market` (the gateway hands it its events): `subscribe`
 * / `unsubscribe` requests (ids as an array, a comma list or `{instruments}`) answered through
 * the ack, `quotes` events carrying RFC 7396 merge patches keyed by the ids as written, `status`
 * events for source state.
 */
export class MarketIoSession extends SocketSession {
  constructor(
    private readonly socket: MarketSocket,
    distributor: MarketDistributor,
    statuses: SourceStatus[],
  ) {
    super(
      {
        send: () => undefined,
        // Engine.IO's queue of packets not yet handed to the transport (TypeScript-private, stable).
        congested: () =>
          (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length >
          CONGESTED_PACKETS,
      },
      distributor,
    );
    for (const status of statuses) this.sendStatus(status);
  }

  /** A `subscribe` or `unsubscribe` event; its ack goes out before the quotes it brings. */
  request(payload: unknown, ack: Ack | undefined, subscribe: boolean): void {
    this.run(() => this.onSubscribe(payload, ack, subscribe));
  }

  protected dispatch(): void {
    // Socket.IO delivers named events, not text frames.
  }

  private onSubscribe(payload: unknown, ack: Ack | undefined, subscribe: boolean): void {
    const reply = (value: SubscribeAck) => (typeof ack === 'function' ? ack(value) : undefined);
    const ids = idsOf(payload);
    if (!ids) {
      reply({
        ok: false,
        subscribed: this.distributor.subscriptionsOf(this.id),
        error:
          'expected an array of instrument ids, a comma-separated string or {instruments: […]}',
      });
      return;
    }
    if (!subscribe) {
      this.distributor.removeSubscriptions(this.id, ids);
      reply({ ok: true, subscribed: this.distributor.subscriptionsOf(this.id) });
      return;
    }
    const change = this.distributor.addSubscriptions(this.id, ids);
    const problems = [
      ...change.unknown.map((id) => `Unknown instrument: ${id}`),
      ...(change.overLimit.length > 0
        ? [`Subscription limit of ${this.distributor.maxPerClient} reached`]
        : []),
    ];
    reply({
      ok: problems.length === 0,
      subscribed: change.subscribed,
      unknown: change.unknown,
      over_limit: change.overLimit,
      ...(problems.length > 0 ? { error: problems.join('; ') } : {}),
    });
  }

  protected sendQuotes(quotes: QuoteBatch): void {
    this.socket.emit('quotes', quotes);
  }

  protected sendStatus(status: SourceStatus): void {
    this.socket.emit('status', status);
  }
}
