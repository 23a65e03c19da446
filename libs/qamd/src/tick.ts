import { MDSnapshot, readSnapshotField } from './snapshot';
import { normaliseDatetime } from './datetime';
import { QamdError } from './qamd.error';
import { compileRustWriter } from './rust-json';

/** A trade print (`qamd-rs` `Tick`): cumulative day `volume` and `amount`, RFC 3339 `datetime`. */
export interface Tick {
  instrument_id: string;
  last_price: number;
  volume: number;
  amount: number;
  datetime: string;
}

const TICK_FIELDS = [
  ['instrument_id', 'string'],
  ['last_price', 'f64'],
  ['volume', 'int'],
  ['amount', 'f64'],
  ['datetime', 'string'],
] as const;

const writeTick = compileRustWriter(TICK_FIELDS);

export function tickFromSnapshot(snapshot: MDSnapshot): Tick {
  return {
    instrument_id: snapshot.instrument_id,
    last_price: snapshot.last_price,
    volume: snapshot.volume,
    amount: snapshot.amount,
    datetime: snapshot.datetime,
  };
}

export function serializeTick(tick: Tick): string {
  return writeTick(tick as unknown as Record<string, unknown>);
}

export function parseTick(input: unknown): Tick {
  const source = typeof input === 'string' ? (JSON.parse(input) as unknown) : input;
  if (typeof source !== 'object' || source === null) {
    throw new QamdError('QAMD_SERIALIZATION', 'tick must be a JSON object');
  }
  const record = source as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, kind] of TICK_FIELDS)
    out[name] = readSnapshotField(name, kind, record[name], true);
  out.datetime = normaliseDatetime(out.datetime as string);
  return out as unknown as Tick;
}
