import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel } from 'amqplib';
import { firstConnection, managedAmqp } from '@qautlra/platform';
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
 * so a consumer can drop a repeat), events on `QATRADER_EVENT`, on a confirm channel that
 * amqp-connection-manager keeps up; while it is down, trade publishing fails (the outbox keeps them
 * for later).
 */
export class AmqpEventSink implements TraderEventSink {
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;

  constructor(
    private readonly url: string,
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  get connected(): boolean {
    return this.connection?.isConnected() ?? false;
  }

  async start(): Promise<void> {
    const connection = managedAmqp(this.url, 'qautlra-trader-events');
    connection.on('disconnect', ({ err }: { err: Error }) => this.onError(`amqp: ${err.message}`));
    connection.on('connectFailed', ({ err }: { err: Error }) =>
      this.onError(`amqp connect: ${err.message}`),
    );
    this.connection = connection;
    this.channel = connection.createChannel({
      confirm: true,
      setup: (channel: ConfirmChannel) => declareExchanges(channel),
    });
    await firstConnection(this.channel);
  }

  publishTrade(account: string, trade: QifiTrade): Promise<void> {
    const channel = this.channel;
    if (!channel || !this.connected) return Promise.reject(new Error('RabbitMQ is not connected'));
    // Resolves on the broker's confirm; a publish the broker does not confirm in time fails.
    return channel
      .publish(TRADE_EXCHANGE, account, Buffer.from(JSON.stringify(trade)), {
        contentType: 'application/json',
        messageId: trade.trade_id,
        persistent: true,
        timeout: 10_000,
      })
      .then(() => undefined);
  }

  publishEvent(event: TraderEvent): void {
    if (!this.connected) return;
    this.channel
      ?.publish(EVENT_EXCHANGE, event.account_cookie, Buffer.from(JSON.stringify(event)), {
        contentType: 'application/json',
        timeout: 10_000,
      })
      .catch((error: Error) => this.onError(`amqp event: ${error.message}`));
  }

  async close(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }
}

/** The exchanges as the original declares them (a different declaration would close the channel). */
export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(ORDER_EXCHANGE, 'direct', { durable: false });
  await channel.assertExchange(TRADE_EXCHANGE, 'direct', { durable: false });
  await channel.assertExchange(EVENT_EXCHANGE, 'direct', { durable: false });
}
