import { BarBuilder } from '@qautlra/backtest';
import type { JsonObject } from '@qautlra/diff';
import type { BarFrequency, MarketBar, MarketTick } from '@qautlra/execution';
import type { Indicator, IndicatorSpec, IndicatorValue } from '@qautlra/indicators';
import type { BarInput } from '@qautlra/indicators';

/** One bar of a factor room, as pushed. */
interface BarEntry {
  startMs: number;
  endMs: number;
  tradingDay: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  value: IndicatorValue | undefined;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM-DD HH:MM:SS` on the Beijing clock. */
function beijingText(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** A value for JSON: NaN (not warmed up yet) is left out, never sent as null (a merge patch deletes). */
function wireValue(value: IndicatorValue | undefined): number | JsonObject | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const out: JsonObject = {};
  for (const [key, part] of Object.entries(value))
    if (typeof part === 'number' && Number.isFinite(part)) out[key] = part;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The first number of a value (an object-valued indicator ranks by its first field). */
export function scalarOf(value: IndicatorValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  const first: unknown = typeof value === 'number' ? value : Object.values(value)[0];
  return typeof first === 'number' && Number.isFinite(first) ? first : undefined;
}

/**
 * Bars of one instrument at one frequency built from live ticks (the backtests' `BarBuilder`), with
 * an indicator of `libs/indicators` kept on them: `update` when a bar begins, `replace` on every
 * later tick of the forming bar — so each value equals the indicator's batch form over the same bars
 * (the forming bar counted as it stands). The last `maxBars` bars are kept, keyed by a running id
 * as DIFF keys chart bars (`data.<id>`, `last_id`).
 */
export class FactorSeries {
  private readonly builder: BarBuilder;
  private readonly indicator?: Indicator<BarInput, IndicatorValue>;
  private readonly entries: BarEntry[] = [];
  /** Id of `entries[0]`. */
  private firstId = 0;
  private formingStart?: number;
  private readonly changed = new Set<number>();
  private readonly removed: number[] = [];
  /** Set once history is in: ticks before that are held. */
  ready = false;
  warmup = 'pending';
  private readonly held: MarketTick[] = [];

  constructor(
    readonly instrument: string,
    readonly frequency: BarFrequency,
    readonly spec: IndicatorSpec | undefined,
    private readonly maxBars: number,
  ) {
    this.builder = new BarBuilder(frequency);
    this.indicator = spec?.make();
  }

  /** Finished bars of history, oldest first; then the ticks held meanwhile are taken. */
  warm(bars: readonly MarketBar[], note: string): void {
    for (const bar of bars) {
      if (this.entries.length > 0 && bar.startMs <= this.entries.at(-1)!.startMs) continue;
      this.append(bar, this.indicator?.update(bar));
    }
    this.ready = true;
    this.warmup = note;
    for (const tick of this.held.splice(0)) this.push(tick);
  }

  /** A live tick; true when the room changed. */
  push(tick: MarketTick): boolean {
    if (tick.instrument !== this.instrument) return false;
    if (!this.ready) {
      // Bounded: a warm-up that takes long keeps the latest ticks only.
      if (this.held.length >= 10_000) this.held.shift();
      this.held.push(tick);
      return false;
    }
    const last = this.entries.at(-1);
    // A tick of a period the history already holds whole (it came while warming up).
    if (this.formingStart === undefined && last && tick.datetimeMs < last.endMs) return false;
    this.builder.push(tick);
    const bar = this.builder.current(this.instrument);
    if (!bar) return false;
    if (this.formingStart !== bar.startMs) {
      // A new bar: the one before it is final as last replaced.
      this.formingStart = bar.startMs;
      this.append(bar, this.indicator?.update(bar));
      return true;
    }
    const entry = this.entries.at(-1)!;
    entry.value = this.indicator?.replace(bar);
    Object.assign(entry, this.fields(bar));
    this.changed.add(this.firstId + this.entries.length - 1);
    return true;
  }

  /** The latest value (the forming bar's). */
  value(): IndicatorValue | undefined {
    return this.entries.at(-1)?.value;
  }

  /** The bars' closes and values in order (tests compare them with the batch form). */
  bars(): readonly Readonly<BarEntry>[] {
    return this.entries;
  }

  state(): JsonObject {
    const data: JsonObject = {};
    this.entries.forEach((entry, i) => (data[String(this.firstId + i)] = this.wire(entry)));
    this.changed.clear();
    this.removed.length = 0;
    return {
      instrument: this.instrument,
      frequency: this.frequency,
      indicator: this.spec?.label ?? '*',
      warmup: this.warmup,
      last_id: this.firstId + this.entries.length - 1,
      ...(wireValue(this.value()) !== undefined ? { value: wireValue(this.value()) } : {}),
      data,
    };
  }

  /** What changed since the last patch or state, as a merge patch of `state()`. */
  takePatch(): JsonObject | undefined {
    if (this.changed.size === 0 && this.removed.length === 0) return undefined;
    const data: JsonObject = {};
    for (const id of this.removed) data[String(id)] = null;
    for (const id of this.changed) {
      const entry = this.entries[id - this.firstId];
      if (entry) data[String(id)] = this.wire(entry);
    }
    this.changed.clear();
    this.removed.length = 0;
    const value = wireValue(this.value());
    return {
      last_id: this.firstId + this.entries.length - 1,
      warmup: this.warmup,
      ...(value !== undefined ? { value } : {}),
      data,
    };
  }

  private append(bar: MarketBar, value: IndicatorValue | undefined): void {
    this.entries.push({ ...this.fields(bar), value });
    this.changed.add(this.firstId + this.entries.length - 1);
    while (this.entries.length > this.maxBars) {
      this.entries.shift();
      this.changed.delete(this.firstId);
      this.removed.push(this.firstId);
      this.firstId += 1;
    }
  }

  private fields(bar: MarketBar): Omit<BarEntry, 'value'> {
    return {
      startMs: bar.startMs,
      endMs: bar.endMs,
      tradingDay: bar.tradingDay,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
    };
  }

  private wire(entry: BarEntry): JsonObject {
    const value = wireValue(entry.value);
    return {
      datetime: beijingText(entry.startMs),
      trading_day: entry.tradingDay,
      open: entry.open,
      high: entry.high,
      low: entry.low,
      close: entry.close,
      volume: entry.volume,
      ...(value !== undefined ? { value } : {}),
    };
  }
}
