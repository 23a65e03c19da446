import { productExchange, productOf } from './futures-products';
import { QamdError } from './qamd.error';

export const FUTURES_EXCHANGES = ['SHFE', 'DCE', 'CZCE', 'CFFEX', 'INE', 'GFEX'] as const;
export const STOCK_EXCHANGES = ['SSE', 'SZSE', 'BSE'] as const;
/** Exchanges named in the original's constants, plus INE, GFEX and BSE. */
export const EXCHANGES = [...FUTURES_EXCHANGES, ...STOCK_EXCHANGES, 'HKEX', 'IB'] as const;
export type Exchange = (typeof EXCHANGES)[number];

/** A normalised instrument: canonical id `EXCHANGE.code`. */
export interface InstrumentId {
  readonly exchange: Exchange;
  readonly code: string;
  /** `EXCHANGE.code`, e.g. `SHFE.au2512`, `SSE.600000`. */
  readonly id: string;
  readonly market: 'future' | 'stock' | 'other';
}

/** Every spelling of an exchange seen in the original and its data sources. */
const EXCHANGE_ALIASES: Readonly<Record<string, Exchange>> = {
  SHFE: 'SHFE',
  SHF: 'SHFE',
  XSGE: 'SHFE',
  DCE: 'DCE',
  XDCE: 'DCE',
  CZCE: 'CZCE',
  CZC: 'CZCE',
  ZCE: 'CZCE',
  XZCE: 'CZCE',
  CFFEX: 'CFFEX',
  CFE: 'CFFEX',
  CCFX: 'CFFEX',
  INE: 'INE',
  XINE: 'INE',
  GFEX: 'GFEX',
  GFE: 'GFEX',
  SSE: 'SSE',
  SH: 'SSE',
  SHSE: 'SSE',
  XSHG: 'SSE',
  SZSE: 'SZSE',
  SZ: 'SZSE',
  XSHE: 'SZSE',
  BSE: 'BSE',
  BJ: 'BSE',
  BJSE: 'BSE',
  HKEX: 'HKEX',
  HK: 'HKEX',
  IB: 'IB',
};

export function exchangeOf(text: string): Exchange | undefined {
  return EXCHANGE_ALIASES[text.toUpperCase()];
}

function marketOf(exchange: Exchange): InstrumentId['market'] {
  if ((FUTURES_EXCHANGES as readonly string[]).includes(exchange)) return 'future';
  if ((STOCK_EXCHANGES as readonly string[]).includes(exchange)) return 'stock';
  return 'other';
}

/** Exchanges that spell contract codes in upper case (CTP convention); the others use lower case. */
const UPPER_CASE_EXCHANGES: ReadonlySet<Exchange> = new Set(['CZCE', 'CFFEX']);

function caseFor(exchange: Exchange, code: string): string {
  if (marketOf(exchange) !== 'future') return code;
  return UPPER_CASE_EXCHANGES.has(exchange) ? code.toUpperCase() : code.toLowerCase();
}

/**
 * Exchange of a 6-digit A-share code by its prefix (the openctp Sina/Tencent rule, plus B shares,
 * SZSE indexes and the 92xxxx BSE codes). A bare `000001` resolves to SZSE (Ping An Bank), as in
 * the original; ask for the SSE index explicitly (`sh000001`, `SSE.000001`).
 */
export function stockExchangeByPrefix(code: string): Exchange | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const two = code.slice(0, 2);
  if (['60', '11', '50', '51', '56', '58', '68', '90'].includes(two)) return 'SSE';
  if (['00', '12', '15', '16', '18', '20', '30', '39'].includes(two)) return 'SZSE';
  if (['43', '82', '83', '87', '88', '92'].includes(two)) return 'BSE';
  return undefined;
}

function build(exchange: Exchange, rawCode: string, input: string): InstrumentId {
  if (!/^[A-Za-z0-9-]+$/.test(rawCode)) {
    throw new QamdError(
      'QAMD_UNKNOWN_INSTRUMENT',
      `invalid instrument code in ${JSON.stringify(input)}`,
      {
        input,
      },
    );
  }
  const market = marketOf(exchange);
  if (market === 'future') {
    const product = productOf(rawCode);
    const expected = product ? productExchange(product) : undefined;
    if (expected !== undefined && expected !== exchange) {
      throw new QamdError(
        'QAMD_AMBIGUOUS_INSTRUMENT',
        `instrument ${JSON.stringify(input)}: product ${product} trades on ${expected}, not ${exchange}`,
        { input, product, exchange, expected },
      );
    }
  }
  const code = caseFor(exchange, rawCode);
  return { exchange, code, id: `${exchange}.${code}`, market };
}

function fromBare(code: string, input: string): InstrumentId {
  const stockExchange = stockExchangeByPrefix(code);
  if (stockExchange) return build(stockExchange, code, input);
  if (
    /^[A-Za-z]{1,2}\d{3,4}$/.test(code) ||
    /^[A-Za-z]{1,2}L[89]$/i.test(code) ||
    /^[A-Za-z]{1,2}\d{3,4}-?[CP]-?\d+$/i.test(code)
  ) {
    const product = productOf(code);
    const exchange = exchangeOf(productExchange(product) ?? '');
    if (exchange) return build(exchange, code, input);
  }
  throw new QamdError(
    'QAMD_UNKNOWN_INSTRUMENT',
    `cannot infer the exchange of instrument ${JSON.stringify(input)}`,
    { input },
  );
}

/**
 * Normalises any instrument id style seen in the original to canonical `EXCHANGE.code`:
 * `SHFE.au2512`, bare `au2512`, `SSE_688286`, `000001.XSHG`, `IF2301.CFFEX`, `sh600000`,
 * `SHFE_rb2001`, bare `600000`. Throws `QamdError` (`QAMD_UNKNOWN_INSTRUMENT` or
 * `QAMD_AMBIGUOUS_INSTRUMENT`) naming the input.
 */
export function parseInstrumentId(input: string): InstrumentId {
  const text = input.trim();
  if (!text) {
    throw new QamdError('QAMD_UNKNOWN_INSTRUMENT', 'empty instrument id', { input });
  }
  const separator = /^([^._]+)[._]([^._]+)$/.exec(text);
  if (separator) {
    const [, left = '', right = ''] = separator;
    const leftExchange = exchangeOf(left);
    const rightExchange = exchangeOf(right);
    if (leftExchange && rightExchange) {
      throw new QamdError(
        'QAMD_AMBIGUOUS_INSTRUMENT',
        `instrument ${JSON.stringify(input)} names two exchanges`,
        {
          input,
        },
      );
    }
    if (leftExchange) return build(leftExchange, right, input);
    if (rightExchange) return build(rightExchange, left, input);
    throw new QamdError(
      'QAMD_UNKNOWN_INSTRUMENT',
      `unknown exchange in instrument ${JSON.stringify(input)}`,
      {
        input,
      },
    );
  }
  const prefixed = /^(sh|sz|bj)(\d{6})$/i.exec(text);
  if (prefixed) {
    const [, market = '', code = ''] = prefixed;
    return build(exchangeOf(market) as Exchange, code, input);
  }
  return fromBare(text, input);
}

/** Canonical `EXCHANGE.code` string of any accepted style. */
export function normaliseInstrumentId(input: string): string {
  return parseInstrumentId(input).id;
}

/** Like {@link normaliseInstrumentId} but returns undefined instead of throwing. */
export function tryNormaliseInstrumentId(input: string): string | undefined {
  try {
    return parseInstrumentId(input).id;
  } catch {
    return undefined;
  }
}

/**
 * Id styles of the original:
 * - `canonical` `SHFE.au2512` (DIFF, QIFI positions, gateway);
 * - `bare` `au2512` (CTP);
 * - `underscore` `SHFE_au2512` (QIFI README, `SSE_688286`);
 * - `suffix` `000001.XSHG` / `IF2301.CFFEX` (`order_book_id` of bars);
 * - `market-prefix` `sh600000` (Sina/Tencent; stocks only).
 */
export type InstrumentIdStyle = 'canonical' | 'bare' | 'underscore' | 'suffix' | 'market-prefix';

const SUFFIX_EXCHANGE: Partial<Record<Exchange, string>> = { SSE: 'XSHG', SZSE: 'XSHE' };
const MARKET_PREFIX: Partial<Record<Exchange, string>> = { SSE: 'sh', SZSE: 'sz', BSE: 'bj' };

/** Formats an instrument (or any accepted id string) in one of the original's styles. */
export function formatInstrumentId(
  instrument: InstrumentId | string,
  style: InstrumentIdStyle,
): string {
  const { exchange, code } =
    typeof instrument === 'string' ? parseInstrumentId(instrument) : instrument;
  switch (style) {
    case 'canonical':
      return `${exchange}.${code}`;
    case 'bare':
      return code;
    case 'underscore':
      return `${exchange}_${code}`;
    case 'suffix':
      return `${code}.${SUFFIX_EXCHANGE[exchange] ?? exchange}`;
    case 'market-prefix': {
      const prefix = MARKET_PREFIX[exchange];
      if (!prefix) {
        throw new QamdError(
          'QAMD_UNKNOWN_INSTRUMENT',
          `${exchange}.${code} has no market-prefix form`,
          {
            input: `${exchange}.${code}`,
          },
        );
      }
      return `${prefix}${code}`;
    }
  }
}
