import type { Channel, ConsumeMessage } from 'amqplib';
import { firstConnection, managedAmqp } from '@qautlra/platform';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
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
 * crash. amqp-connection-manager reconnects and consumes again.
 */
export class AmqpIntake {
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  /** Counts channels: a delivery is acked on the channel that brought it, never a later one. */
  private generation = 0;
  state: 'connecting' | 'consuming' | 'down' = 'connecting';
  lastError?: string;

  private handlers: ReadonlyMap<string, DeliveryHandler> = new Map();

  constructor(
    private readonly url: string,
    private readonly prefetch = 2_000,
  ) {}

  /** Consumes each account's queue, handing deliveries to its handler. */
  async start(handlers: ReadonlyMap<string, DeliveryHandler>): Promise<void> {
    this.handlers = handlers;
    const connection = managedAmqp(this.url, 'qautlra-trader-intake');
    const down = ({ err }: { err: Error }) => {
      this.state = 'down';
      this.lastError = err.message;
    };
    connection.on('disconnect', down);
    connection.on('connectFailed', down);
    this.connection = connection;
    this.channel = connection.createChannel({
      confirm: false,
      setup: async (channel: Channel) => {
        const generation = ++this.generation;
        await declareExchanges(channel);
        await channel.prefetch(this.prefetch);
        for (const [account, handler] of this.handlers) {
          const queue = intakeQueueOf(account);
          await channel.assertQueue(queue, { durable: true });
          await channel.bindQueue(queue, ORDER_EXCHANGE, account);
          await channel.consume(
            queue,
            (message: ConsumeMessage | null) => {
              if (message) this.deliver(channel, generation, message, handler);
            },
            { noAck: false },
          );
        }
        this.state = 'consuming';
      },
    });
    await firstConnection(this.channel);
  }

  private deliver(
    channel: Channel,
    generation: number,
    message: ConsumeMessage,
    handler: DeliveryHandler,
  ): void {
    let acked = false;
    handler({
      body: message.content,
      redelivered: message.fields.redelivered,
      messageId: message.properties.messageId as string | undefined,
      ack: () => {
        if (acked || generation !== this.generation) return;
        acked = true;
        try {
          channel.ack(message);
        } catch {
          // The channel is gone: RabbitMQ redelivers it, and the order id makes that harmless.
        }
      },
    });
  }

  async close(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }
}
