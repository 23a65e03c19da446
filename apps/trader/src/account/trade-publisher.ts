import type { QifiTrade } from '@qautlra/qifi';
import type { TraderEventSink } from '../events/trader-events';
import type { TraderStore } from '../store/trader-store';

export interface TradePublisherOptions {
  account: string;
  store: TraderStore;
  events: TraderEventSink;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** One trade the broker confirmed. */
  onPublished: () => void;
  /** Trades that could not be recorded: the account forgets them, to record them when seen again. */
  onNotRecorded: (trades: QifiTrade[]) => void;
}

/**
 * An account's trade outbox: each new trade is recorded in PostgreSQL first, then published
 * (`QATRANSACTION`, or in process) and marked published once the broker confirms it; trades left
 * unpublished (RabbitMQ down, a crash) are published again later. One chain keeps their order.
 */
export class TradePublisher {
  private publishing: Promise<void> = Promise.resolve();
  /** A trade could not be published (RabbitMQ down): the outbox is retried with each sync. */
  private backlog = false;
  private readonly pending: QifiTrade[] = [];
  private draining = false;

  constructor(private readonly options: TradePublisherOptions) {}

  /** Resolves once everything queued so far is recorded and published (or given up for now). */
  idle(): Promise<void> {
    return this.publishing;
  }

  /** Publishes again what is left unpublished, when there is a backlog and the broker is back. */
  retryUnpublished(): void {
    this.publishing = this.publishing.then(() => this.retryBacklog()).catch(() => undefined);
  }

  /** Records new trades and publishes them, in batches: one insert, confirms awaited together. */
  recordAndPublish(trades: QifiTrade[]): void {
    this.pending.push(...trades);
    if (this.draining) return;
    this.draining = true;
    this.publishing = this.publishing.then(() => this.drainTrades());
  }

  private async drainTrades(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        let fresh: QifiTrade[];
        try {
          fresh = await this.options.store.recordTrades(this.options.account, batch);
        } catch (error) {
          // Not recorded: forget them, the next snapshot (or frame) brings them again.
          this.options.onNotRecorded(batch);
          this.options.log(
            'error',
            `${this.options.account}: recording trades failed: ${(error as Error).message}`,
          );
          continue;
        }
        await this.publish(fresh);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Publishes trades already recorded (left unpublished by an earlier run). */
  publishRecorded(trades: QifiTrade[]): void {
    if (trades.length > 0) this.publishing = this.publishing.then(() => this.publish(trades));
  }

  /** Publishes in order (one channel keeps it); marks those the broker confirmed. */
  private async publish(trades: QifiTrade[]): Promise<void> {
    if (trades.length === 0) return;
    const outcomes = await Promise.allSettled(
      trades.map((trade) => this.options.events.publishTrade(this.options.account, trade)),
    );
    const published: string[] = [];
    outcomes.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') {
        published.push(trades[index]!.trade_id);
        this.options.onPublished();
      }
    });
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      this.backlog = true;
      this.options.log(
        'warn',
        `${this.options.account}: ${trades.length - published.length} trade(s) not published yet: ${String(failed.reason)}`,
      );
    }
    try {
      await this.options.store.markPublished(this.options.account, published);
    } catch (error) {
      this.options.log(
        'error',
        `${this.options.account}: marking trades published failed: ${(error as Error).message}`,
      );
    }
  }

  /** Re-publishes trades left unpublished (RabbitMQ was down); runs with each QIFI sync. */
  private async retryBacklog(): Promise<void> {
    if (!this.backlog || !this.options.events.connected) return;
    this.backlog = false;
    const pending = await this.options.store.unpublished(this.options.account);
    if (pending.length > 0) await this.publish(pending);
  }
}
