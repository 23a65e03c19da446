import { isDepthField, MDSnapshot, SNAPSHOT_FIELDS } from './snapshot';

/** A partial snapshot: changed fields only; `null` on a depth level means "level removed". */
export type SnapshotPatch = Record<string, unknown>;

/** Equality for change detection: NaN equals NaN (the original counted NaN as always changed). */
export function sameFieldValue(a: unknown, b: unknown): boolean {
  return (
    a === b ||
    (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b))
  );
}

/**
 * Fields of `next` that differ from `previous` (NaN-safe). A depth level present in `previous` and
 * absent in `next` appears as `null`. `instrument_id` is never part of the diff.
 */
export function diffSnapshot(previous: MDSnapshot, next: MDSnapshot): SnapshotPatch {
  const patch: SnapshotPatch = {};
  const before = previous as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  for (const [name] of SNAPSHOT_FIELDS) {
    if (name === 'instrument_id') continue;
    const a = before[name];
    const b = after[name];
    if (sameFieldValue(a, b)) continue;
    if (b === undefined) {
      if (a !== undefined) patch[name] = null;
      continue;
    }
    patch[name] = b;
  }
  return patch;
}

/**
 * Applies a snapshot patch as an RFC 7396 merge: each key replaces the field; `null` deletes it.
 * Deleted `OptionalF64` fields read back as `null` (their "no value" form), deleted depth levels
 * are absent. Returns a new object; `base` is not modified.
 */
export function mergeSnapshot(base: MDSnapshot, patch: SnapshotPatch): MDSnapshot {
  const out: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(patch)) {
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    if (value === null) {
      if (isDepthField(name)) delete out[name];
      else out[name] = null;
      continue;
    }
    out[name] = value;
  }
  return out as MDSnapshot;
}

/** Field-by-field equality of two snapshots (NaN-safe; absent depth levels compare equal). */
export function snapshotsEqual(a: MDSnapshot, b: MDSnapshot): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return SNAPSHOT_FIELDS.every(([name]) => sameFieldValue(left[name], right[name]));
}
