import type {
  MarketDistributor,
  QuoteBatch,
  SubscriptionChange,
} from '../distributor/market-distributor';
import type { SourceStatus } from '../sources/market-source';
import { SessionTransport, SocketSession, unknownInstrumentsText } from './socket-session';

/**
 * `push`: quotes go out as they come (the original). `peek`: DIFF/TqSdk pacing, one merged
 * `rtn_data` per `peek_message` (`/ws/market?pacing=peek`).
 */
export type Pacing = 'push' | 'peek';

/**
 * JSON of each instrument patch, computed once per patch object: the distributor shares one patch
 * object among every client that wrote the id the same way, so a flush serialises each change once
 * instead of once per client.
 */
const patchJson = new WeakMap<object, string>();

/** `{"aid":"rtn_data","data":[{"quotes":{…}}]}`, byte-identical to `JSON.stringify` of it. */
export function rtnDataFrame(quotes: QuoteBatch): string {
  let body = '';
  for (const key in quotes) {
    const patch = quotes[key] as Record<string, unknown>;
    let json = patchJson.get(patch);
    if (json === undefined) {
      json = JSON.stringify(patch);
      patchJson.set(patch, json);
    }
    body += `${body ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return `{"aid":"rtn_data","data":[{"quotes":{${body}}}]}`;
}

const system = (message: string) => JSON.stringify({ type: 'system', payload: { message } });
const error = (message: string) => JSON.stringify({ type: 'error', payload: { message } });

function instrumentsOf(payload: unknown): string[] | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const instruments = (payload as { instruments?: unknown }).instruments;
  if (!Array.isArray(instruments) || instruments.some((item) => typeof item !== 'string'))
    return undefined;
  return instruments as string[];
}

/**
 * One `/ws/market` connection: the original gateway protocol (`subscribe_quote` with replace
 * semantics, `peek_message` answered with `rsp_peek_message`, legacy `{type, payload}` messages,
 * system and error messages in the original shapes) plus `unsubscribe_quote`. Quotes go out as
 * `rtn_data` frames, one per flush with every changed instrument.
 */
export class MarketSession extends SocketSession {
  private peekPending = false;

  constructor(
    transport: SessionTransport,
    distributor: MarketDistributor,
    private readonly pacing: Pacing = 'push',
  ) {
    super(transport, distributor);
    transport.send(system(`Connected to QAMD Gateway WebSocket. Session ID: ${this.id}`));
  }

  protected override canSend(): boolean {
    return super.canSend() && (this.pacing === 'push' || this.peekPending);
  }

  protected dispatch(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (cause) {
      this.transport.send(error(`Invalid message format: ${(cause as Error).message}`));
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.transport.send(error('Unknown message type'));
      return;
    }
    const record = message as Record<string, unknown>;
    if (typeof record.aid === 'string') this.handleAid(record.aid, record);
    else if (typeof record.type === 'string') this.handleLegacy(record.type, record.payload);
    else this.transport.send(error('Unknown message type'));
  }

  private handleAid(aid: string, record: Record<string, unknown>): void {
    switch (aid) {
      case 'subscribe_quote': {
        const insList = typeof record.ins_list === 'string' ? record.ins_list : '';
        const ids = insList
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        if (ids.length === 0) {
          this.transport.send(error('No instruments specified'));
        } else {
          const change = this.distributor.setSubscriptions(this.id, ids);
          this.reportRefused(change);
          this.transport.send(system(`Subscribed to ${change.subscribed.length} instruments`));
        }
        // The original always answers, even after the error (§14 G16); it echoed the request, which
        // listed refused ids as subscribed: the answer lists what the client now has.
        this.transport.send(
          JSON.stringify({
            aid: 'rsp_subscribe_quote',
            ins_list: this.distributor.subscriptionsOf(this.id).join(','),
          }),
        );
        return;
      }
      case 'unsubscribe_quote': {
        const insList = typeof record.ins_list === 'string' ? record.ins_list : '';
        const removed = this.distributor.removeSubscriptions(this.id, insList.split(','));
        this.transport.send(system(`Unsubscribed from ${removed} instruments`));
        this.transport.send(JSON.stringify({ aid: 'rsp_unsubscribe_quote', ins_list: insList }));
        return;
      }
      case 'peek_message':
        if (this.pacing === 'peek') {
          // DIFF semantics: the next merged rtn_data answers this peek (at once if data waits).
          this.peekPending = true;
          this.flushBacklog();
          return;
        }
        this.transport.send(
          JSON.stringify({
            aid: 'rsp_peek_message',
            ins_list: this.distributor.subscriptionsOf(this.id).join(','),
          }),
        );
        return;
      default:
        this.transport.send(error('Unknown message type'));
    }
  }

  private handleLegacy(type: string, payload: unknown): void {
    switch (type) {
      case 'subscribe':
      case 'unsubscribe': {
        const instruments = instrumentsOf(payload);
        if (!instruments) {
          this.transport.send(
            error('Invalid message format: payload.instruments must be an array of strings'),
          );
          return;
        }
        if (type === 'subscribe') {
          const change = this.distributor.addSubscriptions(this.id, instruments);
          this.reportRefused(change);
          const refused = change.unknown.length + change.overLimit.length;
          this.transport.send(system(`Subscribed to ${instruments.length - refused} instruments`));
        } else {
          this.transport.send(
            system(
              `Unsubscribed from ${this.distributor.removeSubscriptions(this.id, instruments)} instruments`,
            ),
          );
        }
        return;
      }
      case 'subscriptions':
        this.transport.send(
          JSON.stringify({
            type: 'subscriptions',
            payload: { instruments: this.distributor.subscriptionsOf(this.id) },
          }),
        );
        return;
      case 'ping':
        this.transport.send(JSON.stringify({ type: 'pong' }));
        return;
      case 'auth':
        this.transport.send(system('Authentication not implemented'));
        return;
      default:
        this.transport.send(error('Unknown message type'));
    }
  }

  private reportRefused(change: SubscriptionChange): void {
    const unknown = unknownInstrumentsText(change.unknown);
    if (unknown) this.transport.send(error(unknown));
    if (change.overLimit.length > 0)
      this.transport.send(
        error(
          `Subscription limit of ${this.distributor.maxPerClient} instruments reached; not subscribed: ${change.overLimit.join(',')}`,
        ),
      );
  }

  protected sendQuotes(quotes: QuoteBatch): void {
    this.peekPending = false;
    this.transport.send(rtnDataFrame(quotes));
  }

  /** Source state changes: `{"type":"status","payload":{name,state,detail,since}}` (an addition). */
  protected sendStatus(status: SourceStatus): void {
    this.transport.send(JSON.stringify({ type: 'status', payload: status }));
  }
}
