import type { StructLayout } from './catalog';

/** A decoded CTP struct: strings (GB18030 → UTF-8, cut at the first NUL), numbers; DBL_MAX → absent. */
export type CtpStruct = Record<string, string | number | undefined>;

const gb18030 = new TextDecoder('gb18030');

/** Values at or above this are CTP's "no value" (DBL_MAX) sentinel. */
export const NO_VALUE = 1e300;

/** The C string at [start, start+size): up to its first NUL, GB18030-decoded (ASCII fast path). */
export function cString(buf: Buffer, start: number, size: number): string {
  let end = start;
  const limit = Math.min(start + size, buf.length);
  let ascii = true;
  while (end < limit && buf[end] !== 0) {
    if (buf[end]! >= 0x80) ascii = false;
    end++;
  }
  if (end === start) return '';
  return ascii ? buf.toString('latin1', start, end) : gb18030.decode(buf.subarray(start, end));
}

/**
 * Reads a struct image at `offset`. Bytes missing past the buffer's end read as zero, so no input can make
 * the decoder read outside the buffer; every string is at most its field's size.
 */
export function decodeStruct(layout: StructLayout, buf: Buffer, offset = 0): CtpStruct {
  const out: CtpStruct = {};
  const available = buf.length - offset;
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
      case 'double': {
        const v = buf.readDoubleLE(at);
        out[f.name] = Number.isFinite(v) && Math.abs(v) < NO_VALUE ? v : undefined;
        break;
      }
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
