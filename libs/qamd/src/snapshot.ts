import { normaliseDatetime } from './datetime';
import { QamdError } from './qamd.error';
import { compileRustWriter, RustFieldKind } from './rust-json';

/**
 * QAMD `OptionalF64`: an untagged union of a number, the string `"-"` (no value: stocks have no
 * open interest or settlement; `close` before the close) or `null`.
 */
export type OptionalF64 = number | '-' | null;

export const DEPTH_LEVELS = [2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export type DepthLevel = (typeof DEPTH_LEVELS)[number];
export type DepthField = `${'ask' | 'bid'}_${'price' | 'volume'}${DepthLevel}`;

/**
 * The QAMD market-data snapshot (`qamd-rs` `MDSnapshot`), JSON field names as in the original.
 * Prices and amounts are `f64`; volumes are integers (shares for stocks, lots for futures);
 * `datetime` is an RFC 3339 UTC string in the canonical form of {@link normaliseDatetime}.
 * Depth levels 2–10 are optional: a missing property means "no such level".
 */
export type MDSnapshot = {
  instrument_id: string;
  amount: number;
  ask_price1: number;
  ask_volume1: number;
  bid_price1: number;
  bid_volume1: number;
  close: OptionalF64;
  datetime: string;
  highest: number;
  last_price: number;
  lower_limit: number;
  lowest: number;
  open: number;
  open_interest: OptionalF64;
  pre_close: number;
  pre_open_interest: OptionalF64;
  pre_settlement: OptionalF64;
  settlement: OptionalF64;
  upper_limit: number;
  volume: number;
  average: number;
  iopv: OptionalF64;
} & { [K in DepthField]?: number };

type FieldSpec = readonly [string, RustFieldKind];

function depthFields(side: 'ask' | 'bid', what: 'price' | 'volume'): FieldSpec[] {
  const kind: RustFieldKind = what === 'price' ? 'f64' : 'int';
  return [
    [`${side}_${what}1`, kind],
    ...DEPTH_LEVELS.map((level): FieldSpec => [`${side}_${what}${level}`, kind]),
  ];
}

/** Field order of the `MDSnapshot` struct, which is the order serde writes it in. */
export const SNAPSHOT_FIELDS: readonly FieldSpec[] = [
  ['instrument_id', 'string'],
  ['amount', 'f64'],
  ...depthFields('ask', 'price'),
  ...depthFields('ask', 'volume'),
  ...depthFields('bid', 'price'),
  ...depthFields('bid', 'volume'),
  ['close', 'optional-f64'],
  ['datetime', 'string'],
  ['highest', 'f64'],
  ['last_price', 'f64'],
  ['lower_limit', 'f64'],
  ['lowest', 'f64'],
  ['open', 'f64'],
  ['open_interest', 'optional-f64'],
  ['pre_close', 'f64'],
  ['pre_open_interest', 'optional-f64'],
  ['pre_settlement', 'optional-f64'],
  ['settlement', 'optional-f64'],
  ['upper_limit', 'f64'],
  ['volume', 'int'],
  ['average', 'f64'],
  ['iopv', 'optional-f64'],
];

export const SNAPSHOT_FIELD_KINDS: ReadonlyMap<string, RustFieldKind> = new Map(SNAPSHOT_FIELDS);

const DEPTH_FIELD_NAMES: ReadonlySet<string> = new Set(
  SNAPSHOT_FIELDS.map(([name]) => name).filter((name) => /_(price|volume)([2-9]|10)$/.test(name)),
);

export function isDepthField(name: string): name is DepthField {
  return DEPTH_FIELD_NAMES.has(name);
}

/**
 * The gateway's wire field set (`md_distributor.rs::snapshot_to_json`): levels 1–5 only, no
 * `iopv`. serde_json's default map sorts keys, so the object is written in alphabetical order.
 */
export const WIRE_SNAPSHOT_FIELDS: readonly FieldSpec[] = SNAPSHOT_FIELDS.filter(
  ([name]) => name !== 'iopv' && !/_(price|volume)([6-9]|10)$/.test(name),
).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const WIRE_NULL_LEVELS: ReadonlySet<string> = new Set(
  WIRE_SNAPSHOT_FIELDS.map(([name]) => name).filter((name) => isDepthField(name)),
);

const writeLibrarySnapshot = compileRustWriter(SNAPSHOT_FIELDS);
const writeWireSnapshot = compileRustWriter(WIRE_SNAPSHOT_FIELDS, {
  nullForMissing: WIRE_NULL_LEVELS,
});

function invalid(field: string, expected: string, value: unknown): QamdError {
  return new QamdError(
    'QAMD_INVALID_MARKET_DATA',
    `snapshot field "${field}": expected ${expected}, got ${JSON.stringify(value) ?? String(value)}`,
    { field, expected },
  );
}

/** Reads one field of a parsed JSON object by its kind; `required` fields must be present. */
export function readSnapshotField(
  name: string,
  kind: RustFieldKind,
  value: unknown,
  required: boolean,
): unknown {
  if (value === undefined || value === null) {
    if (kind === 'optional-f64') return null;
    if (required) throw invalid(name, `a ${kind === 'string' ? 'string' : 'number'}`, value);
    return undefined;
  }
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') throw invalid(name, 'a string', value);
      return value;
    case 'f64':
      if (typeof value !== 'number') throw invalid(name, 'a number', value);
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw invalid(name, 'an integer', value);
      return value;
    case 'optional-f64':
      if (typeof value === 'number' || value === '-') return value;
      throw invalid(name, 'a number, "-" or null', value);
    case 'raw':
      return value;
  }
}

/**
 * Parses a snapshot from JSON text or an already-parsed object, in the library form (levels
 * omitted when absent) or the gateway wire form (levels 2–5 as explicit `null`). Unknown fields
 * are ignored, as serde does. Throws `QamdError` naming the bad field.
 */
export function parseSnapshot(input: unknown): MDSnapshot {
  let source: unknown = input;
  if (typeof input === 'string') {
    try {
      source = JSON.parse(input);
    } catch (error) {
      throw new QamdError(
        'QAMD_SERIALIZATION',
        `snapshot is not JSON: ${(error as Error).message}`,
      );
    }
  }
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new QamdError('QAMD_SERIALIZATION', 'snapshot must be a JSON object');
  }
  const record = source as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, kind] of SNAPSHOT_FIELDS) {
    const value = readSnapshotField(name, kind, record[name], !isDepthField(name));
    if (value !== undefined) out[name] = value;
  }
  try {
    out.datetime = normaliseDatetime(out.datetime as string);
  } catch {
    throw invalid('datetime', 'an RFC 3339 timestamp', record.datetime);
  }
  return out as MDSnapshot;
}

/** Serialises a snapshot exactly as serde writes `qamd-rs` `MDSnapshot` (struct order, absent levels omitted). */
export function serializeSnapshot(snapshot: MDSnapshot): string {
  return writeLibrarySnapshot(snapshot);
}

/**
 * Serialises the gateway's full-snapshot object (§3.2 field set, alphabetical keys, levels 2–5
 * as `null` when absent), as `md_distributor.rs::snapshot_to_json` produces it.
 */
export function serializeWireSnapshot(snapshot: MDSnapshot): string {
  return writeWireSnapshot(snapshot);
}

/** The gateway's full-snapshot object as a plain JS value (levels 2–5 present as `null`). */
export function toWireSnapshot(snapshot: MDSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name] of WIRE_SNAPSHOT_FIELDS) {
    const value = (snapshot as Record<string, unknown>)[name];
    out[name] = value === undefined ? null : value;
  }
  return out;
}

/** Best ask minus best bid. */
export function bidAskSpread(snapshot: MDSnapshot): number {
  return snapshot.ask_price1 - snapshot.bid_price1;
}

/** True when a level-2 ask or bid price is present. */
export function hasLevel2Depth(snapshot: MDSnapshot): boolean {
  return snapshot.ask_price2 !== undefined || snapshot.bid_price2 !== undefined;
}

/** Futures and options carry a numeric open interest; stocks carry `"-"`. */
export function isFuturesOrOptions(snapshot: MDSnapshot): boolean {
  return typeof snapshot.open_interest === 'number';
}

/** ETFs carry a numeric IOPV. */
export function isEtf(snapshot: MDSnapshot): boolean {
  return typeof snapshot.iopv === 'number';
}

/**
 * A snapshot (or the gateway's merged quote state) as a stored row: `"-"` (no value) becomes null,
 * so every field keeps one type in a table (the tsdb's recorder and the sim's history write these).
 */
export function snapshotRow(state: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) row[key] = value === '-' ? null : value;
  return row;
}
