import { RecordBatchStreamWriter, tableFromJSON, tableToIPC } from 'apache-arrow';
import type { Row } from '@qautlra/tsdb';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
export const PARQUET = 'application/vnd.apache.parquet';

export const RESULT_FORMATS = ['json', 'csv', 'arrow', 'parquet'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** The result format an `Accept` header (or `?format=`) asks for; JSON by default. */
export function resultFormat(accept: string | undefined, format?: string): ResultFormat {
  const wanted = (format ?? '').toLowerCase();
  if (wanted === 'csv' || wanted === 'arrow' || wanted === 'parquet' || wanted === 'json')
    return wanted;
  const header = (accept ?? '').toLowerCase();
  if (header.includes(ARROW_STREAM)) return 'arrow';
  if (header.includes(PARQUET)) return 'parquet';
  if (header.includes('text/csv')) return 'csv';
  return 'json';
}

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? value.toString()
        : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV with a header row (the union of the rows' keys, in first-seen order). */
export function toCsv(rows: readonly Row[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const key of Object.keys(row))
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * An Arrow IPC stream of the rows (types inferred by apache-arrow), in record batches of at most
 * `batchSize` rows (`P_EXECUTION_BATCH_SIZE`, the original's query batch size).
 */
export function toArrowStream(rows: readonly Row[], batchSize: number): Buffer {
  const table = tableFromJSON(rows as Row[]);
  if (table.numRows <= batchSize) return Buffer.from(tableToIPC(table, 'stream'));
  const writer = new RecordBatchStreamWriter();
  for (let start = 0; start < table.numRows; start += batchSize)
    for (const batch of table.slice(start, start + batchSize).batches) writer.write(batch);
  writer.finish();
  return Buffer.from(writer.toUint8Array(true));
}
