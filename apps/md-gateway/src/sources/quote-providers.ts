import { FUTURES_EXCHANGES, parseInstrumentId } from '@qautlra/qamd';
import type { ParsedBody } from './quote-line';
import { parseSinaBody } from './sina-parser';
import { parseTencentBody } from './tencent-parser';

/** One HTTP quote service (Sina or Tencent): how to name instruments, build URLs and parse replies. */
export interface QuoteProvider {
  readonly name: 'sina' | 'tencent';
  readonly baseUrl: string;
  /** Codes per request (easyquotation: Sina 800, Tencent 60). */
  readonly batchSize: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The provider's symbol for a canonical id, or undefined when it does not carry it. */
  symbolFor(canonicalId: string): string | undefined;
  url(symbols: readonly string[]): string;
  parse(body: string, resolve: (symbol: string) => string | undefined): ParsedBody;
}

const BROWSER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const STOCK_PREFIX: Readonly<Record<string, string>> = { SSE: 'sh', SZSE: 'sz', BSE: 'bj' };

function parsed(canonicalId: string): { exchange: string; code: string } | undefined {
  try {
    return parseInstrumentId(canonicalId);
  } catch {
    return undefined;
  }
}

/** Sina `hq.sinajs.cn` (spec §C): A-shares, funds, indices, domestic futures as `nf_` + upper-case code. */
export function sinaProvider(baseUrl = 'https://hq.sinajs.cn'): QuoteProvider {
  return {
    name: 'sina',
    baseUrl,
    batchSize: 800,
    // Required since 2022-01; without it Sina answers 403 "Kinsoku jikou desu!" (§C.1).
    headers: { Referer: 'https://finance.sina.com.cn/', 'User-Agent': BROWSER_AGENT },
    symbolFor(canonicalId) {
      const id = parsed(canonicalId);
      if (!id) return undefined;
      const prefix = STOCK_PREFIX[id.exchange];
      if (prefix) return `${prefix}${id.code}`;
      if (
        (FUTURES_EXCHANGES as readonly string[]).includes(id.exchange) &&
        /^[A-Za-z]+\d{3,4}$/.test(id.code)
      )
        return `nf_${id.code.toUpperCase()}`;
      return undefined;
    },
    url: (symbols) => `${baseUrl}/rn=${Date.now().toString(16)}&list=${symbols.join(',')}`,
    parse: (body, resolve) => parseSinaBody(body, resolve),
  };
}

/** Tencent `qt.gtimg.cn` (spec §D): A-shares, funds and indices. */
export function tencentProvider(baseUrl = 'https://qt.gtimg.cn'): QuoteProvider {
  return {
    name: 'tencent',
    baseUrl,
    batchSize: 60,
    headers: { 'User-Agent': BROWSER_AGENT },
    symbolFor(canonicalId) {
      const id = parsed(canonicalId);
      const prefix = id ? STOCK_PREFIX[id.exchange] : undefined;
      return id && prefix ? `${prefix}${id.code}` : undefined;
    },
    url: (symbols) => `${baseUrl}/q=${symbols.join(',')}`,
    parse: (body) => parseTencentBody(body),
  };
}
