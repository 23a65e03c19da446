import { type DuckDBAppender, DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { parseTimestampMicros } from './timestamp';

/** DuckDB's vector size: the most rows one DataChunk holds. */
export const CHUNK_ROWS = 2048;

/** How a column's values are stored in a DuckDB vector. */
export type ColumnKind = 'BIGINT' | 'TIMESTAMP' | 'DOUBLE' | 'BOOLEAN' | 'VARCHAR' | 'JSON';

/**
 * One column of a chunk: its kind and where its value of row `i` comes from (`value(i)` returns
 * null/undefined for NULL; TIMESTAMP accepts epoch microseconds or RFC 3339 text).
 */
export interface ChunkColumn {
  kind: ColumnKind;
  type: DuckDBType;
  value: (row: number) => unknown;
}

const TWO_POW_32 = 4_294_967_296;
/** DuckDB inlines strings of at most 12 bytes in the 16-byte string header. */
const INLINE_BYTES = 12;
const encoder = new TextEncoder();

/** Clears row `i`'s validity bit (NULL); returns 1, the count of nulls it adds. */
function markNull(validity: Uint8Array, i: number): number {
  validity[i >> 3] = (validity[i >> 3] as number) & ~(1 << (i & 7));
  return 1;
}

/**
 * Fills DuckDB DataChunks straight from columns of JS values and appends them: fixed-width values
 * are written into reusable typed arrays and copied into the vector in one call per column, short
 * strings (instrument ids, dates) are written inline in DuckDB's string layout (cached per
 * distinct value), and only longer strings cross into native code one by one. The same bytes the
 * node-api `setColumnValues` path would produce, without a native call per value.
 */
export class ChunkWriter {
  private readonly words = new Uint32Array(CHUNK_ROWS * 2);
  private readonly doubles = new Float64Array(CHUNK_ROWS);
  private readonly bytes = new Uint8Array(CHUNK_ROWS);
  private readonly strings = new Uint8Array(CHUNK_ROWS * 16);
  private readonly validity = new Uint8Array(CHUNK_ROWS / 8);
  /** Inline string headers by value (bounded). */
  private readonly inline = new Map<string, Uint8Array | null>();

  /** Appends `rowCount` rows, the columns in table order. */
  append(appender: DuckDBAppender, columns: readonly ChunkColumn[], rowCount: number): void {
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rowCount - start);
      const chunk = DuckDBDataChunk.create(
        columns.map((column) => column.type),
        count,
      );
      columns.forEach((column, index) =>
        this.fill(duckdb.data_chunk_get_vector(chunk.chunk, index), column, start, count),
      );
      appender.appendDataChunk(chunk);
    }
  }

  private fill(vector: duckdb.Vector, column: ChunkColumn, start: number, count: number): void {
    const validity = this.validity;
    validity.fill(0xff);
    let nulls = 0;
    const { value } = column;
    switch (column.kind) {
      case 'DOUBLE':
      case 'BOOLEAN': {
        const double = column.kind === 'DOUBLE';
        const out = double ? this.doubles : this.bytes;
        for (let i = 0; i < count; i += 1) {
          const v = value(start + i);
          if (v === null || v === undefined) {
            out[i] = 0;
            nulls += markNull(validity, i);
          } else out[i] = double ? (v as number) : v ? 1 : 0;
        }
        duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, count * (double ? 8 : 1));
        break;
      }
      case 'BIGINT':
      case 'TIMESTAMP': {
        const out = this.words;
        const timestamp = column.kind === 'TIMESTAMP';
        for (let i = 0; i < count; i += 1) {
          const v = value(start + i);
          const n =
            typeof v === 'number'
              ? v
              : timestamp && typeof v === 'string'
                ? parseTimestampMicros(v)
                : undefined;
          if (n === undefined) {
            out[2 * i] = 0;
            out[2 * i + 1] = 0;
            nulls += markNull(validity, i);
          } else {
            // Little-endian int64 from an exact integer (|n| ≤ 2^53).
            const high = Math.floor(n / TWO_POW_32);
            out[2 * i] = n - high * TWO_POW_32;
            out[2 * i + 1] = high;
          }
        }
        duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, count * 8);
        break;
      }
      case 'VARCHAR':
      case 'JSON': {
        const out = this.strings;
        out.fill(0, 0, count * 16);
        const long: number[] = [];
        const texts: string[] = [];
        for (let i = 0; i < count; i += 1) {
          const v = value(start + i);
          if (v === null || v === undefined) {
            nulls += markNull(validity, i);
            continue;
          }
          const text = column.kind === 'JSON' ? JSON.stringify(v) : (v as string);
          const header = text.length <= INLINE_BYTES ? this.inlineHeader(text) : null;
          if (header) out.set(header, i * 16);
          else {
            long.push(i);
            texts.push(text);
          }
        }
        duckdb.copy_data_to_vector(vector, 0, out.buffer, 0, count * 16);
        for (let k = 0; k < long.length; k += 1)
          duckdb.vector_assign_string_element(vector, long[k] as number, texts[k] as string);
        break;
      }
    }
    if (nulls > 0) {
      duckdb.vector_ensure_validity_writable(vector);
      duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(count / 8));
    }
  }

  /** DuckDB's 16-byte header of an inline string (length, then the bytes), or null if too long. */
  private inlineHeader(text: string): Uint8Array | null {
    let header = this.inline.get(text);
    if (header !== undefined) return header;
    const encoded = encoder.encode(text);
    if (encoded.length > INLINE_BYTES) header = null;
    else {
      header = new Uint8Array(16);
      new DataView(header.buffer).setUint32(0, encoded.length, true);
      header.set(encoded, 4);
    }
    if (this.inline.size >= 100_000) this.inline.clear();
    this.inline.set(text, header);
    return header;
  }
}
