import { DEPTH_LEVELS, MDSnapshot, OptionalF64 } from './snapshot';

/**
 * CTP marks "no value" with DBL_MAX (1.7976931348623157e308, JS `Number.MAX_VALUE`) in price
 * fields; anything ≥ 1e300 is treated as that sentinel.
 */
export const CTP_NO_VALUE_THRESHOLD = 1e300;

export function isNoValue(value: number): boolean {
  return Number.isNaN(value) || value >= CTP_NO_VALUE_THRESHOLD;
}

/** A required price: the sentinel and NaN become 0 (as the core hub and vn.py do). */
export function cleanRequiredPrice(value: number): number {
  return isNoValue(value) ? 0 : value;
}

/** `open_interest`, `pre_open_interest`, `settlement`, `pre_settlement`: ≤ 0, NaN or sentinel → `"-"`. */
export function cleanOptionalValue(value: number): OptionalF64 {
  return isNoValue(value) || value <= 0 ? '-' : value;
}

/** `close`: ≤ 0, NaN or sentinel → `null` (the seed's asymmetry, §14 M12, is kept). */
export function cleanClose(value: number): OptionalF64 {
  return isNoValue(value) || value <= 0 ? null : value;
}

/** A depth-level price: ≤ 0, NaN or sentinel → absent. */
export function cleanLevelPrice(value: number): number | undefined {
  return isNoValue(value) || value <= 0 ? undefined : value;
}

/** A depth-level volume: ≤ 0 (or not a number) → absent. */
export function cleanLevelVolume(value: number): number | undefined {
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const REQUIRED_PRICES = [
  'amount',
  'ask_price1',
  'bid_price1',
  'highest',
  'last_price',
  'lower_limit',
  'lowest',
  'open',
  'pre_close',
  'upper_limit',
  'average',
] as const;
const OPTIONAL_VALUES = [
  'open_interest',
  'pre_open_interest',
  'settlement',
  'pre_settlement',
  'iopv',
] as const;

/**
 * Applies the CTP sentinel rules (spec §3.2 and §14 M1) to every numeric field of a snapshot:
 * required prices → 0, OptionalF64 → `"-"` (`close` → `null`), depth levels dropped when the price
 * or volume carries no value.
 */
export function cleanSnapshot(snapshot: MDSnapshot): MDSnapshot {
  const out: Record<string, unknown> = { ...snapshot };
  for (const name of REQUIRED_PRICES) out[name] = cleanRequiredPrice(snapshot[name]);
  for (const name of OPTIONAL_VALUES) {
    const value = snapshot[name];
    if (typeof value === 'number') out[name] = cleanOptionalValue(value);
  }
  if (typeof snapshot.close === 'number') out.close = cleanClose(snapshot.close);
  for (const side of ['ask', 'bid'] as const) {
    for (const level of DEPTH_LEVELS) {
      const priceKey = `${side}_price${level}` as const;
      const volumeKey = `${side}_volume${level}` as const;
      const price = snapshot[priceKey];
      const volume = snapshot[volumeKey];
      const cleanPrice = price === undefined ? undefined : cleanLevelPrice(price);
      const cleanVolume = volume === undefined ? undefined : cleanLevelVolume(volume);
      if (cleanPrice === undefined) delete out[priceKey];
      else out[priceKey] = cleanPrice;
      if (cleanVolume === undefined) delete out[volumeKey];
      else out[volumeKey] = cleanVolume;
    }
  }
  return out as MDSnapshot;
}
