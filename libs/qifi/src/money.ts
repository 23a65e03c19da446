/**
 * Rounds a CNY amount to the fen (0.01), half away from zero, after removing binary noise
 * (`1.005 * 100` is 100.49999999999999 in binary; it must round to 1.01 like the decimal value).
 * Commission, margin, profits and balances are posted in fen, as brokers and exchanges do.
 */
export function roundMoney(value: number): number {
  const cents = Number((Math.abs(value) * 100).toPrecision(15));
  const rounded = (Math.sign(value) * Math.round(cents)) / 100;
  return rounded === 0 ? 0 : rounded;
}
