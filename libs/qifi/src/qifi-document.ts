import { BSON, Double, Int32, Long } from 'bson';
import { tryNormaliseInstrumentId } from '@qautlra/qamd';
import { QifiError } from './qifi.error';
import { FieldKind, FieldRule, QIFI_SCHEMA, Schema } from './qifi-schema';
import { Qifi } from './qifi.types';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function childPath(path: string, key: string): string {
  const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return path ? `${path}${step}` : step.replace(/^\./, '');
}

function fail(path: string, expected: string, value: unknown): never {
  const shown = value === undefined ? 'nothing (missing)' : (JSON.stringify(value) ?? typeof value);
  throw new QifiError(
    'QIFI_INVALID_DOCUMENT',
    `${path}: expected ${expected}, got ${shown.slice(0, 80)}`,
    path,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readValue(kind: FieldKind, value: unknown, path: string): unknown {
  if (typeof kind === 'object') {
    if (!isRecord(value)) fail(path, 'an object', value);
    if ('object' in kind) return readObject(kind.object, value, path);
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) continue;
      out[key] = readObject(kind.map, member, childPath(path, key));
    }
    return out;
  }
  switch (kind) {
    case 'string':
      // Fix of §14 Q3: a null string field reads as "" (the original rewrote the text "null"
      // anywhere in the document, strings included).
      if (value === null) return '';
      if (typeof value !== 'string') fail(path, 'a string', value);
      return value;
    case 'f64':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'a number', value);
      return value;
    case 'i32':
    case 'i64':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, 'an integer', value);
      return value;
    case 'nullable-i64':
      if (value === null) return null;
      if (typeof value !== 'number' || !Number.isInteger(value))
        fail(path, 'an integer or null', value);
      return value;
    case 'bool':
      if (typeof value !== 'boolean') fail(path, 'true or false', value);
      return value;
    case 'string[]':
      if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
        fail(path, 'an array of strings', value);
      return [...(value as string[])];
    case 'string-map': {
      if (!isRecord(value)) fail(path, 'an object of strings', value);
      const out: Record<string, string> = {};
      for (const [key, member] of Object.entries(value)) {
        if (FORBIDDEN_KEYS.has(key)) continue;
        if (typeof member !== 'string') fail(childPath(path, key), 'a string', member);
        out[key] = member;
      }
      return out;
    }
  }
}

function readObject(schema: Schema, value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) fail(path || 'document', 'an object', value);
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries<FieldRule>(schema)) {
    const fieldPath = childPath(path, name);
    const raw = value[name];
    if (raw === undefined || (raw === null && rule.default && rule.kind !== 'nullable-i64')) {
      if (!rule.default) fail(fieldPath, describe(rule.kind), raw);
      const fallback = rule.default();
      if (fallback !== undefined) out[name] = fallback;
      continue;
    }
    out[name] = readValue(rule.kind, raw, fieldPath);
  }
  return out;
}

function describe(kind: FieldKind): string {
  if (typeof kind === 'object') return 'an object';
  return {
    string: 'a string',
    f64: 'a number',
    i32: 'an integer',
    i64: 'an integer',
    bool: 'true or false',
    'string[]': 'an array of strings',
    'string-map': 'an object of strings',
    'nullable-i64': 'an integer or null',
  }[kind];
}

/**
 * Reads and validates a QIFI document (JSON text or a parsed value). Accepts the variants seen in
 * the original's ecosystem: `events` for `event` (§14 Q7), null string fields (Q3), position keys
 * in `SHFE_rb2001` or bare form, re-keyed to canonical `EXCHANGE.code` (Q5). Unknown top-level
 * fields are dropped. Throws `QifiError` whose message starts with the field's path.
 */
export function parseQifi(input: unknown): Qifi {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new QifiError(
        'QIFI_INVALID_JSON',
        `QIFI document is not JSON: ${(error as Error).message}`,
      );
    }
  }
  if (!isRecord(value)) fail('document', 'an object', value);
  const source: Record<string, unknown> = { ...value };
  if (source.event === undefined && source.events !== undefined) source.event = source.events;
  const document = readObject(QIFI_SCHEMA, source, '') as unknown as Qifi;
  document.positions = rekeyPositions(document.positions);
  return document;
}

function rekeyPositions(positions: Qifi['positions']): Qifi['positions'] {
  const out: Qifi['positions'] = {};
  for (const [key, position] of Object.entries(positions)) {
    const canonical =
      tryNormaliseInstrumentId(
        position.exchange_id ? `${position.exchange_id}.${position.instrument_id}` : key,
      ) ??
      tryNormaliseInstrumentId(key) ??
      key;
    out[canonical] = position;
  }
  return out;
}

// ---- BSON ----

function toBsonValue(kind: FieldKind, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof kind === 'object') {
    const record = value as Record<string, unknown>;
    if ('object' in kind) return toBsonObject(kind.object, record);
    return Object.fromEntries(
      Object.entries(record).map(([key, member]) => [
        key,
        toBsonObject(kind.map, member as Record<string, unknown>),
      ]),
    );
  }
  switch (kind) {
    case 'f64':
      return new Double(value as number);
    case 'i32':
      return new Int32(value as number);
    case 'i64':
      return Long.fromNumber(value as number);
    case 'nullable-i64':
      return value === null ? null : Long.fromNumber(value as number);
    case 'string':
    case 'bool':
    case 'string[]':
    case 'string-map':
      return value;
  }
}

function toBsonObject(schema: Schema, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(schema)) {
    const converted = toBsonValue(rule.kind, record[name]);
    if (converted !== undefined) out[name] = converted;
  }
  return out;
}

/**
 * BSON bytes of a QIFI document with the original's value types: `f64` fields as doubles, `i64`
 * (ns timestamps, counts) as NumberLong, `i32` as int — what MongoDB holds for the Rust services.
 */
export function qifiToBson(document: Qifi): Uint8Array {
  return BSON.serialize(toBsonObject(QIFI_SCHEMA, document as unknown as Record<string, unknown>));
}

/** Reads BSON (e.g. a MongoDB export of the original's `QAREALTIME.account`) into a validated document. */
export function qifiFromBson(bytes: Uint8Array): Qifi {
  let raw: Record<string, unknown>;
  try {
    raw = BSON.deserialize(bytes, { promoteLongs: true, promoteValues: true });
  } catch (error) {
    throw new QifiError(
      'QIFI_INVALID_BSON',
      `QIFI document is not BSON: ${(error as Error).message}`,
    );
  }
  delete raw._id;
  return parseQifi(longsToNumbers(raw));
}

/** NumberLong values beyond 2^53 (ns timestamps) stay `Long` after BSON decoding; QIFI reads them as numbers. */
function longsToNumbers(value: unknown): unknown {
  if (Long.isLong(value)) return value.toNumber();
  if (Array.isArray(value)) return value.map(longsToNumbers);
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [key, longsToNumbers(member)]),
    );
  return value;
}

/** JSON text of a document (field order of the schema). */
export function qifiToJson(document: Qifi): string {
  return JSON.stringify(orderBySchema(QIFI_SCHEMA, document as unknown as Record<string, unknown>));
}

function orderBySchema(schema: Schema, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(schema)) {
    const value = record[name];
    if (value === undefined) continue;
    const kind = rule.kind;
    if (typeof kind === 'object' && value !== null) {
      out[name] =
        'object' in kind
          ? orderBySchema(kind.object, value as Record<string, unknown>)
          : Object.fromEntries(
              Object.entries(value as Record<string, unknown>).map(([key, member]) => [
                key,
                orderBySchema(kind.map, member as Record<string, unknown>),
              ]),
            );
    } else {
      out[name] = value;
    }
  }
  return out;
}
