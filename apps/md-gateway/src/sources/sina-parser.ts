import {
  bookFields,
  numberField,
  ParsedBody,
  parseQuoteLines,
  STOCK_MARKETS,
  stockSnapshot,
} from './quote-line';

/** SSE index codes (`sh000xxx`) report volume in lots; the rest of Sina's A-share lines in shares. */
function volumeUnit(market: string, code: string): number {
  return market === 'sh' && code.startsWith('000') ? 100 : 1;
}

/**
 * Parses a Sina `hq.sinajs.cn` reply body (already decoded from GBK) into QAMD snapshots: A-share
 * stock, fund and index lines (spec market-data-sources §C.3–C.4). An empty or short line is
 * skipped on its own; the rest of the batch is kept (the original dropped it, §14 M7).
 */
export function parseSinaBody(body: string): ParsedBody {
  return parseQuoteLines(body, 'var hq_str_', ({ market, code, content }) => {
    const exchange = STOCK_MARKETS[market];
    if (!exchange) return 'not an A-share line';
    const f = content.split(',');
    if (f.length < 32) return content === '' ? 'empty quote' : `only ${f.length} fields`;
    const unit = volumeUnit(market, code);
    const level = (priceIndex: number, volumeIndex: number): [number, number] => [
      numberField(f[priceIndex]),
      numberField(f[volumeIndex]) * unit,
    ];
    return stockSnapshot({
      instrumentId: `${exchange}.${code}`,
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
      book: bookFields(
        [0, 1, 2, 3, 4].map((k) => level(11 + 2 * k, 10 + 2 * k)),
        [0, 1, 2, 3, 4].map((k) => level(21 + 2 * k, 20 + 2 * k)),
      ),
    });
  });
}
