import { numberField, ParsedBody, STOCK_MARKETS, bookFields, stockSnapshot } from './quote-line';

const LINE = /^var hq_str_([A-Za-z0-9_]+)="([^"]*)";?\s*$/;
const A_SHARE = /^(sh|sz|bj)(\d{6})$/;

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
  const result: ParsedBody = { snapshots: [], skipped: [] };
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const match = LINE.exec(line);
    if (!match) {
      result.skipped.push({ code: line.slice(0, 40), reason: 'not a quote line' });
      continue;
    }
    const [, symbol = '', content = ''] = match;
    const [, market = '', code = symbol] = A_SHARE.exec(symbol) ?? [];
    const exchange = STOCK_MARKETS[market];
    if (!exchange) {
      result.skipped.push({ code: `${market}${code}`, reason: 'not an A-share line' });
      continue;
    }
    const f = content.split(',');
    if (f.length < 32) {
      result.skipped.push({
        code: `${market}${code}`,
        reason: content === '' ? 'empty quote' : `only ${f.length} fields`,
      });
      continue;
    }
    const unit = volumeUnit(market, code);
    const bids: [number, number][] = [0, 1, 2, 3, 4].map((k) => [
      numberField(f[11 + 2 * k]),
      numberField(f[10 + 2 * k]) * unit,
    ]);
    const asks: [number, number][] = [0, 1, 2, 3, 4].map((k) => [
      numberField(f[21 + 2 * k]),
      numberField(f[20 + 2 * k]) * unit,
    ]);
    try {
      result.snapshots.push(
        stockSnapshot({
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
          book: bookFields(bids, asks),
        }),
      );
    } catch (error) {
      result.skipped.push({ code: `${market}${code}`, reason: (error as Error).message });
    }
  }
  return result;
}
