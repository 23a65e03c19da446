import { Logger } from '@nestjs/common';
import { tickOfRow } from '@qautlra/backtest';
import { MarketDataClient, tsdbBarHistory } from '@qautlra/clients';
import type { JsonObject } from '@qautlra/diff';
import type { BarFrequency, MarketBar } from '@qautlra/execution';
import type { IndicatorSpec } from '@qautlra/indicators';
import type { RealtimeConfig } from '../config';
import type { RoomComputer } from '../leader';
import { parseRoom, Room } from '../rooms/room-name';
import type { RoomPublisher } from '../rooms/room-publisher';
import { FactorSeries, scalarOf } from './factor-series';

/** Where a factor room's history comes from (the tsdb; tests give their own). */
export type HistorySource = (
  instrument: string,
  frequency: BarFrequency,
  count: number,
) => Promise<MarketBar[]>;

interface ComputedRoom {
  room: Extract<Room, { kind: 'FACTOR' | 'RANK' }>;
  series: FactorSeries[];
  /** Whether the room's state has been sent whole since it became ready. */
  announced: boolean;
}

const seriesKey = (instrument: string, frequency: BarFrequency, spec?: IndicatorSpec) =>
  `${instrument}|${frequency}|${spec?.label ?? '*'}`;

/**
 * The factor rooms some instance wants: bars built live from the gateway's ticks, an indicator of
 * `libs/indicators` on them (warmed from the tsdb's history at first subscription), pushed per bar
 * and per change at most every push interval. `RANK` rooms rank one indicator across instruments.
 * A series is shared by the rooms that need it and dropped with the last of them.
 */
export class FactorEngine implements RoomComputer {
  private readonly logger = new Logger('realtime-factors');
  private readonly rooms = new Map<string, ComputedRoom>();
  private readonly series = new Map<
    string,
    { series: FactorSeries; rooms: Set<string>; warmed: Promise<void> }
  >();
  private readonly byInstrument = new Map<string, Set<FactorSeries>>();
  private readonly dirty = new Set<FactorSeries>();
  private readonly market: MarketDataClient;
  private readonly timer: NodeJS.Timeout;
  private readonly history: HistorySource;

  constructor(
    private readonly config: RealtimeConfig,
    private readonly publisher: RoomPublisher,
    history?: HistorySource,
  ) {
    this.history =
      history ??
      ((instrument, frequency, count) => tsdbBarHistory(config.tsdb, instrument, frequency, count));
    this.market = new MarketDataClient(
      { url: config.marketUrl, idleTimeoutMs: 60_000 },
      {
        onQuote: (id, quote, patch) => {
          if (patch.last_price === undefined && patch.volume === undefined) return;
          const tick = tickOfRow({ ...quote, instrument_id: id });
          if (!tick) return;
          for (const series of this.byInstrument.get(id) ?? [])
            if (series.push(tick)) this.dirty.add(series);
        },
      },
    );
    this.market.start();
    this.timer = setInterval(() => this.flush(), config.pushIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.market.stop();
    this.rooms.clear();
    this.series.clear();
    this.byInstrument.clear();
  }

  /** The series of a room (tests read their bars and values). */
  seriesOf(room: string): readonly FactorSeries[] {
    return this.rooms.get(room)?.series ?? [];
  }

  wanted(name: string, wanted: boolean): void {
    if (!wanted) return this.drop(name);
    if (this.rooms.has(name)) return;
    const room = parseRoom(name);
    if (room.kind !== 'FACTOR' && room.kind !== 'RANK') return;
    const instruments = room.kind === 'FACTOR' ? [room.instrument] : room.instruments;
    const spec = room.indicator;
    const entries = instruments.map((instrument) =>
      this.seriesFor(instrument, room.frequency, spec, name),
    );
    this.rooms.set(name, { room, series: entries.map((entry) => entry.series), announced: false });
    void Promise.all(entries.map((entry) => entry.warmed)).then(() => {
      const computed = this.rooms.get(name);
      if (!computed) return;
      computed.announced = true;
      this.publisher.reset(name);
    });
  }

  stateOf(name: string): JsonObject | undefined {
    const computed = this.rooms.get(name);
    if (!computed || !computed.series.every((series) => series.ready)) return undefined;
    if (computed.room.kind === 'FACTOR') return computed.series[0]!.state();
    return this.rankState(computed);
  }

  private seriesFor(
    instrument: string,
    frequency: BarFrequency,
    spec: IndicatorSpec | undefined,
    room: string,
  ): { series: FactorSeries; warmed: Promise<void> } {
    const key = seriesKey(instrument, frequency, spec);
    const known = this.series.get(key);
    if (known) {
      known.rooms.add(room);
      return known;
    }
    const series = new FactorSeries(instrument, frequency, spec, this.config.warmupBars);
    const entry = { series, rooms: new Set([room]), warmed: this.warm(series) };
    this.series.set(key, entry);
    let set = this.byInstrument.get(instrument);
    if (!set) this.byInstrument.set(instrument, (set = new Set()));
    set.add(series);
    this.market.subscribe([instrument]);
    return entry;
  }

  private async warm(series: FactorSeries): Promise<void> {
    let bars: MarketBar[] = [];
    let note = 'live only';
    try {
      bars = await this.history(series.instrument, series.frequency, this.config.warmupBars);
      note = `${bars.length} bars of history`;
    } catch (error) {
      note = `no history: ${(error as Error).message}`;
      this.logger.warn(`factor warm-up of ${series.instrument} ${series.frequency}: ${note}`);
    }
    series.warm(bars, note);
    this.dirty.add(series);
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    const touched = new Set<string>();
    const patches = new Map<FactorSeries, JsonObject | undefined>();
    for (const series of this.dirty) {
      for (const room of this.series.get(
        seriesKey(series.instrument, series.frequency, series.spec),
      )?.rooms ?? [])
        touched.add(room);
    }
    for (const name of touched) {
      const computed = this.rooms.get(name);
      if (!computed?.announced) continue;
      if (computed.room.kind === 'FACTOR') {
        const series = computed.series[0]!;
        if (!patches.has(series)) patches.set(series, series.takePatch());
        const patch = patches.get(series);
        if (patch) this.publisher.patch(name, patch);
      } else this.publisher.patch(name, this.rankState(computed));
    }
    // Series of RANK rooms only: their bar patches are not sent; clear what they noted.
    for (const series of this.dirty) if (!patches.has(series)) series.takePatch();
    this.dirty.clear();
  }

  private rankState(computed: ComputedRoom): JsonObject {
    const values: JsonObject = {};
    const ranked: { instrument: string; value: number }[] = [];
    for (const series of computed.series) {
      const value = scalarOf(series.value());
      if (value === undefined) continue;
      values[series.instrument] = value;
      ranked.push({ instrument: series.instrument, value });
    }
    ranked.sort((a, b) => b.value - a.value || a.instrument.localeCompare(b.instrument));
    return {
      frequency: computed.room.frequency,
      indicator: computed.room.indicator?.label ?? '*',
      values,
      ranking: ranked.map((entry, i) => ({ ...entry, rank: i + 1 })),
    };
  }

  private drop(name: string): void {
    const computed = this.rooms.get(name);
    if (!computed) return;
    this.rooms.delete(name);
    for (const series of computed.series) {
      const key = seriesKey(series.instrument, series.frequency, series.spec);
      const entry = this.series.get(key);
      if (!entry) continue;
      entry.rooms.delete(name);
      if (entry.rooms.size > 0) continue;
      this.series.delete(key);
      this.dirty.delete(series);
      const set = this.byInstrument.get(series.instrument);
      set?.delete(series);
      if (set?.size === 0) {
        this.byInstrument.delete(series.instrument);
        this.market.unsubscribe([series.instrument]);
      }
    }
  }
}
