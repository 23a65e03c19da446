/** Reading loosely typed DIFF / QAMD values and printing numbers as traders read them. */

export const num = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
};

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Decimals a price tick needs (0.2 → 1, 0.05 → 2, 1 → 0). */
export function decimalsOf(tick: number | undefined): number {
  if (!tick || !Number.isFinite(tick)) return 2;
  const text = tick.toString();
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : Math.min(6, text.length - dot - 1);
}

export function price(value: unknown, decimals: number): string {
  const n = num(value);
  return n === undefined ? '–' : n.toFixed(decimals);
}

const grouping = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

export const integer = (value: unknown) => {
  const n = num(value);
  return n === undefined ? '–' : grouping.format(n);
};

export const amount = (value: unknown) => {
  const n = num(value);
  return n === undefined ? '–' : money.format(n);
};

export const percent = (value: number | undefined, digits = 2) =>
  value === undefined || !Number.isFinite(value) ? '–' : `${(value * 100).toFixed(digits)}%`;

/** Rounds a price to the tick grid. */
export const onGrid = (value: number, tick: number) =>
  tick > 0 ? Number((Math.round(value / tick) * tick).toFixed(decimalsOf(tick))) : value;

/** `HH:MM:SS` in Beijing time of an epoch-nanosecond, -millisecond or ISO value. */
export function clock(value: unknown): string {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value > 1e15 ? value / 1e6 : value;
  else if (typeof value === 'string') ms = Date.parse(value);
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  return new Date(ms + 8 * 3600_000).toISOString().slice(11, 19);
}
