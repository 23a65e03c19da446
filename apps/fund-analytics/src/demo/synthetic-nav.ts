/**
 * Synthetic NAV series for the demo workbook and the benchmark: a seeded PRNG (mulberry32) with
 * normal draws (Box–Muller), and a NAV path with drift, noise and exposure to a market series.
 */
export function normalDraws(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface NavPath {
  seed: number;
  /** Mean return per period. */
  drift: number;
  /** Idiosyncratic volatility per period. */
  vol: number;
  /** Exposure to `market`'s returns. */
  beta?: number;
  market?: ArrayLike<number>;
}

/** `count` NAVs starting at 1. */
export function syntheticNav(count: number, path: NavPath): Float64Array {
  const normal = normalDraws(path.seed);
  const navs = new Float64Array(count);
  let nav = 1;
  for (let i = 0; i < count; i += 1) {
    if (i > 0) {
      const market = path.market ? path.market[i]! / path.market[i - 1]! - 1 : 0;
      nav *= 1 + path.drift + (path.beta ?? 0) * market + path.vol * normal();
    }
    navs[i] = nav;
  }
  return navs;
}

/** Weekdays from `start` (`YYYY-MM-DD`), `count` of them. */
export function weekdays(start: string, count: number): string[] {
  const out: string[] = [];
  for (let day = Date.parse(`${start}T00:00:00Z`); out.length < count; day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(new Date(day).toISOString().slice(0, 10));
  }
  return out;
}
