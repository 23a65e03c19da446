import { beijingToEpochMs } from '@qautlra/calendar';
import {
  cleanLevelPrice,
  cleanLevelVolume,
  epochMsToDatetime,
  MDSnapshot,
  OptionalF64,
} from '@qautlra/qamd';

/** A line that produced no snapshot, and why (empty quote, too few fields, not an A-share line). */
export interface SkippedLine {
  code: string;
  reason: string;
}

export interface ParsedBody {
  snapshots: MDSnapshot[];
  skipped: SkippedLine[];
  /** Fields set to 0 ("no value") because they broke their unit's rule (a negative price). */
  dropped: number;
}

/** Fields that must be finite and ≥ 0, or the line is refused: the trade and its totals. */
const CORE_FIELDS = ['last_price', 'volume', 'amount'] as const;
/** Prices that fall back to 0 ("no value") when negative or not finite (Tencent's -1 "no limit"). */
const PRICE_FIELDS = [
  'open',
  'highest',
  'lowest',
  'pre_close',
  'average',
  'upper_limit',
  'lower_limit',
] as const;

/**
 * A snapshot whose numbers keep their units' rules: a negative or non-finite last price, volume or
 * amount refuses the line (the reason is returned); another negative price becomes 0, the QAMD
 * "no value" of a required price (`dropped` counts them). Nothing negative reaches the wire.
 */
export function saneSnapshot(
  snapshot: MDSnapshot,
): { snapshot: MDSnapshot; dropped: number } | string {
  for (const field of CORE_FIELDS) {
    const value = snapshot[field];
    if (!Number.isFinite(value) || value < 0)
      return `${field} ${value} is not a non-negative number`;
  }
  let dropped = 0;
  for (const field of PRICE_FIELDS) {
    const value = snapshot[field];
    if (!Number.isFinite(value) || value < 0) {
      snapshot[field] = 0;
      dropped += 1;
    }
  }
  return { snapshot, dropped };
}

/** A-share index lines (`sh000xxx`, `sz399xxx`, `bj899xxx`): no per-share average price. */
export function isIndexCode(market: string, code: string): boolean {
  return (
    (market === 'sh' && code.startsWith('000')) ||
    (market === 'sz' && code.startsWith('399')) ||
    (market === 'bj' && code.startsWith('899'))
  );
}

const A_SHARE = /^(sh|sz|bj)(\d{6})$/;

/** One quote line: its symbol split into market and code (A-shares), and the quoted content. */
export interface QuoteLine {
  symbol: string;
  /** `sh` / `sz` / `bj`, or '' for any other market. */
  market: string;
  code: string;
  content: string;
}

/**
 * Runs `parseLine` on every `<prefix><symbol>="<content>";` line of a reply body. A line that does
 * not match, or for which `parseLine` returns a reason or throws, is skipped alone; the rest of the
 * batch is kept (the original dropped it, §14 M7).
 */
export function parseQuoteLines(
  body: string,
  prefix: string,
  parseLine: (line: QuoteLine) => MDSnapshot | string,
): ParsedBody {
  const pattern = new RegExp(`^${prefix}([A-Za-z0-9_]+)="([^"]*)";?\\s*$`);
  const result: ParsedBody = { snapshots: [], skipped: [], dropped: 0 };
  for (const raw of body.split('\n')) {
    const text = raw.trim();
    if (!text) continue;
    const match = pattern.exec(text);
    if (!match) {
      result.skipped.push({ code: text.slice(0, 40), reason: 'not a quote line' });
      continue;
    }
    const [, symbol = '', content = ''] = match;
    const [, market = '', code = symbol] = A_SHARE.exec(symbol) ?? [];
    try {
      const parsed = parseLine({ symbol, market, code, content });
      const sane = typeof parsed === 'string' ? parsed : saneSnapshot(parsed);
      if (typeof sane === 'string') result.skipped.push({ code: symbol, reason: sane });
      else {
        result.snapshots.push(sane.snapshot);
        result.dropped += sane.dropped;
      }
    } catch (error) {
      result.skipped.push({ code: symbol, reason: (error as Error).message });
    }
  }
  return result;
}

export const STOCK_MARKETS: Readonly<Record<string, string>> = { sh: 'SSE', sz: 'SZSE', bj: 'BSE' };

/** A finite number from a field, 0 for empty or garbage. */
export function numberField(value: string | undefined): number {
  const parsed = Number(value);
  return value === undefined || value.trim() === '' || !Number.isFinite(parsed) ? 0 : parsed;
}

/** Book levels 1–5 from `[price, volume]` pairs; levels without a price or volume are left out (level 1 → 0). */
export function bookFields(
  bids: [number, number][],
  asks: [number, number][],
): Partial<MDSnapshot> {
  const out: Record<string, number> = {
    bid_price1: 0,
    bid_volume1: 0,
    ask_price1: 0,
    ask_volume1: 0,
  };
  for (const [side, levels] of [
    ['bid', bids],
    ['ask', asks],
  ] as const) {
    levels.forEach(([price, volume], index) => {
      const level = index + 1;
      const cleanPrice = cleanLevelPrice(price);
      const cleanVolume = cleanLevelVolume(volume);
      if (level === 1) {
        out[`${side}_price1`] = cleanPrice ?? 0;
        out[`${side}_volume1`] = cleanPrice === undefined ? 0 : (cleanVolume ?? 0);
      } else if (cleanPrice !== undefined && cleanVolume !== undefined) {
        out[`${side}_price${level}`] = cleanPrice;
        out[`${side}_volume${level}`] = cleanVolume;
      }
    });
  }
  return out;
}

/** The fields an HTTP quote line gives, in QAMD units (amount in yuan, volume in shares or lots). */
export interface QuoteFields {
  instrumentId: string;
  /** Beijing calendar date and time of the quote. */
  date: string;
  time: string;
  open: number;
  preClose: number;
  last: number;
  high: number;
  low: number;
  volume: number;
  amount: number;
  upperLimit: number;
  lowerLimit: number;
  average: number;
  book: Partial<MDSnapshot>;
  openInterest: OptionalF64;
  preOpenInterest: OptionalF64;
  preSettlement: OptionalF64;
  settlement: OptionalF64;
}

/** A QAMD snapshot from a parsed quote line (`close` is `null`: no line carries a final close). */
export function quoteSnapshot(fields: QuoteFields): MDSnapshot {
  return {
    instrument_id: fields.instrumentId,
    amount: fields.amount,
    ask_price1: 0,
    ask_volume1: 0,
    bid_price1: 0,
    bid_volume1: 0,
    ...fields.book,
    close: null,
    datetime: epochMsToDatetime(beijingToEpochMs(fields.date, fields.time)),
    highest: fields.high,
    last_price: fields.last,
    lower_limit: fields.lowerLimit,
    lowest: fields.low,
    open: fields.open,
    open_interest: fields.openInterest,
    pre_close: fields.preClose,
    pre_open_interest: fields.preOpenInterest,
    pre_settlement: fields.preSettlement,
    settlement: fields.settlement,
    upper_limit: fields.upperLimit,
    volume: Math.round(fields.volume),
    average: fields.average,
    iopv: null,
  };
}

/**
 * The common part of a stock quote (Sina and Tencent both carry no open interest or settlement:
 * `"-"`). `amount` in yuan, `volume` in shares, `average` the per-share VWAP (§14 M5).
 */
export function stockSnapshot(
  fields: Omit<
    QuoteFields,
    'average' | 'openInterest' | 'preOpenInterest' | 'preSettlement' | 'settlement'
  > & { average?: number },
): MDSnapshot {
  const traded = fields.volume > 0;
  return quoteSnapshot({
    ...fields,
    // No trade yet: Sina sends 0, Tencent repeats the previous close; both read as the previous close (§G).
    last: fields.last > 0 || traded ? fields.last : fields.preClose,
    average: fields.average ?? (traded ? Number((fields.amount / fields.volume).toFixed(4)) : 0),
    openInterest: '-',
    preOpenInterest: '-',
    preSettlement: '-',
    settlement: '-',
  });
}
