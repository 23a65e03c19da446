import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { backoffDelay, connectAmqp } from '@qautlra/platform';
import type { QifiTrade } from '@qautlra/qifi';

/** The original's exchanges (direct, non-durable; routing key = account). */
export const ORDER_EXCHANGE = 'QAORDER_ROUTER';
export const TRADE_EXCHANGE = 'QATRANSACTION';
/** Beyond the original: the account's event stream (refused messages, risk rejections, given-up orders). */
export const EVENT_EXCHANGE = 'QATRADER_EVENT';

/** An entry of an account's event stream. */
export interface TraderEvent {
  topic: 'error' | 'notice';
  account_cookie: string;
  /** `INVALID_MESSAGE`, `UNKNOWN_TOPIC`, a risk rule (`ORDER_VOLUME`, …), `NOT_CONFIRMED`, … */
  code: string;
  message: string;
  /** The message that caused it (as received), when there is one. */
  input?: unknown;
  order_id?: string;
  time: string;
}

export interface TraderEventSink {
  /** Resolves once the broker has the trade (publisher confirm); rejects when it could not. */
  publishTrade(account: string, trade: QifiTrade): Promise<void>;
  publishEvent(event: TraderEvent): void;
  readonly connected: boolean;
  close(): Promise<void>;
}

type Listener<T> = (account: string, value: T) => void;

/** In-process sink (no `AMQP_URL`): trade listeners in this process, e.g. the REST event feed. */
export class InProcessEventSink implements TraderEventSink {
  readonly connected = true;
  private readonly tradeListeners = new Set<Listener<QifiTrade>>();

  onTrade(listener: Listener<QifiTrade>): () => void {
    this.tradeListeners.add(listener);
    return () => this.tradeListeners.delete(listener);
  }

  publishTrade(account: string, trade: QifiTrade): Promise<void> {
    for (const listener of this.tradeListeners) listener(account, trade);
    return Promise.resolve();
  }

  /** Events are kept by the service's recent-events feed; nothing else listens in process. */
  publishEvent(_event: TraderEvent): void {
    return;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * RabbitMQ sink: trades as JSON on `QATRANSACTION` (routing key = account, `message_id` = trade id
 * so a consumer can drop a repeat), events on `QATRADER_EVENT`, on a confirm channel. Reconnects
 * with back-off; while it is down, trade publishing fails (the outbox keeps them for later).
 */
export class AmqpEventSink implements TraderEventSink {
  private connection?: ChannelModel;
  private channel?: ConfirmChannel;
  private closed = false;
  private failures = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  get connected(): boolean {
    return this.channel !== undefined;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    try {
      const connection = await connectAmqp(this.url, 1);
      const channel = await connection.createConfirmChannel();
      await declareExchanges(channel);
      connection.on('error', (error: Error) => this.onError(`amqp: ${error.message}`));
      channel.on('error', (error: Error) => this.onError(`amqp channel: ${error.message}`));
      connection.on('close', () => this.lost(connection));
      channel.on('close', () => this.lost(connection));
      this.connection = connection;
      this.channel = channel;
      this.failures = 0;
    } catch (error) {
      this.onError(`amqp connect: ${(error as Error).message}`);
      this.retry();
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    this.channel = undefined;
    void connection.close().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed) return;
    this.failures += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), backoffDelay(this.failures, 200, 5_000));
  }

  publishTrade(account: string, trade: QifiTrade): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new Error('RabbitMQ is not connected'));
    return new Promise((resolve, reject) => {
      channel.publish(
        TRADE_EXCHANGE,
        account,
        Buffer.from(JSON.stringify(trade)),
        { contentType: 'application/json', messageId: trade.trade_id, persistent: true },
        (error) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
      );
    });
  }

  publishEvent(event: TraderEvent): void {
    this.channel?.publish(
      EVENT_EXCHANGE,
      event.account_cookie,
      Buffer.from(JSON.stringify(event)),
      {
        contentType: 'application/json',
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    await connection?.close().catch(() => undefined);
  }
}

/** The exchanges as the original declares them (a different declaration would close the channel). */
export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(ORDER_EXCHANGE, 'direct', { durable: false });
  await channel.assertExchange(TRADE_EXCHANGE, 'direct', { durable: false });
  await channel.assertExchange(EVENT_EXCHANGE, 'direct', { durable: false });
}
