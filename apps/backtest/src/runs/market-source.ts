import { CHINA_TRADE_CALENDAR, toCompactDate, toIsoDate } from '@qautlra/calendar';
import {
  barOfRow,
  beijingInstant,
  MarketEvent,
  simBars,
  simTicks,
  tickOfRow,
} from '@qautlra/backtest';
import { BAR_FREQUENCIES, BarFrequency, MarketBar } from '@qautlra/execution';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';

/** Where a run's market data comes from. */
export type SourceKind = 'sim' | 'csv' | 'parquet' | 'tsdb';

/** A time-series DB (apps/tsdb) and the tick stream its bars and ticks come from. */
export interface TsdbSource {
  url: string;
  user: string;
  password: string;
  stream: string;
}

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
  /** Sim: one tick per instrument this often while its market is open (default 500 ms ticks, 15 s bars). */
  stepMs?: number;
  /** CSV and Parquet: the file. */
  file?: string;
  /** tsdb: where. */
  tsdb?: TsdbSource;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

const BAR_PERIOD_MS: Record<BarFrequency, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

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

function checkRequest(request: SourceRequest): void {
  if (request.instruments.length === 0) throw new SourceError('name at least one instrument');
  const frequency = request.frequency;
  if (frequency !== 'tick' && !BAR_FREQUENCIES.includes(frequency))
    throw new SourceError(`frequency must be tick or one of ${BAR_FREQUENCIES.join(', ')}`);
  tradingDaysOf(request);
}

/** The events of a run, in time order (sim and CSV: at once; tsdb and Parquet: `loadMarketEvents`). */
export function marketEvents(request: SourceRequest): Iterable<MarketEvent> {
  checkRequest(request);
  const frequency = request.frequency;
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
    case 'parquet':
    case 'tsdb':
      throw new SourceError(`a ${request.source} source is read with loadMarketEvents`);
  }
}

/** The events of a run from any source, in time order. */
export async function loadMarketEvents(request: SourceRequest): Promise<Iterable<MarketEvent>> {
  checkRequest(request);
  if (request.source === 'tsdb') return tsdbEvents(request);
  if (request.source === 'parquet') {
    if (request.frequency === 'tick')
      throw new SourceError('a Parquet source holds bars, not ticks');
    if (!request.file) throw new SourceError('a Parquet source needs a file');
    return parquetBars(request.file, request, request.frequency);
  }
  return marketEvents(request);
}

export { beijingInstant };

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
  let rows: Record<string, string>[];
  try {
    rows = parse<Record<string, string>>(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    throw new SourceError(`the CSV does not parse: ${(error as Error).message}`);
  }
  return barsOfRows(rows, request, frequency);
}

/** Bars of table rows (CSV or Parquet), in time order; a bad row stops with its row number. */
function barsOfRows(
  rows: Record<string, string>[],
  request: Pick<SourceRequest, 'instruments' | 'from' | 'to'>,
  frequency: BarFrequency,
): MarketBar[] {
  const from = toCompactDate(request.from);
  const to = toCompactDate(request.to);
  const wanted = new Set(request.instruments);
  const periodMs = BAR_PERIOD_MS[frequency];
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

/**
 * Bars from a Parquet file with the CSV source's columns (`datetime` or `date`, `open`, `high`,
 * `low`, `close`, `volume`, optionally `instrument`, `trading_day`), read by DuckDB.
 */
export async function parquetBars(
  file: string,
  request: Pick<SourceRequest, 'instruments' | 'from' | 'to'>,
  frequency: BarFrequency,
): Promise<MarketBar[]> {
  if (!existsSync(file)) throw new SourceError(`${file}: no such file`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const path = file.replace(/'/g, "''");
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    return barsOfRows(
      rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            typeof value === 'string' || typeof value === 'number' ? String(value) : '',
          ]),
        ),
      ),
      request,
      frequency,
    );
  } catch (error) {
    if (error instanceof SourceError) throw error;
    throw new SourceError(`${file}: ${(error as Error).message}`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** GET/POST a tsdb route with its basic auth; the JSON answer, or a SourceError with the tsdb's. */
async function tsdbFetch(source: TsdbSource, path: string, body?: unknown): Promise<unknown> {
  const url = new URL(path, source.url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${source.user}:${source.password}`).toString('base64')}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new SourceError(`the tsdb at ${source.url} did not answer: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok)
    throw new SourceError(
      `the tsdb answered ${response.status} to ${url.pathname}: ${text.slice(0, 300)}`,
    );
  return JSON.parse(text) as unknown;
}

/**
 * Bars computed by the tsdb from its tick stream (`GET /api/v1/bars`, one request per instrument),
 * or its ticks (`POST /api/v1/query`, one trading day at a time), merged in time order. A daily
 * bar ends at 15:15 Beijing time of its trading day (after every day session).
 */
async function tsdbEvents(request: SourceRequest): Promise<MarketEvent[]> {
  const source = request.tsdb;
  if (!source) throw new SourceError('a tsdb source needs the tsdb URL');
  const days = tradingDaysOf(request);
  const from = beijingInstant(
    `${CHINA_TRADE_CALENDAR.previousTradeDate(days[0] ?? request.from)} 20:00:00`,
  );
  const to = beijingInstant(`${days[days.length - 1] ?? request.to} 16:00:00`);
  const first = toCompactDate(request.from);
  const last = toCompactDate(request.to);
  const events: MarketEvent[] = [];
  if (request.frequency !== 'tick') {
    const frequency = request.frequency;
    for (const instrument of request.instruments) {
      const query = new URLSearchParams({
        stream: source.stream,
        instrument,
        period: frequency,
        start: new Date(from).toISOString(),
        end: new Date(to).toISOString(),
      });
      const rows = (await tsdbFetch(source, `/api/v1/bars?${query.toString()}`)) as Record<
        string,
        unknown
      >[];
      for (const row of rows) {
        const bar = barOfRow(row, instrument, frequency);
        if (bar.tradingDay >= first && bar.tradingDay <= last) events.push(bar);
      }
    }
    return events.sort((a, b) => (a as MarketBar).endMs - (b as MarketBar).endMs);
  }
  const quoted = request.instruments.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
  for (const day of days) {
    const rows = (await tsdbFetch(source, '/api/v1/query', {
      query:
        `SELECT instrument_id, epoch_ms(CAST(datetime AS TIMESTAMPTZ)) AS t, last_price, bid_price1, bid_volume1, ` +
        `ask_price1, ask_volume1, volume, upper_limit, lower_limit FROM "${source.stream.replace(/"/g, '')}" ` +
        `WHERE p_date = '${day}' AND instrument_id IN (${quoted}) ORDER BY t, instrument_id`,
    })) as Record<string, unknown>[];
    const tradingDay = toCompactDate(day);
    for (const row of rows) {
      const tick = tickOfRow(row, tradingDay);
      if (tick) events.push(tick);
    }
  }
  return events;
}
