import {
  bookFields,
  isIndexCode,
  numberField,
  ParsedBody,
  parseQuoteLines,
  STOCK_MARKETS,
  stockSnapshot,
} from './quote-line';

const MARKET_BY_CODE: Readonly<Record<string, string>> = { '1': 'SSE', '51': 'SZSE', '62': 'BSE' };

/**
 * Parses a Tencent `qt.gtimg.cn` reply body (already decoded from GBK) into QAMD snapshots for
 * A-share lines (spec market-data-sources §D.2, §G): volumes in lots × 100 (the STAR Market,
 * 688xxx, already in shares), amount in yuan from the `price/volume/amount` triple (field 35;
 * field 37 is rounded to 万元), limits from fields 47/48, VWAP from field 51. A short or empty line
 * is skipped on its own (§14 M7).
 */
export function parseTencentBody(body: string): ParsedBody {
  return parseQuoteLines(body, 'v_', ({ market, code, content }) => {
    const f = content.split('~');
    const exchange = MARKET_BY_CODE[f[0] ?? ''] ?? STOCK_MARKETS[market];
    if (!exchange || !STOCK_MARKETS[market]) return 'not an A-share line';
    if (f.length < 50) return `only ${f.length} fields`;
    const unit = code.startsWith('688') ? 1 : 100;
    const level = (priceIndex: number, volumeIndex: number): [number, number] => [
      numberField(f[priceIndex]),
      numberField(f[volumeIndex]) * unit,
    ];
    const stamp = f[30] ?? '';
    const triple = (f[35] ?? '').split('/');
    const volume = numberField(f[6]) * unit;
    return stockSnapshot({
      instrumentId: `${exchange}.${f[2] ?? code}`,
      date: stamp.slice(0, 8),
      time: `${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}`,
      open: numberField(f[5]),
      preClose: numberField(f[4]),
      last: numberField(f[3]),
      high: numberField(f[33]),
      low: numberField(f[34]),
      volume,
      amount: triple.length === 3 ? numberField(triple[2]) : numberField(f[37]) * 10_000,
      upperLimit: numberField(f[47]),
      lowerLimit: numberField(f[48]),
      average: volume > 0 && !isIndexCode(market, code) ? numberField(f[51]) : 0,
      book: bookFields(
        [0, 1, 2, 3, 4].map((k) => level(9 + 2 * k, 10 + 2 * k)),
        [0, 1, 2, 3, 4].map((k) => level(19 + 2 * k, 20 + 2 * k)),
      ),
    });
  });
}
