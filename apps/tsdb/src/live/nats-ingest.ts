import { Row, TsdbEngine, TsdbError } from '@qautlra/tsdb';
import {
  AckPolicy,
  connect,
  type ConsumerMessages,
  Events,
  type JsMsg,
  type NatsConnection,
} from 'nats';

export interface NatsIngestOptions {
  servers: string;
  /** JetStream stream holding the ingest subjects (created if missing). */
  jetStream: string;
  /** Subject prefix: `<prefix>.<tsdb stream>` (default `qadb.ingest`). */
  subjectPrefix: string;
  durable: string;
}

export interface NatsIngestStatus {
  jet_stream: string;
  state: 'connecting' | 'consuming' | 'disconnected';
  detail?: string;
  messages: number;
  rows: number;
  rejected: number;
}

/**
 * Queued ingest from NATS JetStream: a message on `<prefix>.<stream>` carries a JSON object or an
 * array of events for that tsdb stream. A durable consumer with explicit acks: acknowledged after
 * the rows are committed (at-least-once across restarts); a malformed or conflicting message is
 * terminated (not redelivered) so it cannot block the stream. The client reconnects by itself.
 */
export class NatsIngest {
  private connection?: NatsConnection;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  readonly status: NatsIngestStatus;

  constructor(
    private readonly engine: TsdbEngine,
    private readonly options: NatsIngestOptions,
  ) {
    this.status = {
      jet_stream: options.jetStream,
      state: 'connecting',
      messages: 0,
      rows: 0,
      rejected: 0,
    };
  }

  async start(): Promise<void> {
    const connection = await connect({
      servers: this.options.servers,
      name: 'qadb-ingest',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    this.connection = connection;
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === Events.Disconnect) this.status.state = 'disconnected';
        if (status.type === Events.Reconnect) this.status.state = 'consuming';
      }
    })();
    const manager = await connection.jetstreamManager();
    const subjects = [`${this.options.subjectPrefix}.>`];
    try {
      await manager.streams.info(this.options.jetStream);
    } catch {
      await manager.streams.add({ name: this.options.jetStream, subjects });
    }
    await manager.consumers.add(this.options.jetStream, {
      durable_name: this.options.durable,
      ack_policy: AckPolicy.Explicit,
      filter_subject: subjects[0],
    });
    const consumer = await connection
      .jetstream()
      .consumers.get(this.options.jetStream, this.options.durable);
    this.messages = await consumer.consume({ max_messages: 64 });
    this.status.state = 'consuming';
    this.loop = (async () => {
      for await (const message of this.messages as ConsumerMessages) await this.handle(message);
    })();
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => undefined);
    await this.connection?.drain().catch(() => undefined);
  }

  private async handle(message: JsMsg): Promise<void> {
    const stream = message.subject.slice(this.options.subjectPrefix.length + 1);
    try {
      if (!stream || stream.includes('.'))
        throw new TsdbError('TSDB_INVALID_STREAM', `subject ${message.subject} names no stream`);
      const body = JSON.parse(message.string()) as unknown;
      const events = Array.isArray(body) ? (body as Row[]) : [body as Row];
      const rows = await this.engine.ingestCreating(stream, events);
      message.ack();
      this.status.messages += 1;
      this.status.rows += rows;
    } catch (error) {
      this.status.rejected += 1;
      this.status.detail = `rejected a message: ${(error as Error).message}`;
      message.term();
    }
  }
}
