import { MDSnapshot, parseSnapshot } from '@qautlra/qamd';
import {
  InstrumentInfo,
  instrumentInfoOf,
  MarketSource,
  SourceEvents,
  SourceState,
} from './market-source';

export interface ReplaySourceOptions {
  /** Base URL of the time-series DB (`http://127.0.0.1:18000`). */
  url: string;
  stream: string;
  username: string;
  password: string;
  /** RFC 3339 bounds on the ticks' `datetime` (inclusive start, exclusive end). */
  start?: string;
  end?: string;
  /** ×N real time; 0 = as fast as possible. */
  speed: number;
  /** Rows fetched per query. */
  pageSize?: number;
  /**
   * Start playback with the first subscription (default); false: wait for {@link ReplaySource.begin}
   * (`POST /api/replay/start`), so that every client can subscribe first.
   */
  autostart?: boolean;
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const identifier = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * Replays a stored tick stream of the time-series DB through the gateway: ticks in `datetime`
 * order, paced at ×`speed` (0 = as fast as possible), original timestamps kept, so a recorded day
 * can drive the platform and backtests. Reads pages over the DB's SQL API; the universe is the
 * stream's instruments.
 */
export class ReplaySource implements MarketSource {
  readonly name = 'replay';
  private readonly universe = new Map<string, InstrumentInfo>();
  private readonly subscribed = new Set<string>();
  private events?: SourceEvents;
  private stopped = false;
  private running?: Promise<void>;
  private loading: Promise<void> = Promise.resolve();
  /** Ticks emitted so far. */
  played = 0;
  /** Whether playback may start (at once with `autostart`, else after `begin()`). */
  private released: boolean;

  constructor(private readonly options: ReplaySourceOptions) {
    this.released = options.autostart ?? true;
  }

  /** Whether playback has begun. */
  get playing(): boolean {
    return this.running !== undefined;
  }

  /** Releases playback (it starts now, or with the first subscription). */
  begin(): void {
    this.released = true;
    this.maybePlay();
  }

  serves(instrumentId: string): boolean {
    return this.universe.has(instrumentId);
  }

  instruments(): InstrumentInfo[] {
    return [...this.universe.values()];
  }

  start(events: SourceEvents): void {
    this.events = events;
    this.report('connecting', `${this.options.url} stream ${this.options.stream}`);
    this.loading = this.loadUniverse().catch((error: unknown) =>
      this.report('disconnected', `replay failed: ${(error as Error).message}`),
    );
  }

  /** Playback starts with the first subscription, so its subscriber sees the whole day. */
  subscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) this.subscribed.add(id);
    this.maybePlay();
  }

  private maybePlay(): void {
    if (!this.running && this.released && this.subscribed.size > 0)
      this.running = this.loading
        .then(() => this.play())
        .catch((error: unknown) =>
          this.report('disconnected', `replay failed: ${(error as Error).message}`),
        );
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) this.subscribed.delete(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loading;
    await this.running;
  }

  private async sql(query: string): Promise<Record<string, unknown>[]> {
    const response = await fetch(`${this.options.url}/api/v1/query`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${this.options.username}:${this.options.password}`).toString('base64')}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`query failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>[];
  }

  private where(): string {
    const conditions = ['instrument_id IS NOT NULL', 'datetime IS NOT NULL'];
    if (this.options.start) conditions.push(`datetime >= ${literal(this.options.start)}`);
    if (this.options.end) conditions.push(`datetime < ${literal(this.options.end)}`);
    return conditions.join(' AND ');
  }

  private async loadUniverse(): Promise<void> {
    const from = identifier(this.options.stream);
    const instruments = await this.sql(
      `SELECT instrument_id, max(upper_limit) AS upper, min(lower_limit) AS lower FROM ${from} WHERE ${this.where()} GROUP BY 1 ORDER BY 1`,
    );
    for (const row of instruments) {
      const id = String(row.instrument_id);
      this.universe.set(id, instrumentInfoOf(id, Number(row.upper ?? 0), Number(row.lower ?? 0)));
    }
    this.report(
      'connected',
      `ready: ${this.universe.size} instruments; playback at ${this.options.speed || 'max'}× starts ${this.released ? 'with the first subscription' : 'on POST /api/replay/start'}`,
    );
  }

  private async play(): Promise<void> {
    const from = identifier(this.options.stream);
    this.report('connected', `replaying at ${this.options.speed || 'max'}×`);
    const pageSize = this.options.pageSize ?? 10_000;
    let firstTickMs: number | undefined;
    const wallStart = Date.now();
    for (let offset = 0; !this.stopped; offset += pageSize) {
      const page = await this.sql(
        `SELECT * EXCLUDE (p_timestamp, p_date) FROM ${from} WHERE ${this.where()} ORDER BY datetime, p_timestamp LIMIT ${pageSize} OFFSET ${offset}`,
      );
      for (const row of page) {
        if (this.stopped) return;
        let snapshot: MDSnapshot;
        try {
          snapshot = parseSnapshot(row);
        } catch {
          continue; // a row that is not a full tick
        }
        const tickMs = Date.parse(snapshot.datetime);
        firstTickMs ??= tickMs;
        if (this.options.speed > 0) {
          const due = wallStart + (tickMs - firstTickMs) / this.options.speed;
          const wait = due - Date.now();
          if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        this.played += 1;
        if (this.subscribed.has(snapshot.instrument_id)) this.events?.snapshot(snapshot);
      }
      if (page.length < pageSize) break;
      if (this.options.speed === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.stopped) this.report('disconnected', `finished: ${this.played} ticks replayed`);
  }

  private report(state: SourceState, detail: string): void {
    this.events?.state(this.name, state, detail);
  }
}
