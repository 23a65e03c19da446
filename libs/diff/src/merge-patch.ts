/**
 * JSON Merge Patch (RFC 7396, which obsoletes RFC 7386): the patch format of DIFF `rtn_data`.
 *
 * Keys that could reach an object's prototype (`__proto__`, `constructor`, `prototype`) are never
 * applied, whatever the input, so a hostile patch cannot pollute `Object.prototype`.
 */
export type JsonObject = { [key: string]: unknown };

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

export interface MergeOptions {
  /**
   * DIFF rule: an object left with no fields after a deletion is itself deleted. Off for plain
   * RFC 7396.
   */
  readonly pruneEmptyObjects?: boolean;
}

function ownEntries(object: JsonObject): [string, unknown][] {
  return Object.keys(object)
    .filter((key) => !FORBIDDEN_KEYS.has(key))
    .map((key) => [key, object[key]]);
}

/**
 * Applies `patch` to `target` and returns the result. `target` is not modified: objects on the
 * patched paths are copied, the rest is shared.
 */
export function applyMergePatch(
  target: unknown,
  patch: unknown,
  options: MergeOptions = {},
): unknown {
  if (!isJsonObject(patch)) return patch;
  const result: JsonObject = Object.create(null) as JsonObject;
  if (isJsonObject(target)) {
    for (const [key, value] of ownEntries(target)) result[key] = value;
  }
  for (const [key, value] of ownEntries(patch)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    const merged = applyMergePatch(result[key], value, options);
    if (
      options.pruneEmptyObjects &&
      isJsonObject(merged) &&
      Object.keys(merged).length === 0 &&
      isJsonObject(value) &&
      Object.keys(value).length > 0
    ) {
      delete result[key];
      continue;
    }
    result[key] = merged;
  }
  return toPlainObject(result);
}

/** Objects built with a null prototype are returned as ordinary objects (`toEqual`, JSON, spread). */
function toPlainObject(object: JsonObject): JsonObject {
  const plain: JsonObject = {};
  for (const key of Object.keys(object)) {
    Object.defineProperty(plain, key, {
      value: object[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return plain;
}

/**
 * Merges `patch` into `target` in place (RFC 7396 with the DIFF rule that emptied objects go): for
 * mirrors that take many small patches on a large section, where copying the patched paths costs
 * too much. `__proto__`, `constructor` and `prototype` keys are ignored.
 */
export function mergePatchInPlace(target: JsonObject, patch: JsonObject): void {
  mergeInto(target, patch);
}

/**
 * The in-place merge; true when it stored a value (the target is then certainly not empty). Only a
 * merge that stored nothing needs the emptiness check, which is O(size) on a large map (so is
 * `for…in`: V8 lists the keys first).
 */
function mergeInto(target: JsonObject, patch: JsonObject): boolean {
  let stored = false;
  for (const key of Object.keys(patch)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const value = patch[key];
    if (value === null) {
      delete target[key];
    } else if (isJsonObject(value)) {
      const current = target[key];
      const child = isJsonObject(current) ? current : {};
      const kept =
        mergeInto(child, value) || Object.keys(child).length > 0 || Object.keys(value).length === 0;
      if (kept) {
        target[key] = child;
        stored = true;
      } else delete target[key];
    } else {
      target[key] = value;
      stored = true;
    }
  }
  return stored;
}

/** Applies a DIFF `data` array — one transaction — in order, with the DIFF empty-object rule. */
export function applyDiffData(snapshot: unknown, data: readonly unknown[]): unknown {
  return data.reduce<unknown>(
    (state, patch) => applyMergePatch(state, patch, { pruneEmptyObjects: true }),
    snapshot,
  );
}

const INEXPRESSIBLE = Symbol('inexpressible');

function composeTwo(first: unknown, second: unknown): unknown {
  if (!isJsonObject(second)) return second;
  if (first === undefined) return second;
  if (!isJsonObject(first)) {
    // `first` replaced the value with a scalar, array or deleted it; `second` merges fields into
    // that. The result is `second` without its nulls, but as a patch it would merge into whatever
    // the target holds instead of replacing it — RFC 7396 has no single patch for this.
    return INEXPRESSIBLE;
  }
  const out: JsonObject = {};
  for (const [key, value] of ownEntries(first)) out[key] = value;
  for (const [key, value] of ownEntries(second)) {
    const composed = composeTwo(out[key], value);
    if (composed === INEXPRESSIBLE) return INEXPRESSIBLE;
    out[key] = composed;
  }
  return out;
}

/**
 * Composes two merge patches: applying the result (a list, applied in order) equals applying
 * `first` then `second`. The list has one patch, except where `second` merges fields into a value
 * that `first` replaced with a scalar or deleted, which one RFC 7396 patch cannot express; then
 * both are returned. Used to coalesce updates for a client that has not peeked yet.
 */
export function composeMergePatches(first: unknown, second: unknown): unknown[] {
  const composed = composeTwo(first, second);
  if (composed === INEXPRESSIBLE) return [first, second];
  return [composed];
}

const isDeepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => isDeepEqual(item, other[index]));
  }
  const left = a as JsonObject;
  const right = b as JsonObject;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && isDeepEqual(left[key], right[key]))
  );
};

/**
 * The merge patch that turns `previous` into `next` (RFC 7396), or undefined when they are equal:
 * changed fields only, `null` for removed keys, arrays and scalars replaced whole. `next` must not
 * hold `null` values inside objects (a merge patch cannot express them). The server side of DIFF:
 * the patch of a client's snapshot since its last `peek_message`.
 */
export function createMergePatch(previous: unknown, next: unknown): unknown {
  if (!isJsonObject(previous) || !isJsonObject(next))
    return isDeepEqual(previous, next) ? undefined : next;
  let patch: JsonObject | undefined;
  for (const key of Object.keys(previous)) {
    if (FORBIDDEN_KEYS.has(key) || Object.hasOwn(next, key)) continue;
    (patch ??= {})[key] = null;
  }
  for (const key of Object.keys(next)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const value = next[key];
    const child = Object.hasOwn(previous, key) ? createMergePatch(previous[key], value) : value;
    if (child !== undefined) (patch ??= {})[key] = child;
  }
  return patch;
}
