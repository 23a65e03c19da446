import presets from './data/futures-presets.json';

/**
 * One futures product's contract preset (`qapro-rs` `marketpreset.rs`, copied from
 * `shared/data/futures-presets.json`). Units: `unit_table` = contract multiplier (units per lot),
 * `price_tick` in quote-price units, frozen coefficients are margin ratios of notional,
 * `*_peramount` are fractions of notional, `*_pervol` are CNY per lot.
 */
export interface FuturesPreset {
  readonly name: string | null;
  readonly exchange: string;
  readonly unit_table: number;
  readonly price_tick: number;
  readonly buy_frozen_coeff: number;
  readonly sell_frozen_coeff: number;
  readonly commission_coeff_peramount: number;
  readonly commission_coeff_pervol: number;
  readonly commission_coeff_today_peramount: number;
  readonly commission_coeff_today_pervol: number;
}

const table = presets as unknown as Record<string, unknown>;

/** Presets keyed by upper-case product code (`AU`, `IF`, …). */
export const FUTURES_PRESETS: ReadonlyMap<string, FuturesPreset> = new Map(
  Object.entries(table)
    .filter(([key]) => !key.startsWith('_'))
    .map(([key, value]) => [key, value as FuturesPreset]),
);

/** The default the original returns for any code not in the table (stocks). */
export const STOCK_DEFAULT_PRESET: FuturesPreset = table._stock_default as FuturesPreset;

/**
 * Products listed after the preset table was written (no margin or commission data), so that
 * their instrument ids still resolve to an exchange. GFEX has no preset at all.
 */
const EXTRA_PRODUCT_EXCHANGES: Readonly<Record<string, string>> = {
  IM: 'CFFEX',
  TL: 'CFFEX',
  AO: 'SHFE',
  BR: 'SHFE',
  EC: 'INE',
  LG: 'DCE',
  PX: 'CZCE',
  SH: 'CZCE',
  SI: 'GFEX',
  LC: 'GFEX',
  PS: 'GFEX',
  PT: 'GFEX',
  PD: 'GFEX',
};

/** Exchange of an upper-case futures product code, or undefined when unknown. */
export function productExchange(product: string): string | undefined {
  return FUTURES_PRESETS.get(product)?.exchange ?? EXTRA_PRODUCT_EXCHANGES[product];
}

/**
 * Product code of a futures instrument code, by the original's rule: drop a trailing `L8`/`L9`
 * (continuous contracts), otherwise take the leading run of letters; upper-cased.
 */
export function productOf(code: string): string {
  const upper = code.toUpperCase();
  if (/^[A-Z]+L[89]$/.test(upper)) return upper.slice(0, -2);
  return /^[A-Z]+/.exec(upper)?.[0] ?? '';
}

/** Preset of an instrument code (`au2512`, `IF2301`, `RBL8`); the stock default when unknown. */
export function presetOf(code: string): FuturesPreset {
  return FUTURES_PRESETS.get(productOf(code)) ?? STOCK_DEFAULT_PRESET;
}
