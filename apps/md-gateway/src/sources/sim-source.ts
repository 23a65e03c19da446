import { isSessionOpen } from '@qautlra/calendar';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InstrumentInfo, MarketSource, SourceEvents } from './market-source';
import { MAX_LOTS_PER_TICK, SimCheckpoint, SimMarket } from '@qautlra/sim';

export interface SimSourceOptions {
  /** Ticks per second per subscribed instrument (CTP sends 2). */
  ticksPerSecond: number;
  /** Tick outside trading sessions too (`--always-open`); otherwise quiet when the market is closed. */
  alwaysOpen?: boolean;
  /** Wall clock, injectable for tests. */
  now?: () => number;
  /**
   * Where the market's state is kept (`MD_SIM_STATE_FILE`): saved every `checkpointIntervalMs`
   * and at stop, and resumed from at start, so a restart goes on from the last prices and
   * cumulative volumes instead of the seed's. Absent: no persistence.
   */
  stateFile?: string;
  checkpointIntervalMs?: number;
  /** Told of a state file that could not be read (it is moved aside, never fatal). */
  onStateProblem?: (message: string) => void;
}

/**
 * Writes the sim's state file atomically (a temporary file renamed over it). `clean` says the
 * market stopped there (nothing was published after it), so a resume needs no volume gap.
 */
export function writeSimState(file: string, checkpoint: SimCheckpoint, clean: boolean): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify({ ...checkpoint, clean }));
  renameSync(temporary, file);
}

/** The `sim` source: the seeded market, ticking every subscribed instrument at a fixed rate. */
export class SimSource implements MarketSource {
  readonly name = 'sim';
  private readonly subscribed = new Set<string>();
  /** Subscribed ids in universe order: the order ticks come in, unrelated to who subscribed when. */
  private order: string[] = [];
  private timer?: NodeJS.Timeout;
  private checkpointTimer?: NodeJS.Timeout;
  private events?: SourceEvents;
  private readonly sessionKey = new Map<string, { exchange: string; product: string }>();
  /** Round-robin position and fractional tick budget of the spread-out emission. */
  private cursor = 0;
  private budget = 0;
  private lastEmit = 0;

  constructor(
    private readonly market: SimMarket,
    private readonly options: SimSourceOptions,
  ) {
    for (const info of market.info())
      this.sessionKey.set(info.id, { exchange: info.exchange, product: info.product });
  }

  /** Whether the instrument's market is open at `nowMs` (always, with `alwaysOpen`). */
  isOpen(id: string, nowMs: number): boolean {
    if (this.options.alwaysOpen) return true;
    const key = this.sessionKey.get(id);
    return key ? isSessionOpen(key.exchange, key.product, nowMs) : false;
  }

  serves(instrumentId: string): boolean {
    return this.market.has(instrumentId);
  }

  instruments(): InstrumentInfo[] {
    return this.market.info();
  }

  start(events: SourceEvents): void {
    this.events = events;
    this.resume();
    if (this.options.stateFile) {
      this.checkpointTimer = setInterval(
        () => this.save(false),
        this.options.checkpointIntervalMs ?? 1_000,
      );
      this.checkpointTimer.unref();
    }
    events.state(this.name, 'connected');
    // Ticks are spread evenly over time (a slice of the instruments every few ms), as a real feed
    // delivers them, rather than one burst of every instrument per period.
    const intervalMs = Math.min(Math.max(1, Math.round(1000 / this.options.ticksPerSecond)), 10);
    this.lastEmit = this.now();
    this.timer = setInterval(() => this.emit(), intervalMs);
    this.timer.unref();
  }

  subscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) {
      if (!this.market.has(id) || this.subscribed.has(id)) continue;
      this.subscribed.add(id);
      // A new subscription gets its current snapshot at once, as CTP does.
      const snapshot = this.market.tick(id, this.now());
      if (snapshot) this.events?.snapshot(snapshot);
    }
    this.reorder();
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) this.subscribed.delete(id);
    this.reorder();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    this.save(true);
    this.events?.state(this.name, 'disconnected', 'stopped');
    return Promise.resolve();
  }

  private emit(): void {
    const now = this.now();
    const ids = this.order;
    if (ids.length === 0) {
      this.lastEmit = now;
      return;
    }
    // ticksPerSecond per instrument, in round-robin slices sized by the time since the last call.
    this.budget +=
      (ids.length * this.options.ticksPerSecond * Math.max(0, now - this.lastEmit)) / 1000;
    this.lastEmit = now;
    const count = Math.min(Math.floor(this.budget), ids.length * 2);
    this.budget = Math.min(this.budget - count, ids.length);
    for (let i = 0; i < count; i += 1) {
      const id = ids[(this.cursor + i) % ids.length] as string;
      if (!this.isOpen(id, now)) continue;
      const snapshot = this.market.tick(id, now);
      if (snapshot) this.events?.snapshot(snapshot);
    }
    this.cursor = (this.cursor + count) % ids.length;
  }

  /** Resumes from the state file; after an unclean stop, with a volume gap (see `SimMarket.restore`). */
  private resume(): void {
    const file = this.options.stateFile;
    if (!file || !existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as SimCheckpoint & { clean?: boolean };
      if (typeof saved !== 'object' || saved === null || typeof saved.states !== 'object')
        throw new Error('not a sim checkpoint');
      const interval = (this.options.checkpointIntervalMs ?? 1_000) / 1000;
      const gap = saved.clean
        ? 0
        : Math.ceil(MAX_LOTS_PER_TICK * this.options.ticksPerSecond * (interval + 1) * 2);
      this.market.restore(saved, gap);
    } catch (error) {
      const aside = `${file}.corrupt-${Date.now()}`;
      let moved = `moved to ${aside}`;
      try {
        renameSync(file, aside);
      } catch (renameError) {
        moved = `could not be moved aside (${(renameError as Error).message})`;
      }
      this.options.onStateProblem?.(
        `sim state ${file} unreadable (${(error as Error).message}); ${moved}, starting from the seed`,
      );
    }
  }

  private save(clean: boolean): void {
    const file = this.options.stateFile;
    if (!file) return;
    try {
      writeSimState(file, this.market.checkpoint(this.now()), clean);
    } catch (error) {
      this.options.onStateProblem?.(`sim state not saved: ${(error as Error).message}`);
    }
  }

  private reorder(): void {
    this.order = this.market.universe
      .map((instrument) => instrument.id)
      .filter((id) => this.subscribed.has(id));
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
