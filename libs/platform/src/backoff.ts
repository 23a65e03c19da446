/** Exponential back-off: 1st retry after `baseMs`, doubling, capped at `capMs` (30 s by default). */
export function backoffDelay(failures: number, baseMs = 1_000, capMs = 30_000): number {
  if (failures <= 0) return 0;
  return Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 30));
}
