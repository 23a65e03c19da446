import { MarketDataClient } from '@qautlra/clients';
import { snapshotRow } from '@qautlra/qamd';
import type { Row, TsdbEngine } from '@qautlra/tsdb';

export interface RecorderOptions {
  /** `ws://host:port/path` of the gateway's `/ws/market`. */
  url: string;
  stream: string;
  /** Instruments to record; empty = every instrument the gateway lists at `/api/instruments`. */
  instruments: string[];
  /** Rows are written in batches at least this often. */
  batchMs?: number;
  backoffBaseMs?: number;
}

export interface RecorderStatus {
  url: string;
  stream: string;
  state: 'connecting' | 'connected' | 'disconnected';
  detail?: string;
  instruments: number;
  updates_received: number;
  rows_written: number;
}

/**
 * Records a gateway's quotes into a stream (`QADB_WS_CLIENT_*`) through the platform's market-data
 * client: the configured instruments (or every one the gateway lists), each update's merged quote
 * written as a full tick row (not the partial diff). The client reconnects with back-off (cap
 * 30 s) and resubscribes; the gateway then sends full snapshots again.
 */
export class GatewayRecorder {
  private readonly client: MarketDataClient;
  private pending: Row[] = [];
  private timer?: NodeJS.Timeout;
  /** The instruments are known (configured, or the gateway's list loaded once). */
  private listed: boolean;
  private writing: Promise<void> = Promise.resolve();
  readonly status: RecorderStatus;

  constructor(
    private readonly engine: TsdbEngine,
    private readonly options: RecorderOptions,
  ) {
    this.listed = options.instruments.length > 0;
    this.status = {
      url: options.url,
      stream: options.stream,
      state: 'connecting',
      instruments: options.instruments.length,
      updates_received: 0,
      rows_written: 0,
    };
    this.client = new MarketDataClient(
      { url: options.url, instruments: !this.listed, backoffBaseMs: options.backoffBaseMs },
      {
        onState: (state, detail) => {
          // Connected means recording: with no list yet, it is still connecting.
          this.status.state = state === 'connected' && !this.listed ? 'connecting' : state;
          this.status.detail = state === 'connected' ? undefined : detail;
        },
        onInstruments: (instruments) => {
          this.listed = true;
          this.status.instruments = instruments.length;
          this.client.subscribe(instruments.map((instrument) => instrument.id));
          if (this.client.connected) this.status.state = 'connected';
        },
        onInstrumentsFailed: (error) => {
          if (this.listed) return;
          this.status.detail = `instrument list: ${error.message}`;
          this.client.reconnect();
        },
        onQuote: (_id, quote) => {
          this.status.updates_received += 1;
          this.pending.push(snapshotRow({ ...quote }));
        },
      },
    );
    this.client.subscribe(options.instruments);
  }

  async start(): Promise<void> {
    if (!this.engine.listStreams().includes(this.options.stream)) {
      await this.engine.createStream(this.options.stream, { partitionBy: 'instrument_id' });
    }
    this.timer = setInterval(() => void this.write(), this.options.batchMs ?? 200);
    this.timer.unref();
    this.client.start();
  }

  /** Writes what is buffered and stops. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.client.stop();
    await this.write();
  }

  /** Resolves when every update received so far is written. */
  async drain(): Promise<void> {
    await this.write();
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.pending.length === 0) return;
      const rows = this.pending;
      this.pending = [];
      try {
        this.status.rows_written += await this.engine.ingest(this.options.stream, rows);
      } catch (error) {
        // Keep the rows for the next attempt (e.g. the store is briefly busy).
        this.pending = rows.concat(this.pending);
        this.status.detail = `write failed: ${(error as Error).message}`;
      }
    });
    return this.writing;
  }
}
