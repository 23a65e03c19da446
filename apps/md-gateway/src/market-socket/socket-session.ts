import { randomUUID } from 'node:crypto';
import type { MarketDistributor, QuoteBatch } from '../distributor/market-distributor';
import type { SourceStatus } from '../sources/market-source';

/** What a session needs from its transport. */
export interface SessionTransport {
  send(text: string): void;
  /** True while the client has more unsent data than it should (a slow reader). */
  congested?(): boolean;
}

/** How often a session with held-back quotes checks whether its client has caught up. */
const DRAIN_CHECK_MS = 20;

/** Merges `next` into `into` (per instrument, later fields win): a client's coalesced backlog. */
export function mergeQuoteBatch(into: QuoteBatch, next: QuoteBatch): QuoteBatch {
  for (const [key, fields] of Object.entries(next)) into[key] = { ...into[key], ...fields };
  return into;
}

/**
 * One socket client of the distributor. Quotes produced while a request is handled (full snapshots
 * of cached instruments) go out after the request's replies, as clients of the original expect.
 * While the client cannot take more (slow reader, or DIFF peek pacing), quotes are merged into one
 * backlog holding only the latest value of each field, so memory stays bounded by the number of
 * subscribed instruments and nothing is lost: the backlog goes out as one frame when allowed.
 */
export abstract class SocketSession {
  readonly id = randomUUID();
  private held?: QuoteBatch[];
  private backlog?: QuoteBatch;
  private drainTimer?: NodeJS.Timeout;

  constructor(
    protected readonly transport: SessionTransport,
    protected readonly distributor: MarketDistributor,
  ) {
    distributor.addClient(this.id, {
      deliver: (quotes) => this.deliver(quotes),
      status: (status) => this.sendStatus(status),
    });
  }

  close(): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.distributor.removeClient(this.id);
  }

  handle(text: string): void {
    this.run(() => this.dispatch(text));
  }

  /** Runs a request handler; quotes it produces are sent after its replies. */
  protected run(handler: () => void): void {
    this.held = [];
    try {
      handler();
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const quotes of held) this.deliver(quotes);
    }
  }

  /** Handles one text frame from the client. */
  protected abstract dispatch(text: string): void;

  /** Writes a batch of quotes in the protocol's form. */
  protected abstract sendQuotes(quotes: QuoteBatch): void;

  /** Writes a source status change in the protocol's form. */
  protected abstract sendStatus(status: SourceStatus): void;

  /** Whether quotes may be written now (not while the client is congested). */
  protected canSend(): boolean {
    return !(this.transport.congested?.() ?? false);
  }

  /** True while the client is too slow to take more and its quotes are being coalesced. */
  get slow(): boolean {
    return this.backlog !== undefined && (this.transport.congested?.() ?? false);
  }

  /** Sends the held-back quotes if allowed; returns whether a frame went out. */
  protected flushBacklog(): boolean {
    if (!this.backlog || !this.canSend()) return false;
    const quotes = this.backlog;
    this.backlog = undefined;
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    this.sendQuotes(quotes);
    return true;
  }

  /** Waits for the client to catch up (slow readers); peek pacing flushes on `peek_message`. */
  protected watchDrain(): void {
    if (this.drainTimer) return;
    this.drainTimer = setInterval(() => this.flushBacklog(), DRAIN_CHECK_MS);
    this.drainTimer.unref();
  }

  private deliver(quotes: QuoteBatch): void {
    if (this.held) {
      this.held.push(quotes);
      return;
    }
    if (!this.backlog && this.canSend()) {
      this.sendQuotes(quotes);
      return;
    }
    this.backlog = mergeQuoteBatch(this.backlog ?? {}, quotes);
    if (!this.flushBacklog() && this.transport.congested?.()) this.watchDrain();
  }
}

/** Names shown in one refusal of unknown instruments (the rest are counted). */
const UNKNOWN_SHOWN = 50;

/**
 * One error text for the unknown ids of one subscribe, however many: `Unknown instrument: X` for
 * one (the original's text), else the first 50 and a count of the rest.
 */
export function unknownInstrumentsText(ids: readonly string[]): string | undefined {
  if (ids.length === 0) return undefined;
  if (ids.length === 1) return `Unknown instrument: ${ids[0]}`;
  const shown = ids.slice(0, UNKNOWN_SHOWN).join(',');
  const more = ids.length > UNKNOWN_SHOWN ? ` (+${ids.length - UNKNOWN_SHOWN} more)` : '';
  return `Unknown instruments (${ids.length}): ${shown}${more}`;
}
