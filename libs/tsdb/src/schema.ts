import { parseTimestampMicros } from './timestamp';
import { TsdbError } from './tsdb.error';

/** Column types a stream field can have (JSON values map onto them). */
export type FieldType = 'DOUBLE' | 'VARCHAR' | 'TIMESTAMP' | 'BOOLEAN' | 'JSON';

export interface StreamField {
  name: string;
  type: FieldType;
}

/** Columns the store adds to every event: ingest time, partition date, staging sequence. */
export const SYSTEM_FIELDS = ['p_timestamp', 'p_date'] as const;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Bounds on what one stream may hold (the store's defence against wide or deep events). */
export interface SchemaLimits {
  /** Fields a stream may have in all (`QADB_MAX_FIELDS`, default 1,000). */
  maxFields: number;
  /** Nesting depth of an object or array value (`QADB_MAX_JSON_DEPTH`, default 32). */
  maxDepth: number;
}

export const DEFAULT_SCHEMA_LIMITS: SchemaLimits = { maxFields: 1_000, maxDepth: 32 };

/** The nesting depth of a JSON value, walked without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * The type of one JSON value, or undefined for null (which fits any type). A string that is an
 * RFC 3339 timestamp with a zone is a TIMESTAMP.
 */
export function typeOfValue(value: unknown): FieldType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return 'DOUBLE';
  if (typeof value === 'string')
    return parseTimestampMicros(value) === undefined ? 'VARCHAR' : 'TIMESTAMP';
  if (typeof value === 'boolean') return 'BOOLEAN';
  return 'JSON';
}

/**
 * Checks a batch of events against a stream's fields and returns the fields to add. Numbers are
 * DOUBLE (as Parseable infers them), strings VARCHAR, RFC 3339 strings TIMESTAMP (when every value
 * of a new field in the batch is one), booleans BOOLEAN, objects and arrays JSON; null fits
 * anything; any string fits VARCHAR. A value whose type differs from the field's is a conflict
 * naming the field, found before anything is written.
 *
 * `timestamps`, when given, receives each TIMESTAMP field's values as epoch microseconds by event
 * index (each timestamp is parsed once, here).
 */
export function inferNewFields(
  existing: readonly StreamField[],
  events: readonly Record<string, unknown>[],
  timestamps?: Map<string, (number | undefined)[]>,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): StreamField[] {
  const known = new Map(existing.map((field) => [field.name, field.type]));
  // Column names are case-insensitive in SQL: `Price` and `price` would be one column.
  const byLowerCase = new Map(existing.map((field) => [field.name.toLowerCase(), field.name]));
  const added: StreamField[] = [];
  /** Fields added by this batch as TIMESTAMP: text that is not a timestamp makes them VARCHAR. */
  const addedTimestamps = new Map<string, StreamField>();
  const micros = timestamps ?? new Map<string, (number | undefined)[]>();
  const timestampOf = (name: string, index: number, text: string): number | undefined => {
    const us = parseTimestampMicros(text);
    if (us !== undefined) {
      let column = micros.get(name);
      if (!column) micros.set(name, (column = new Array<number | undefined>(events.length)));
      column[index] = us;
    }
    return us;
  };
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as Record<string, unknown>;
    for (const name in event) {
      const value = event[name];
      if (value === null || value === undefined) {
        if (!known.has(name)) checkName(name, index);
        continue;
      }
      const current = known.get(name);
      if (current === 'VARCHAR' && typeof value === 'string') continue; // any text fits
      const type: FieldType =
        typeof value === 'string'
          ? timestampOf(name, index, value) === undefined
            ? 'VARCHAR'
            : 'TIMESTAMP'
          : (typeOfValue(value) as FieldType);
      if (type === 'JSON' && jsonDepth(value, limits.maxDepth) > limits.maxDepth)
        throw new TsdbError(
          'TSDB_INVALID_EVENT',
          `event ${index}: field "${name}" nests deeper than ${limits.maxDepth} levels (the limit, QADB_MAX_JSON_DEPTH)`,
          name,
        );
      if (current === type) continue;
      if (current !== undefined) {
        const widened = type === 'VARCHAR' ? addedTimestamps.get(name) : undefined;
        if (widened) {
          widened.type = 'VARCHAR';
          known.set(name, 'VARCHAR');
          addedTimestamps.delete(name);
          micros.delete(name);
          continue;
        }
        throw new TsdbError(
          'TSDB_SCHEMA_CONFLICT',
          current === 'TIMESTAMP' && type === 'VARCHAR'
            ? `field "${name}" is TIMESTAMP in the stream schema but event ${index} has text that is not an RFC 3339 timestamp with a zone`
            : `field "${name}" is ${current} in the stream schema but event ${index} has a ${type} value`,
          name,
        );
      }
      // A name not seen yet: check it once.
      checkName(name, index);
      const sameName = byLowerCase.get(name.toLowerCase());
      if (sameName !== undefined)
        throw new TsdbError(
          'TSDB_SCHEMA_CONFLICT',
          `event ${index}: field "${name}" differs from the field "${sameName}" only in case (field names are case-insensitive)`,
          name,
        );
      if (known.size >= limits.maxFields)
        throw new TsdbError(
          'TSDB_INVALID_EVENT',
          `event ${index}: field "${name}" would give the stream more than ${limits.maxFields} fields (the limit, QADB_MAX_FIELDS)`,
          name,
        );
      byLowerCase.set(name.toLowerCase(), name);
      known.set(name, type);
      const field = { name, type };
      added.push(field);
      if (type === 'TIMESTAMP') addedTimestamps.set(name, field);
    }
  }
  return added;
}

function checkName(name: string, index: number): void {
  if ((SYSTEM_FIELDS as readonly string[]).includes(name))
    throw new TsdbError('TSDB_INVALID_EVENT', `event ${index}: field "${name}" is reserved`, name);
  if (!FIELD_NAME.test(name))
    throw new TsdbError(
      'TSDB_INVALID_EVENT',
      `event ${index}: invalid field name ${JSON.stringify(name)} (letters, digits, _; not starting with a digit)`,
      name,
    );
}
