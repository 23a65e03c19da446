import { FuturesPreset, FUTURES_PRESETS, productOf, STOCK_DEFAULT_PRESET } from '@qautlra/qamd';
import { roundMoney } from './money';

export type { FuturesPreset } from '@qautlra/qamd';

export const STOCK_EXCHANGES: ReadonlySet<string> = new Set(['SSE', 'SZSE', 'BSE', 'STOCK']);

export function isStockExchange(exchange: string): boolean {
  return STOCK_EXCHANGES.has(exchange.toUpperCase());
}

/**
 * The board lot of a buy: A-shares in multiples of 100 shares; the STAR market (`688…`, `689…`)
 * at least 200 shares, then any number. Undefined for futures (lots are whole contracts).
 */
export function buyLotOf(
  exchange: string,
  code: string,
): { minimum: number; step: number } | undefined {
  if (!isStockExchange(exchange)) return undefined;
  if (exchange.toUpperCase() === 'SSE' && /^68[89]/.test(code)) return { minimum: 200, step: 1 };
  return { minimum: 100, step: 100 };
}

/**
 * Preset of an instrument: the futures table by product (`qapro-rs` lookup rule), the stock default
 * for stock exchanges, undefined for a futures code whose product is not in the table.
 */
export function defaultPresetFor(exchange: string, instrument: string): FuturesPreset | undefined {
  if (isStockExchange(exchange)) return STOCK_DEFAULT_PRESET;
  return FUTURES_PRESETS.get(productOf(instrument));
}

/** `price × volume × unit_table`, in CNY. */
export function marketValue(preset: FuturesPreset, price: number, volume: number): number {
  return price * volume * preset.unit_table;
}

/** Margin ratio by side: longs use `buy_frozen_coeff`, shorts `sell_frozen_coeff`. */
export function marginRatio(preset: FuturesPreset, side: 'long' | 'short'): number {
  return side === 'long' ? preset.buy_frozen_coeff : preset.sell_frozen_coeff;
}

/** Margin of a position or an open order, rounded to the fen. */
export function marginOf(
  preset: FuturesPreset,
  side: 'long' | 'short',
  price: number,
  volume: number,
): number {
  return roundMoney(marketValue(preset, price, volume) * marginRatio(preset, side));
}

/**
 * Commission, rounded to the fen: `pervol × volume + peramount × market value`; closing a position
 * opened the same day (close-today) uses the `commission_coeff_today_*` pair — which the original
 * (qapro-rs) never applied (§14 A1).
 */
export function commissionOf(
  preset: FuturesPreset,
  price: number,
  volume: number,
  closeToday: boolean,
): number {
  const perVolume = closeToday
    ? preset.commission_coeff_today_pervol
    : preset.commission_coeff_pervol;
  const perAmount = closeToday
    ? preset.commission_coeff_today_peramount
    : preset.commission_coeff_peramount;
  return roundMoney(perVolume * volume + perAmount * Math.abs(marketValue(preset, price, volume)));
}

/**
 * A-share stamp duty rate on sells: 0.1 % until 2023-08-27, 0.05 % from 2023-08-28 (Ministry of
 * Finance notice 2023 No. 39). The original applied 0.1 % at every date.
 */
export function stampDutyRate(tradingDay: string): number {
  const day = tradingDay.replace(/-/g, '');
  return day !== '' && day < '20230828' ? 0.001 : 0.0005;
}

/** Stamp duty of a stock sale, rounded to the fen. */
export function stampDutyOf(price: number, volume: number, tradingDay: string): number {
  return roundMoney(price * volume * stampDutyRate(tradingDay));
}

/** Which lots a closing order may take: today's, yesterday's, or yesterday's first then today's. */
export type CloseLots = 'today' | 'his' | 'his-then-today';

/**
 * The exchange rule for a closing offset: CLOSETODAY takes today's lots and CLOSEYESTERDAY
 * yesterday's; a plain CLOSE takes yesterday's lots on SHFE and INE (which require CLOSETODAY for
 * today's) and for stocks (T+1, whatever the offset), and yesterday's then today's elsewhere.
 */
export function closeLotsFor(offset: string, exchange: string): CloseLots {
  if (isStockExchange(exchange)) return 'his';
  if (offset === 'CLOSETODAY') return 'today';
  if (offset === 'CLOSEYESTERDAY' || ['SHFE', 'INE'].includes(exchange.toUpperCase())) return 'his';
  return 'his-then-today';
}
