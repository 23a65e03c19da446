import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { backoffDelay, connectAmqp } from '@qautlra/platform';
import { declareExchanges, ORDER_EXCHANGE } from '../events/trader-events';

/** How one delivery ends: `ack` once the command is handed over (or refused with an error event). */
export interface Delivery {
  body: Buffer;
  /** RabbitMQ delivered it before (the trader died or lost the channel before acking). */
  redelivered: boolean;
  messageId?: string;
  ack(): void;
}

export type DeliveryHandler = (delivery: Delivery) => void;

/** The durable queue a trader consumes for `account` (shared by its restarts). */
export const intakeQueueOf = (account: string) => `qautlra.trader.${account}`;

/**
 * Order intake from RabbitMQ: the direct exchange `QAORDER_ROUTER`, routing key = account. Unlike
 * the original (an exclusive server-named queue with no-ack, so every message in flight or sent
 * while it was down was lost), each account has a durable queue and messages are acked only when
 * the account says the command was handed to the trade server; unacked ones come back after a
 * crash. Reconnects with back-off.
 */
export class AmqpIntake {
  private connection?: ChannelModel;
  private closed = false;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  state: 'connecting' | 'consuming' | 'down' = 'connecting';
  lastError?: string;

  constructor(
    private readonly url: string,
    private readonly handlers: ReadonlyMap<string, DeliveryHandler>,
    private readonly prefetch = 2_000,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.state = 'connecting';
    try {
      const connection = await connectAmqp(this.url, 1);
      this.connection = connection;
      connection.on('error', (error: Error) => (this.lastError = error.message));
      connection.on('close', () => this.lost(connection));
      const channel = await connection.createChannel();
      channel.on('error', (error: Error) => (this.lastError = error.message));
      channel.on('close', () => this.lost(connection));
      await declareExchanges(channel);
      await channel.prefetch(this.prefetch);
      for (const [account, handler] of this.handlers) {
        const queue = intakeQueueOf(account);
        await channel.assertQueue(queue, { durable: true });
        await channel.bindQueue(queue, ORDER_EXCHANGE, account);
        await channel.consume(
          queue,
          (message: ConsumeMessage | null) => {
            if (!message) return;
            let acked = false;
            handler({
              body: message.content,
              redelivered: message.fields.redelivered,
              messageId: message.properties.messageId as string | undefined,
              ack: () => {
                if (acked || this.connection !== connection) return;
                acked = true;
                try {
                  channel.ack(message);
                } catch {
                  // The channel is gone: RabbitMQ redelivers it, and the order id makes that harmless.
                }
              },
            });
          },
          { noAck: false },
        );
      }
      this.failures = 0;
      this.state = 'consuming';
    } catch (error) {
      this.lastError = (error as Error).message;
      const connection = this.connection;
      this.connection = undefined;
      await connection?.close().catch(() => undefined);
      this.retry();
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    void connection.close().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.closed) return;
    this.state = 'down';
    this.failures += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), backoffDelay(this.failures, 200, 5_000));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }
}
