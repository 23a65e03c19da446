import { backoffDelay, connectAmqp } from '@qautlra/platform';
import type { Row, TsdbEngine } from '@qautlra/tsdb';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';

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
 * The connection is re-established with back-off (cap 30 s) when it drops.
 */
export class AmqpIngest {
  private model?: ChannelModel;
  private channel?: Channel;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private failures = 0;
  readonly status: AmqpIngestStatus;

  constructor(
    private readonly engine: TsdbEngine,
    private readonly options: AmqpIngestOptions,
  ) {
    this.status = { queue: options.queue, state: 'connecting', messages: 0, rows: 0, rejected: 0 };
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.model?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      const model = await connectAmqp(this.options.url, 1);
      const channel = await model.createChannel();
      await channel.assertQueue(this.options.queue, { durable: true });
      await channel.prefetch(this.options.prefetch ?? 64);
      model.on('error', () => undefined);
      model.on('close', () => this.reconnect('connection closed'));
      await channel.consume(this.options.queue, (message) => void this.handle(channel, message));
      this.model = model;
      this.channel = channel;
      this.failures = 0;
      this.status.state = 'consuming';
      this.status.detail = undefined;
    } catch (error) {
      this.reconnect((error as Error).message);
    }
  }

  private reconnect(reason: string): void {
    if (this.stopped) return;
    this.model = undefined;
    this.channel = undefined;
    this.failures += 1;
    const delay = backoffDelay(this.failures);
    this.status.state = 'disconnected';
    this.status.detail = `${reason}; reconnecting in ${delay} ms`;
    this.retry = setTimeout(() => void this.connect(), delay);
    this.retry.unref();
  }

  private async handle(channel: Channel, message: ConsumeMessage | null): Promise<void> {
    if (!message) return; // consumer cancelled by the server
    const header = message.properties.headers?.['x-p-stream'] as unknown;
    const stream = typeof header === 'string' && header ? header : this.options.stream;
    let events: Row[];
    try {
      const body = JSON.parse(message.content.toString('utf8')) as unknown;
      events = Array.isArray(body) ? (body as Row[]) : [body as Row];
      const rows = await this.engine.ingestCreating(stream, events);
      channel.ack(message);
      this.status.messages += 1;
      this.status.rows += rows;
    } catch (error) {
      this.status.rejected += 1;
      this.status.detail = `rejected a message: ${(error as Error).message}`;
      channel.nack(message, false, false);
    }
  }
}
