/**
 * Rounds a CNY amount to the fen (0.01), half away from zero, after removing binary noise
 * (`1.005 * 100` is 100.49999999999999 in binary; it must round to 1.01 like the decimal value).
 * Commission, margin, profits and balances are posted in fen, as brokers and exchanges do.
 */
export function roundMoney(value: number): number {
  const scaled = Math.abs(value) * 100;
  // 15 significant digits move `scaled` by at most 5e-14 of itself: farther than that from the
  // half, removing the binary noise cannot change the rounding, so the string round trip is only
  // needed near it (and for amounts too large to tell).
  const nearHalf = !(Math.abs((scaled % 1) - 0.5) > scaled * 5e-14 + 1e-12);
  return signedFen(value, nearHalf ? Number(scaled.toPrecision(15)) : scaled);
}

/** `roundMoney` by way of the decimal string of 15 significant digits (the reference). */
export function roundMoneyExact(value: number): number {
  return signedFen(value, Number((Math.abs(value) * 100).toPrecision(15)));
}

/** `cents` (a magnitude) rounded half away from zero, with `value`'s sign, in CNY; never -0. */
function signedFen(value: number, cents: number): number {
  const rounded = (Math.sign(value) * Math.round(cents)) / 100;
  return rounded === 0 ? 0 : rounded;
}

/**
 * The largest amount of money (CNY) the account engine takes in anywhere: initial cash, one
 * transfer, a balance after a deposit, one order's or one fill's notional (price × volume ×
 * multiplier). Ten trillion CNY is far above any real account, and keeps every sum the engine
 * forms finite and exact to the fen (2^53 fen ≈ 9.0e13 CNY).
 */
export const MAX_MONEY = 1e13;

/** A finite amount whose magnitude is at most `MAX_MONEY`. */
export function isBoundedMoney(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= MAX_MONEY;
}
