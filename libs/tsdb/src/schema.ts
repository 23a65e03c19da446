import { TsdbError } from './tsdb.error';

/** Column types a stream field can have (JSON values map onto them). */
export type FieldType = 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'JSON';

export interface StreamField {
  name: string;
  type: FieldType;
}

/** Columns the store adds to every event: ingest time, partition date, staging sequence. */
export const SYSTEM_FIELDS = ['p_timestamp', 'p_date'] as const;

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The type of one JSON value, or undefined for null (which fits any type). */
export function typeOfValue(value: unknown): FieldType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return 'DOUBLE';
  if (typeof value === 'string') return 'VARCHAR';
  if (typeof value === 'boolean') return 'BOOLEAN';
  return 'JSON';
}

/**
 * Checks a batch of events against a stream's fields and returns the fields to add. Numbers are
 * DOUBLE (as Parseable infers them), strings VARCHAR, booleans BOOLEAN, objects and arrays JSON;
 * null fits anything. A value whose type differs from the field's is a conflict naming the field,
 * found before anything is written.
 */
export function inferNewFields(
  existing: readonly StreamField[],
  events: readonly Record<string, unknown>[],
): StreamField[] {
  const known = new Map(existing.map((field) => [field.name, field.type]));
  const added: StreamField[] = [];
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as Record<string, unknown>;
    for (const name in event) {
      const value = event[name];
      const type = typeOfValue(value);
      const current = known.get(name);
      if (current !== undefined) {
        if (type !== undefined && current !== type)
          throw new TsdbError(
            'TSDB_SCHEMA_CONFLICT',
            `field "${name}" is ${current} in the stream schema but event ${index} has a ${type} value`,
            name,
          );
        continue;
      }
      // A name not seen yet: check it once.
      if ((SYSTEM_FIELDS as readonly string[]).includes(name))
        throw new TsdbError(
          'TSDB_INVALID_EVENT',
          `event ${index}: field "${name}" is reserved`,
          name,
        );
      if (!FIELD_NAME.test(name))
        throw new TsdbError(
          'TSDB_INVALID_EVENT',
          `event ${index}: invalid field name ${JSON.stringify(name)} (letters, digits, _; not starting with a digit)`,
          name,
        );
      if (type === undefined) continue;
      known.set(name, type);
      added.push({ name, type });
    }
  }
  return added;
}
