import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/** A cell as read from a workbook or CSV file. */
export type Cell = string | number | Date | boolean | null;

/** One sheet: its rows, 1-based as the user sees them (`rows[0]` is row 1). */
export interface Sheet {
  name: string;
  rows: Cell[][];
}

export interface NavRecord {
  /** `YYYY-MM-DD`. */
  date: string;
  unitNav: number;
  accNav?: number;
  adjNav?: number;
}

export interface ImportedProduct {
  code: string;
  name: string;
  /** Ascending by date. */
  points: NavRecord[];
  /** Where it came from: `sheet` (and the columns of its block). */
  source: string;
}

/** A problem with its place: sheet, 1-based row and column letter (as Excel shows them). */
export interface ImportProblem {
  sheet: string;
  row?: number;
  column?: string;
  reason: string;
}

export interface ImportResult {
  products: ImportedProduct[];
  problems: ImportProblem[];
}

type Field = 'date' | 'unitNav' | 'accNav' | 'adjNav' | 'code' | 'name';

/** Header texts per field, normalised (lower case, no spaces, underscores or brackets). */
const HEADERS: Record<Field, string[]> = {
  date: [
    '日期',
    '净值日期',
    '估值日期',
    '交易日期',
    '净值公布日期',
    'date',
    'navdate',
    'tradedate',
    'valuationdate',
  ],
  unitNav: [
    '单位净值',
    '净值',
    '份额净值',
    '单位份额净值',
    'nav',
    'unitnav',
    'netassetvalue',
    'navpershare',
  ],
  accNav: [
    '累计净值',
    '累计单位净值',
    '累积净值',
    'accnav',
    'accumulatednav',
    'cumulativenav',
    'accumulatedunitnav',
  ],
  adjNav: ['复权净值', '复权单位净值', '复权累计净值', 'adjnav', 'adjustednav'],
  code: ['产品代码', '基金代码', '代码', 'code', 'productcode', 'fundcode'],
  name: ['产品名称', '基金名称', '名称', 'name', 'productname', 'fundname'],
};

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[（(][^）)]*[)）]/g, '')
    .replace(/[\s_\-:：]/g, '');

function fieldOf(cell: Cell): Field | undefined {
  if (typeof cell !== 'string') return undefined;
  const text = normalise(cell);
  if (!text) return undefined;
  for (const [field, names] of Object.entries(HEADERS) as [Field, string[]][])
    if (names.includes(text)) return field;
  return undefined;
}

/** Column letters as Excel shows them (1 → A, 27 → AA). */
export function columnLetter(index: number): string {
  let n = index;
  let out = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    out = String.fromCharCode(65 + rest) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

const pad = (value: number) => String(value).padStart(2, '0');

function ymd(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return undefined;
  if (year < 1900 || year > 2200) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * A date cell → `YYYY-MM-DD`: a date value, text `2024-01-05` / `2024/1/5` / `2024.1.5` /
 * `2024年1月5日` / `20240105` (with an optional time), an integer 20240105, or an Excel serial
 * number (1900 date system: days since 1899-12-30).
 */
export function parseDateCell(cell: Cell): string | undefined {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return undefined;
    return ymd(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
  }
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return undefined;
    if (Number.isInteger(cell) && cell >= 19000101 && cell <= 22001231)
      return ymd(Math.floor(cell / 10000), Math.floor(cell / 100) % 100, cell % 100);
    if (cell >= 1 && cell < 110000) {
      const date = new Date(Date.UTC(1899, 11, 30) + Math.floor(cell) * 86_400_000);
      return ymd(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    }
    return undefined;
  }
  if (typeof cell !== 'string') return undefined;
  const text = cell.trim().replace(/[T\s].*$/, '');
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (compact) return ymd(Number(compact[1]), Number(compact[2]), Number(compact[3]));
  const split = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(text);
  if (split) return ymd(Number(split[1]), Number(split[2]), Number(split[3]));
  return undefined;
}

/** A NAV cell → a positive number (text with thousands separators accepted), else undefined. */
export function parseNavCell(cell: Cell): number | undefined {
  const value =
    typeof cell === 'number'
      ? cell
      : typeof cell === 'string' && cell.trim() !== ''
        ? Number(cell.trim().replace(/,/g, ''))
        : NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const isBlank = (cell: Cell | undefined) =>
  cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');

/** "稳健一号（SX0001）" → name 稳健一号, code SX0001; otherwise both are the text. */
function identityOf(title: string): { code: string; name: string } {
  const match = /^(.*?)[\s]*[（(]\s*([A-Za-z0-9._-]+)\s*[)）]\s*$/.exec(title.trim());
  if (match && match[1]) return { name: match[1].trim(), code: match[2]! };
  return { code: title.trim(), name: title.trim() };
}

interface Block {
  columns: Partial<Record<Field, number>>;
  first: number;
  last: number;
}

/**
 * Reads NAV series out of sheets: finds the header row (Chinese or English names; title rows and
 * blank rows above it are skipped), splits it into blocks (each date column starts one: two
 * products side by side), and reads each block's rows. The product of a row is its code column when
 * there is one; else the block's title (the text above its header, "名称（代码）" splits), else
 * `options.product` for a file with a single series, else the sheet name. Every problem is
 * reported with its place; the caller imports nothing when there is any.
 */
export function readNavSheets(
  sheets: readonly Sheet[],
  options: { product?: string } = {},
): ImportResult {
  const problems: ImportProblem[] = [];
  const products = new Map<string, ImportedProduct & { seen: Map<string, number> }>();
  let blockCount = 0;
  const pending: { sheet: Sheet; header: number; block: Block; index: number; blocks: number }[] =
    [];
  for (const sheet of sheets) {
    const header = sheet.rows.findIndex(
      (row, index) =>
        index < 40 &&
        row.some((cell) => fieldOf(cell) === 'date') &&
        row.some((cell) => ['unitNav', 'accNav', 'adjNav'].includes(fieldOf(cell) ?? '')),
    );
    if (header < 0) {
      if (sheet.rows.some((row) => row.some((cell) => !isBlank(cell))))
        problems.push({
          sheet: sheet.name,
          reason:
            'no header row with a date column (日期 / date) and a NAV column (单位净值 / nav) in the first 40 rows',
        });
      continue;
    }
    const row = sheet.rows[header]!;
    const blocks: Block[] = [];
    /** Columns before the first date column (a code or name first) belong to the first block. */
    const leading: Partial<Record<Field, number>> = {};
    row.forEach((cell, index) => {
      const field = fieldOf(cell);
      if (!field) return;
      const column = index + 1;
      if (field === 'date') {
        const first = blocks.length === 0 ? Math.min(column, ...Object.values(leading)) : column;
        blocks.push({
          columns: { ...(blocks.length === 0 ? leading : {}), date: column },
          first,
          last: column,
        });
        return;
      }
      const block = blocks.at(-1);
      if (!block) {
        leading[field] ??= column;
        return;
      }
      if (block.columns[field] !== undefined) {
        problems.push({
          sheet: sheet.name,
          row: header + 1,
          column: columnLetter(column),
          reason: `a second "${String(cell)}" column in the block starting at ${columnLetter(block.first)}`,
        });
        return;
      }
      block.columns[field] = column;
      block.last = column;
    });
    blocks.forEach((block, index) => {
      if (
        block.columns.unitNav === undefined &&
        block.columns.accNav === undefined &&
        block.columns.adjNav === undefined
      )
        problems.push({
          sheet: sheet.name,
          row: header + 1,
          column: columnLetter(block.first),
          reason: 'a date column without a NAV column after it',
        });
      else pending.push({ sheet, header, block, index, blocks: blocks.length });
    });
    blockCount += blocks.length;
  }
  for (const { sheet, header, block, index, blocks } of pending) {
    const titleOf = (): string | undefined => {
      for (let r = header - 1; r >= 0; r -= 1)
        for (let c = block.first; c <= block.last; c += 1) {
          const cell = sheet.rows[r]?.[c - 1];
          if (typeof cell === 'string' && cell.trim() && (blocks > 1 || r === header - 1))
            return cell.trim();
        }
      return undefined;
    };
    const fallback =
      blocks > 1
        ? (titleOf() ?? `${sheet.name}#${index + 1}`)
        : blockCount === 1 && options.product
          ? options.product
          : (titleOf() ?? sheet.name);
    const { date, unitNav, accNav, adjNav, code, name } = block.columns;
    const navColumn = (unitNav ?? adjNav ?? accNav)!;
    for (let r = header + 1; r < sheet.rows.length; r += 1) {
      const cells = sheet.rows[r] ?? [];
      const at = (column: number | undefined) =>
        column === undefined ? null : (cells[column - 1] ?? null);
      const span = cells.slice(block.first - 1, block.last);
      if (span.every(isBlank)) continue;
      const place = (column: number) => ({
        sheet: sheet.name,
        row: r + 1,
        column: columnLetter(column),
      });
      const day = parseDateCell(at(date));
      if (!day) {
        problems.push({
          ...place(date!),
          reason: isBlank(at(date)) ? 'missing date' : `not a date: ${JSON.stringify(at(date))}`,
        });
        continue;
      }
      const record: NavRecord = { date: day, unitNav: NaN };
      let bad = false;
      for (const [field, column] of [
        ['unitNav', unitNav],
        ['accNav', accNav],
        ['adjNav', adjNav],
      ] as const) {
        if (column === undefined) continue;
        const cell = at(column);
        if (isBlank(cell) && column !== navColumn) continue;
        const value = parseNavCell(cell);
        if (value === undefined) {
          problems.push({
            ...place(column),
            reason: isBlank(cell)
              ? 'missing NAV'
              : `NAV must be a positive number: ${JSON.stringify(cell)}`,
          });
          bad = true;
        } else record[field] = value;
      }
      if (bad) continue;
      if (!Number.isFinite(record.unitNav)) record.unitNav = (record.adjNav ?? record.accNav)!;
      const rowCode =
        code !== undefined && !isBlank(at(code)) ? String(at(code)).trim() : undefined;
      const titled = identityOf(rowCode ?? fallback);
      const productName =
        name !== undefined && !isBlank(at(name)) ? String(at(name)).trim() : titled.name;
      const key = rowCode ?? titled.code;
      let product = products.get(key);
      if (!product)
        products.set(
          key,
          (product = {
            code: key,
            name: productName,
            points: [],
            source: `${sheet.name}!${columnLetter(block.first)}:${columnLetter(block.last)}`,
            seen: new Map(),
          }),
        );
      const previous = product.seen.get(day);
      if (previous !== undefined) {
        problems.push({
          ...place(date!),
          reason: `${day} of ${key} appears again (first in row ${previous})`,
        });
        continue;
      }
      product.seen.set(day, r + 1);
      product.points.push(record);
    }
  }
  if (problems.length === 0 && products.size === 0)
    problems.push({ sheet: sheets[0]?.name ?? '(file)', reason: 'no NAV rows found' });
  const order = new Map(sheets.map((sheet, index) => [sheet.name, index]));
  problems.sort(
    (a, b) => (order.get(a.sheet) ?? 0) - (order.get(b.sheet) ?? 0) || (a.row ?? 0) - (b.row ?? 0),
  );
  return {
    products: [...products.values()].map(({ seen: _seen, ...product }) => ({
      ...product,
      points: product.points.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    })),
    problems,
  };
}

/** Reads an `.xlsx` workbook's sheets (merged cells keep their value in the top-left cell). */
export async function readXlsx(data: Buffer): Promise<Sheet[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  return workbook.worksheets.map((worksheet) => {
    const rows: Cell[][] = [];
    worksheet.eachRow({ includeEmpty: true }, (row, number) => {
      const cells: Cell[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = valueOf(cell);
      });
      rows[number - 1] = cells;
    });
    for (let i = 0; i < rows.length; i += 1) rows[i] ??= [];
    return { name: worksheet.name, rows };
  });
}

function valueOf(cell: ExcelJS.Cell): Cell {
  if (cell.isMerged && cell.master !== cell) return null;
  const value = cell.value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('result' in value) return (value.result as Cell) ?? null; // formula
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
  }
  return null;
}

/** Reads a CSV file (UTF-8, optional BOM; `,` `;` or tab separated) as one sheet. */
export function readCsv(data: Buffer, name = 'csv'): Sheet[] {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].sort(
    (a, b) => firstLine.split(b).length - firstLine.split(a).length,
  )[0]!;
  const rows: string[][] = parseCsv(text, {
    delimiter,
    relax_column_count: true,
    skip_empty_lines: false,
  });
  return [{ name, rows: rows.map((row) => row.map((cell) => (cell === '' ? null : cell))) }];
}

/** Reads a file by its name (`.xlsx` or `.csv`). */
export async function readNavFile(
  data: Buffer,
  fileName: string,
  options: { product?: string } = {},
): Promise<ImportResult> {
  const lower = fileName.toLowerCase();
  let sheets: Sheet[];
  try {
    if (lower.endsWith('.xlsx')) sheets = await readXlsx(data);
    else if (lower.endsWith('.csv') || lower.endsWith('.txt')) sheets = readCsv(data, fileName);
    else
      return {
        products: [],
        problems: [{ sheet: fileName, reason: 'only .xlsx and .csv files are read' }],
      };
  } catch (error) {
    return {
      products: [],
      problems: [{ sheet: fileName, reason: `cannot read the file: ${(error as Error).message}` }],
    };
  }
  return readNavSheets(sheets, options);
}
