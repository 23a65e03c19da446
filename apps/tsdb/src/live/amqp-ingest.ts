import { firstConnection, managedAmqp } from '@qautlra/platform';
import type { Row, TsdbEngine } from '@qautlra/tsdb';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';

export interface AmqpIngestOptions {
  url: string;
  queue: string;
  /** Stream for messages without an `x-p-stream` header. */
  stream: string;
  prefetch?: number;
}

export interface AmqpIngestStatus {
  queue: string;
  state: 'connecting' | 'consuming' | 'disconnected';
  detail?: string;
  messages: number;
  rows: number;
  rejected: number;
}

/**
 * Queued ingest from RabbitMQ: each message is a JSON object or array of events for the stream
 * named by its `x-p-stream` header (else the default stream). A message is acknowledged only after
 * its rows are committed (at-least-once); a malformed or conflicting message is rejected without
 * requeue (to the queue's dead-letter exchange if it has one), so it cannot block the queue.
 * amqp-connection-manager re-establishes the connection and the consumer when it drops.
 */
export class AmqpIngest {
  private connection?: AmqpConnectionManager;
  private channel?: ChannelWrapper;
  /** Counts channels: a message is acked on the channel that delivered it, never a later one. */
  private generation = 0;
  readonly status: AmqpIngestStatus;

  constructor(
    private readonly engine: TsdbEngine,
    private readonly options: AmqpIngestOptions,
  ) {
    this.status = { queue: options.queue, state: 'connecting', messages: 0, rows: 0, rejected: 0 };
  }

  async start(): Promise<void> {
    const connection = managedAmqp(this.options.url, `qautlra-tsdb ${this.options.queue}`);
    connection.on('disconnect', ({ err }: { err: Error }) => {
      this.status.state = 'disconnected';
      this.status.detail = `${err.message}; reconnecting`;
    });
    connection.on('connectFailed', ({ err }: { err: Error }) => {
      this.status.state = 'disconnected';
      this.status.detail = `${err.message}; reconnecting`;
    });
    this.connection = connection;
    this.channel = connection.createChannel({
      confirm: false,
      setup: async (channel: Channel) => {
        const generation = ++this.generation;
        await channel.assertQueue(this.options.queue, { durable: true });
        await channel.prefetch(this.options.prefetch ?? 64);
        await channel.consume(
          this.options.queue,
          (message) => void this.handle(channel, generation, message),
        );
        this.status.state = 'consuming';
        this.status.detail = undefined;
      },
    });
    await firstConnection(this.channel);
  }

  async stop(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  private async handle(
    channel: Channel,
    generation: number,
    message: ConsumeMessage | null,
  ): Promise<void> {
    if (!message) return; // consumer cancelled by the server
    const header = message.properties.headers?.['x-p-stream'] as unknown;
    const stream = typeof header === 'string' && header ? header : this.options.stream;
    let events: Row[];
    try {
      const body = JSON.parse(message.content.toString('utf8')) as unknown;
      events = Array.isArray(body) ? (body as Row[]) : [body as Row];
      const rows = await this.engine.ingestCreating(stream, events);
      this.settle(generation, () => channel.ack(message));
      this.status.messages += 1;
      this.status.rows += rows;
    } catch (error) {
      this.status.rejected += 1;
      this.status.detail = `rejected a message: ${(error as Error).message}`;
      this.settle(generation, () => channel.nack(message, false, false));
    }
  }

  /** Acks or rejects on the delivering channel; on one closed meanwhile the broker redelivers. */
  private settle(generation: number, answer: () => void): void {
    if (generation !== this.generation) return;
    try {
      answer();
    } catch {
      // The channel closed: the message comes back on the next one (at-least-once).
    }
  }
}
