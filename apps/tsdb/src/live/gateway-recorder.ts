import { backoffDelay, httpUrlOf } from '@qautlra/platform';
import { rtnDataQuotesOfText } from '@qautlra/diff';
import { snapshotRow } from '@qautlra/qamd';
import type { Row, TsdbEngine } from '@qautlra/tsdb';
import WebSocket from 'ws';

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
 * Records a gateway's quotes into a stream (`QADB_WS_CLIENT_*`): one `/ws/market` connection,
 * `subscribe_quote` with the instruments, every `rtn_data` patch merged into the instrument's
 * state and written as a full tick row (not the partial diff). Reconnects with back-off (cap
 * 30 s) and resubscribes; the gateway then sends full snapshots again.
 */
export class GatewayRecorder {
  private socket?: WebSocket;
  private readonly state = new Map<string, Record<string, unknown>>();
  private pending: Row[] = [];
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  private writing: Promise<void> = Promise.resolve();
  private instruments: string[] = [];
  readonly status: RecorderStatus;

  constructor(
    private readonly engine: TsdbEngine,
    private readonly options: RecorderOptions,
  ) {
    this.status = {
      url: options.url,
      stream: options.stream,
      state: 'connecting',
      instruments: 0,
      updates_received: 0,
      rows_written: 0,
    };
  }

  async start(): Promise<void> {
    if (!this.engine.listStreams().includes(this.options.stream)) {
      await this.engine.createStream(this.options.stream, { partitionBy: 'instrument_id' });
    }
    this.timer = setInterval(() => void this.write(), this.options.batchMs ?? 200);
    this.timer.unref();
    this.connect();
  }

  /** Writes what is buffered and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retry) clearTimeout(this.retry);
    this.socket?.terminate();
    await this.write();
  }

  /** Resolves when every update received so far is written. */
  async drain(): Promise<void> {
    await this.write();
  }

  private async resolveInstruments(): Promise<string[]> {
    if (this.options.instruments.length > 0) return this.options.instruments;
    const response = await fetch(httpUrlOf(this.options.url, '/api/instruments'), {
      signal: AbortSignal.timeout(5_000),
    });
    const list = (await response.json()) as { id: string }[];
    return list.map((info) => info.id);
  }

  private connect(): void {
    if (this.stopped) return;
    this.status.state = 'connecting';
    const socket = new WebSocket(this.options.url, { maxPayload: 64 * 1024 * 1024 });
    this.socket = socket;
    socket.on('open', () => {
      void this.resolveInstruments()
        .then((instruments) => {
          this.instruments = instruments;
          this.status.instruments = instruments.length;
          this.failures = 0;
          this.status.state = 'connected';
          this.status.detail = undefined;
          socket.send(JSON.stringify({ aid: 'subscribe_quote', ins_list: instruments.join(',') }));
        })
        .catch((error: unknown) => {
          this.status.detail = `instrument list: ${(error as Error).message}`;
          socket.terminate();
        });
    });
    socket.on('message', (data) => this.receive((data as Buffer).toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.failures += 1;
      const delay = backoffDelay(this.failures, this.options.backoffBaseMs);
      this.status.state = 'disconnected';
      this.status.detail = `reconnecting in ${delay} ms`;
      this.retry = setTimeout(() => this.connect(), delay);
      this.retry.unref();
    });
  }

  private receive(text: string): void {
    for (const [id, patch] of rtnDataQuotesOfText(text)) {
      const merged = { ...this.state.get(id), ...patch };
      this.state.set(id, merged);
      this.status.updates_received += 1;
      this.pending.push(snapshotRow(merged));
    }
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
