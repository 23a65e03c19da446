import { CHINA_TRADE_CALENDAR, toCompactDate, toIsoDate } from '@qautlra/calendar';
import { MarketEvent, simBars, simTicks } from '@qautlra/backtest';
import { BAR_FREQUENCIES, BarFrequency, MarketBar } from '@qautlra/execution';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

/** Where a run's market data comes from. */
export type SourceKind = 'sim' | 'csv';

export interface SourceRequest {
  source: SourceKind;
  instruments: string[];
  /** Trading days, inclusive (`YYYY-MM-DD` or `YYYYMMDD`). */
  from: string;
  to: string;
  /** A bar frequency, or `tick` (sim only). */
  frequency: BarFrequency | 'tick';
  /** Sim: the generator's seed. */
  seed?: number;
  /** CSV: the file. */
  file?: string;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** The trading days a request covers (for progress), or throws a SourceError naming the problem. */
export function tradingDaysOf(request: Pick<SourceRequest, 'from' | 'to'>): string[] {
  let from: string;
  let to: string;
  try {
    from = toIsoDate(request.from);
    to = toIsoDate(request.to);
  } catch {
    throw new SourceError(
      `from/to must be dates (YYYY-MM-DD), got ${request.from} / ${request.to}`,
    );
  }
  if (from > to) throw new SourceError(`from ${from} is after to ${to}`);
  try {
    return CHINA_TRADE_CALENDAR.tradeRange(from, to);
  } catch (error) {
    throw new SourceError((error as Error).message);
  }
}

/** The events of a run, in time order. */
export function marketEvents(request: SourceRequest): Iterable<MarketEvent> {
  if (request.instruments.length === 0) throw new SourceError('name at least one instrument');
  const frequency = request.frequency;
  if (frequency !== 'tick' && !BAR_FREQUENCIES.includes(frequency))
    throw new SourceError(`frequency must be tick or one of ${BAR_FREQUENCIES.join(', ')}`);
  tradingDaysOf(request);
  switch (request.source) {
    case 'sim':
      try {
        return frequency === 'tick'
          ? simTicks({ ...request, seed: request.seed })
          : simBars({ ...request, seed: request.seed, frequency });
      } catch (error) {
        throw new SourceError((error as Error).message);
      }
    case 'csv':
      if (frequency === 'tick') throw new SourceError('a CSV source holds bars, not ticks');
      if (!request.file) throw new SourceError('a CSV source needs a file');
      return csvBars(readFileSync(request.file, 'utf8'), request, frequency);
  }
}

/** Epoch ms of an ISO date or date-time; without a zone it is Beijing time. */
export function beijingInstant(text: string): number {
  if (/^\d{4}-?\d{2}-?\d{2}$/.test(text)) return Date.parse(`${toIsoDate(text)}T00:00:00+08:00`);
  const zoned = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text);
  return Date.parse(zoned ? text : `${text.replace(' ', 'T')}+08:00`);
}

/**
 * Bars from CSV text with a header: `datetime` (ISO 8601, the bar's start; a zone-less time is
 * Beijing time) or `date`, `open,high,low,close,volume`, and optionally `instrument`
 * (`EXCHANGE.code`; else the request's single instrument) and `trading_day`. Rows outside
 * from–to or of other instruments are left out; rows are put in time order.
 */
export function csvBars(
  text: string,
  request: Pick<SourceRequest, 'instruments' | 'from' | 'to'>,
  frequency: BarFrequency,
): MarketBar[] {
  const rows = parse<Record<string, string>>(text, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  });
  const from = toCompactDate(request.from);
  const to = toCompactDate(request.to);
  const wanted = new Set(request.instruments);
  const periodMs = {
    '1m': 60_000,
    '5m': 300_000,
    '15m': 900_000,
    '30m': 1_800_000,
    '1h': 3_600_000,
    '1d': 86_400_000,
  }[frequency];
  const bars: MarketBar[] = [];
  rows.forEach((row, index) => {
    const line = index + 2;
    const instrument =
      row.instrument ?? (request.instruments.length === 1 ? request.instruments[0]! : '');
    if (!instrument)
      throw new SourceError(`row ${line}: no instrument column and several instruments asked`);
    if (!wanted.has(instrument)) return;
    const when = row.datetime ?? row.date;
    if (!when) throw new SourceError(`row ${line}: no datetime or date`);
    const startMs = beijingInstant(when);
    if (!Number.isFinite(startMs)) throw new SourceError(`row ${line}: bad datetime ${when}`);
    const tradingDay = toCompactDate(row.trading_day ?? when.slice(0, 10));
    if (tradingDay < from || tradingDay > to) return;
    const number = (name: string) => {
      const value = Number(row[name]);
      if (row[name] === undefined || row[name] === '' || !Number.isFinite(value))
        throw new SourceError(
          `row ${line}: ${name} must be a number, got ${row[name] ?? 'nothing'}`,
        );
      return value;
    };
    bars.push({
      instrument,
      frequency,
      startMs,
      endMs: startMs + periodMs,
      tradingDay,
      open: number('open'),
      high: number('high'),
      low: number('low'),
      close: number('close'),
      volume: number('volume'),
    });
  });
  return bars.sort((a, b) => a.endMs - b.endMs || a.instrument.localeCompare(b.instrument));
}
