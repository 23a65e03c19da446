import { MDSnapshot, presetOf, tryNormaliseInstrumentId } from '@qautlra/qamd';
import {
  bookFields,
  isIndexCode,
  numberField,
  ParsedBody,
  parseQuoteLines,
  QuoteLine,
  quoteSnapshot,
  STOCK_MARKETS,
  stockSnapshot,
} from './quote-line';

/** SSE index codes (`sh000xxx`) report volume in lots; the rest of Sina's A-share lines in shares. */
function volumeUnit(market: string, code: string): number {
  return market === 'sh' && code.startsWith('000') ? 100 : 1;
}

/** Canonical id of a Sina symbol (`sh600000` → `SSE.600000`, `nf_RB2505` → `SHFE.rb2505`). */
export type SinaIdResolver = (symbol: string) => string | undefined;

export function defaultSinaId(symbol: string): string | undefined {
  if (symbol.startsWith('nf_')) return tryNormaliseInstrumentId(symbol.slice(3));
  return tryNormaliseInstrumentId(symbol);
}

function stockLine({ market, code, content }: QuoteLine, id: string): MDSnapshot | string {
  const f = content.split(',');
  if (f.length < 32) return content === '' ? 'empty quote' : `only ${f.length} fields`;
  const unit = volumeUnit(market, code);
  const level = (priceIndex: number, volumeIndex: number): [number, number] => [
    numberField(f[priceIndex]),
    numberField(f[volumeIndex]) * unit,
  ];
  return stockSnapshot({
    instrumentId: id,
    date: f[30] ?? '',
    time: f[31] ?? '',
    open: numberField(f[1]),
    preClose: numberField(f[2]),
    last: numberField(f[3]),
    high: numberField(f[4]),
    low: numberField(f[5]),
    volume: numberField(f[8]) * unit,
    amount: numberField(f[9]),
    upperLimit: 0,
    lowerLimit: 0,
    ...(isIndexCode(market, code) ? { average: 0 } : {}),
    book: bookFields(
      [0, 1, 2, 3, 4].map((k) => level(11 + 2 * k, 10 + 2 * k)),
      [0, 1, 2, 3, 4].map((k) => level(21 + 2 * k, 20 + 2 * k)),
    ),
  });
}

const hhmmss = (text: string): string => {
  const digits = text.padStart(6, '0');
  return `${digits.slice(0, 2)}:${digits.slice(2, 4)}:${digits.slice(4, 6)}`;
};

/**
 * A Sina `nf_` futures line (spec §C.5): the 50-field CFFEX layout (first field numeric) or the
 * commodity layout (28 fields before 2022-06, 44 since; first field the name). The commodity layout
 * has no amount or limits: amount is derived as average × volume × contract multiplier, limits
 * are 0 (unknown).
 */
function futuresLine({ content }: QuoteLine, id: string): MDSnapshot | string {
  const f = content.split(',');
  if (content === '') return 'empty quote';
  const code = id.slice(id.indexOf('.') + 1);
  const multiple = presetOf(code).unit_table;
  if (f[0] !== undefined && f[0] !== '' && Number.isFinite(Number(f[0]))) {
    if (f.length < 49) return `only ${f.length} fields`;
    const pairs = (start: number): [number, number][] =>
      [0, 1, 2, 3, 4].map((k) => [
        numberField(f[start + 2 * k]),
        numberField(f[start + 2 * k + 1]),
      ]);
    return quoteSnapshot({
      instrumentId: id,
      date: f[36] ?? '',
      time: f[37] ?? '',
      open: numberField(f[0]),
      high: numberField(f[1]),
      low: numberField(f[2]),
      last: numberField(f[3]),
      volume: numberField(f[4]),
      amount: numberField(f[5]),
      openInterest: numberField(f[6]),
      settlement: numberField(f[8]) > 0 ? numberField(f[8]) : '-',
      upperLimit: numberField(f[9]),
      lowerLimit: numberField(f[10]),
      preClose: numberField(f[13]),
      preSettlement: numberField(f[14]),
      preOpenInterest: numberField(f[15]),
      average: numberField(f[48]),
      book: bookFields(pairs(16), pairs(26)),
    });
  }
  if (f.length < 18) return `only ${f.length} fields`;
  const volume = numberField(f[14]);
  const average = numberField(f[27]) || numberField(f[9]);
  return quoteSnapshot({
    instrumentId: id,
    date: f[17] ?? '',
    time: hhmmss(f[1] ?? ''),
    open: numberField(f[2]),
    high: numberField(f[3]),
    low: numberField(f[4]),
    preClose: numberField(f[5]),
    last: numberField(f[8]),
    preSettlement: numberField(f[10]),
    openInterest: numberField(f[13]),
    volume,
    amount: Math.round(average * volume * multiple * 100) / 100,
    preOpenInterest: '-',
    upperLimit: 0,
    lowerLimit: 0,
    settlement: '-',
    average,
    book: bookFields(
      [[numberField(f[6]), numberField(f[11])]],
      [[numberField(f[7]), numberField(f[12])]],
    ),
  });
}

/**
 * Parses a Sina `hq.sinajs.cn` reply body (already decoded from GBK) into QAMD snapshots: A-share
 * stock, fund and index lines (spec market-data-sources §C.3–C.4) and domestic futures `nf_` lines
 * (§C.5). An empty or short line is skipped on its own; the rest of the batch is kept (the original
 * dropped it, §14 M7). `resolve` maps a Sina symbol to the canonical id the caller asked for.
 */
export function parseSinaBody(body: string, resolve: SinaIdResolver = defaultSinaId): ParsedBody {
  return parseQuoteLines(body, 'var hq_str_', (line) => {
    const futures = line.symbol.startsWith('nf_');
    if (!futures && !STOCK_MARKETS[line.market]) return 'not an A-share or futures line';
    const id = resolve(line.symbol);
    if (!id) return 'unknown symbol';
    return futures ? futuresLine(line, id) : stockLine(line, id);
  });
}
