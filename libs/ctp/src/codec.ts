import type { StructLayout } from './catalog';

/** A decoded CTP struct: strings (GB18030 → UTF-8, cut at the first NUL), numbers; DBL_MAX → absent. */
export type CtpStruct = Record<string, string | number | undefined>;

const gb18030 = new TextDecoder('gb18030');

/** Values at or above this are CTP's "no value" (DBL_MAX) sentinel. */
export const NO_VALUE = 1e300;

/** The C string at [start, start+size): up to its first NUL, GB18030-decoded (ASCII fast path). */
export function cString(buf: Buffer, start: number, size: number): string {
  const limit = Math.min(start + size, buf.length);
  if (start >= limit || buf[start] === 0) return '';
  let end = buf.indexOf(0, start);
  if (end < 0 || end > limit) end = limit;
  for (let i = start; i < end; i++)
    if (buf[i]! >= 0x80) return gb18030.decode(buf.subarray(start, end));
  return buf.toString('latin1', start, end);
}

/** A double as decoded: CTP's DBL_MAX sentinel (and NaN, ±Infinity) → absent. */
export function ctpDouble(value: number): number | undefined {
  return Number.isFinite(value) && Math.abs(value) < NO_VALUE ? value : undefined;
}

type Decoder = (buf: Buffer, offset: number) => CtpStruct;
const compiled = new WeakMap<StructLayout, Decoder>();

/**
 * A decoder for one layout, generated once from the catalog's fields (not from any input): one object
 * literal with every field, so each decoded struct has the same shape. Used when the whole struct is in
 * the buffer; `decodeStruct` falls back to the field-by-field reader otherwise.
 */
function decoderOf(layout: StructLayout): Decoder {
  const known = compiled.get(layout);
  if (known) return known;
  const entries = layout.fields.map((f) => {
    const at = `o + ${f.offset}`;
    const value =
      f.kind === 'string'
        ? `s(b, ${at}, ${f.size})`
        : f.kind === 'char'
          ? `(b[${at}] === 0 ? '' : String.fromCharCode(b[${at}]))`
          : f.kind === 'int'
            ? `b.readInt32LE(${at})`
            : f.kind === 'short'
              ? `b.readInt16LE(${at})`
              : `d(b.readDoubleLE(${at}))`;
    return `${JSON.stringify(f.name)}: ${value}`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('s', 'd', `return (b, o) => ({ ${entries.join(', ')} });`) as (
    s: typeof cString,
    d: typeof ctpDouble,
  ) => Decoder;
  const decoder = make(cString, ctpDouble);
  compiled.set(layout, decoder);
  return decoder;
}

/**
 * Reads a struct image at `offset`. Bytes missing past the buffer's end read as zero, so no input can make
 * the decoder read outside the buffer; every string is at most its field's size.
 */
export function decodeStruct(layout: StructLayout, buf: Buffer, offset = 0): CtpStruct {
  const available = buf.length - offset;
  if (offset >= 0 && available >= layout.size) return decoderOf(layout)(buf, offset);
  const out: CtpStruct = {};
  for (const f of layout.fields) {
    const at = offset + f.offset;
    if (f.offset + f.size > available) {
      out[f.name] = f.kind === 'string' || f.kind === 'char' ? '' : 0;
      continue;
    }
    switch (f.kind) {
      case 'string':
        out[f.name] = cString(buf, at, f.size);
        break;
      case 'char':
        out[f.name] = buf[at] === 0 ? '' : String.fromCharCode(buf[at]!);
        break;
      case 'int':
        out[f.name] = buf.readInt32LE(at);
        break;
      case 'short':
        out[f.name] = buf.readInt16LE(at);
        break;
      case 'double':
        out[f.name] = ctpDouble(buf.readDoubleLE(at));
        break;
    }
  }
  return out;
}

/**
 * A zeroed struct image with the given fields. Strings are ASCII only (codes, ids, passwords: what requests
 * carry) and must fit their field with its NUL; numbers must be finite; unknown fields are refused.
 */
export function encodeStruct(layout: StructLayout, values: Readonly<CtpStruct>): Buffer {
  const buf = Buffer.alloc(layout.size);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const f = layout.byName.get(name);
    if (!f) throw new RangeError(`${layout.name} has no field ${name}`);
    switch (f.kind) {
      case 'string':
      case 'char': {
        const text = String(value);
        if (!/^[\x20-\x7e]*$/.test(text))
          throw new RangeError(`${layout.name}.${name}: only printable ASCII can be sent`);
        const max = f.kind === 'char' ? 1 : f.size - 1;
        if (text.length > max) throw new RangeError(`${layout.name}.${name}: longer than ${max}`);
        buf.write(text, f.offset, 'latin1');
        break;
      }
      case 'int':
      case 'short':
      case 'double': {
        const n = Number(value);
        if (!Number.isFinite(n))
          throw new RangeError(`${layout.name}.${name}: not a finite number`);
        if (f.kind === 'double') {
          buf.writeDoubleLE(n, f.offset);
          break;
        }
        const bits = f.kind === 'int' ? 31 : 15;
        if (!Number.isInteger(n) || n < -(2 ** bits) || n >= 2 ** bits)
          throw new RangeError(`${layout.name}.${name}: not a ${f.kind}`);
        if (f.kind === 'int') buf.writeInt32LE(n, f.offset);
        else buf.writeInt16LE(n, f.offset);
        break;
      }
    }
  }
  return buf;
}
