import { normaliseDatetime } from './datetime';
import { QamdError } from './qamd.error';
import { compileRustWriter, RustFieldKind } from './rust-json';
import { readSnapshotField } from './snapshot';

export type InstrumentType = 'Stock' | 'Future' | 'Index' | 'Fund' | 'Other';
const INSTRUMENT_TYPES: readonly InstrumentType[] = ['Stock', 'Future', 'Index', 'Fund', 'Other'];

/**
 * Daily bar (`qamd-rs` `DailyBar`). `date` is `YYYY-MM-DD`; `order_book_id` in suffix style
 * (`000001.XSHG`, `IF2301.CFFEX`). The original stores values as `f32`; here they are `f64`
 * (deviation M13: no rounding to single precision).
 */
export interface DailyBar {
  date: string;
  order_book_id: string;
  instrument_type: InstrumentType;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  total_turnover: number;
  num_trades?: number;
  limit_up?: number;
  limit_down?: number;
  open_interest?: number;
  prev_settlement?: number;
  settlement?: number;
  iopv?: number;
}

/**
 * Minute bar (`qamd-rs` `MinuteBar`). `datetime` is RFC 3339 UTC; `trading_date` (`YYYY-MM-DD`) is
 * the trading day, which for a night-session bar is the next trading day.
 */
export interface MinuteBar {
  datetime: string;
  trading_date?: string;
  order_book_id: string;
  instrument_type: InstrumentType;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  total_turnover: number;
  open_interest?: number;
}

type Spec = readonly [string, RustFieldKind, boolean];

const OHLCV: Spec[] = [
  ['open', 'f64', true],
  ['high', 'f64', true],
  ['low', 'f64', true],
  ['close', 'f64', true],
  ['volume', 'f64', true],
  ['total_turnover', 'f64', true],
];

const DAILY_FIELDS: Spec[] = [
  ['date', 'string', true],
  ['order_book_id', 'string', true],
  ['instrument_type', 'string', true],
  ...OHLCV,
  ['num_trades', 'f64', false],
  ['limit_up', 'f64', false],
  ['limit_down', 'f64', false],
  ['open_interest', 'f64', false],
  ['prev_settlement', 'f64', false],
  ['settlement', 'f64', false],
  ['iopv', 'f64', false],
];

const MINUTE_FIELDS: Spec[] = [
  ['datetime', 'string', true],
  ['trading_date', 'string', false],
  ['order_book_id', 'string', true],
  ['instrument_type', 'string', true],
  ...OHLCV,
  ['open_interest', 'f64', false],
];

const writeDailyBar = compileRustWriter(DAILY_FIELDS.map(([name, kind]) => [name, kind] as const));
const writeMinuteBar = compileRustWriter(
  MINUTE_FIELDS.map(([name, kind]) => [name, kind] as const),
);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readBar(fields: Spec[], input: unknown, what: string): Record<string, unknown> {
  let source: unknown = input;
  if (typeof input === 'string') {
    try {
      source = JSON.parse(input);
    } catch (error) {
      throw new QamdError('QAMD_SERIALIZATION', `${what} is not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new QamdError('QAMD_SERIALIZATION', `${what} must be a JSON object`);
  }
  const record = source as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, kind, required] of fields) {
    const value = readSnapshotField(name, kind, record[name], required);
    if (value !== undefined) out[name] = value;
  }
  if (!INSTRUMENT_TYPES.includes(out.instrument_type as InstrumentType)) {
    throw new QamdError(
      'QAMD_INVALID_MARKET_DATA',
      `${what} field "instrument_type": unknown ${JSON.stringify(out.instrument_type)}`,
      {
        field: 'instrument_type',
      },
    );
  }
  for (const name of ['date', 'trading_date']) {
    if (out[name] !== undefined && !DATE.test(out[name] as string)) {
      throw new QamdError(
        'QAMD_INVALID_MARKET_DATA',
        `${what} field "${name}": expected YYYY-MM-DD`,
        {
          field: name,
        },
      );
    }
  }
  return out;
}

export function parseDailyBar(input: unknown): DailyBar {
  return readBar(DAILY_FIELDS, input, 'daily bar') as unknown as DailyBar;
}

export function serializeDailyBar(bar: DailyBar): string {
  return writeDailyBar(bar as unknown as Record<string, unknown>);
}

export function parseMinuteBar(input: unknown): MinuteBar {
  const bar = readBar(MINUTE_FIELDS, input, 'minute bar');
  bar.datetime = normaliseDatetime(bar.datetime as string);
  return bar as unknown as MinuteBar;
}

export function serializeMinuteBar(bar: MinuteBar): string {
  return writeMinuteBar(bar as unknown as Record<string, unknown>);
}

interface Ohlc {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** `high − low`. */
export function barRange(bar: Ohlc): number {
  return bar.high - bar.low;
}

/** `(close − open) / open`; 0 when `open` is 0. */
export function barReturns(bar: Ohlc): number {
  return bar.open === 0 ? 0 : (bar.close - bar.open) / bar.open;
}

/** {@link barReturns} × 100. */
export function barPercentChange(bar: Ohlc): number {
  return barReturns(bar) * 100;
}
