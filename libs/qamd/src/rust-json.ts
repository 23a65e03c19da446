/**
 * JSON number and document formatting that matches what the original Rust services write
 * (serde_json 1.x, whose `f64` output comes from the `ryu` crate).
 *
 * JavaScript and ryu both print the shortest digits that round-trip; they differ only in layout:
 * ryu writes integral floats with a trailing `.0` (`10.0`), switches to exponent form for
 * values ≥ 1e16 and < 1e-5, and writes exponents without a `+` sign (`1e16`, `1.5e-7`).
 * serde_json writes non-finite floats as `null`.
 */
export function formatF64(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  // Fast path: between 1e-5 and 1e16 both layouts are plain decimals with the same digits; only
  // integral values differ (ryu appends ".0").
  if (magnitude >= 1e-5 && magnitude < 1e16) {
    const text = String(value);
    return Number.isInteger(value) ? `${text}.0` : text;
  }
  const negative = value < 0;
  const [mantissa = '0', exponentText = '0'] = magnitude.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const length = digits.length;
  // value = 0.d1d2…dn × 10^kk
  const kk = Number(exponentText) + 1;
  let out: string;
  if (kk >= length && kk <= 16) {
    out = digits + '0'.repeat(kk - length) + '.0';
  } else if (kk > 0 && kk <= 16) {
    out = digits.slice(0, kk) + '.' + digits.slice(kk);
  } else if (kk > -5 && kk <= 0) {
    out = '0.' + '0'.repeat(-kk) + digits;
  } else if (length === 1) {
    out = digits + 'e' + String(kk - 1);
  } else {
    out = digits[0] + '.' + digits.slice(1) + 'e' + String(kk - 1);
  }
  return negative ? '-' + out : out;
}

/** An integer field (Rust `i64`/`i32`): plain digits, never a fraction. */
export function formatInteger(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  return Math.trunc(value).toString();
}

/** How one field of a Rust struct is written. */
export type RustFieldKind = 'f64' | 'int' | 'string' | 'optional-f64' | 'raw';

/**
 * Writes `value` as serde_json would for a field of the given kind. `optional-f64` is the QAMD
 * `OptionalF64` untagged union (number | string | null).
 */
export function formatRustValue(kind: RustFieldKind, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (kind) {
    case 'f64':
      return formatF64(value as number);
    case 'int':
      return formatInteger(value as number);
    case 'string':
      return JSON.stringify(value);
    case 'optional-f64':
      return typeof value === 'number' ? formatF64(value) : JSON.stringify(value);
    case 'raw':
      return JSON.stringify(value);
  }
}

/** A compiled writer: an object with keys in a fixed order, each formatted by its kind. */
export type RustObjectWriter = (source: Readonly<Record<string, unknown>>) => string;

/**
 * Compiles a writer for a field list (key prefixes are built once). Undefined fields are skipped,
 * except those in `nullForMissing`, which are written as `null` (the gateway's explicit levels).
 */
export function compileRustWriter(
  fields: ReadonlyArray<readonly [string, RustFieldKind]>,
  options: { nullForMissing?: ReadonlySet<string> } = {},
): RustObjectWriter {
  const plan = fields.map(([name, kind]) => ({
    name,
    kind,
    key: `${JSON.stringify(name)}:`,
    nullIfMissing: options.nullForMissing?.has(name) ?? false,
  }));
  return (source) => {
    let out = '';
    for (const field of plan) {
      const value = source[field.name];
      let text: string;
      if (value === undefined) {
        if (!field.nullIfMissing) continue;
        text = 'null';
      } else if (value === null) {
        text = 'null';
      } else if (field.kind === 'f64') {
        text = formatF64(value as number);
      } else {
        text = formatRustValue(field.kind, value);
      }
      out += out === '' ? `{${field.key}${text}` : `,${field.key}${text}`;
    }
    return out === '' ? '{}' : `${out}}`;
  };
}
