import { randomUUID } from 'node:crypto';
import type { MarketDistributor, QuoteBatch } from '../distributor/market-distributor';

/** What a session needs from its transport. */
export interface SessionTransport {
  send(text: string): void;
}

/**
 * One socket client of the distributor. Quotes produced while a request is handled (full snapshots
 * of cached instruments) go out after the request's replies, as clients of the original expect.
 */
export abstract class SocketSession {
  readonly id = randomUUID();
  private held?: QuoteBatch[];

  constructor(
    protected readonly transport: SessionTransport,
    protected readonly distributor: MarketDistributor,
  ) {
    distributor.addClient(this.id, { deliver: (quotes) => this.deliver(quotes) });
  }

  close(): void {
    this.distributor.removeClient(this.id);
  }

  handle(text: string): void {
    this.held = [];
    try {
      this.dispatch(text);
    } finally {
      const held = this.held;
      this.held = undefined;
      for (const quotes of held) this.sendQuotes(quotes);
    }
  }

  /** Handles one text frame from the client. */
  protected abstract dispatch(text: string): void;

  /** Writes a batch of quotes in the protocol's form. */
  protected abstract sendQuotes(quotes: QuoteBatch): void;

  private deliver(quotes: QuoteBatch): void {
    if (this.held) this.held.push(quotes);
    else this.sendQuotes(quotes);
  }
}
