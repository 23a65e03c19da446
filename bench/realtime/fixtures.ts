/**
 * The bench's accounts and market: 1,000 accounts × 50 positions over 300 futures contracts, built
 * with the account engine itself (each position a real fill), and a deterministic tick stream.
 */
import { FUTURES_PRESETS } from '@qautlra/qamd';
import { QifiAccount } from '@qautlra/qifi';
import type { JsonObject } from '@qautlra/diff';
import { seededRandom } from '@qautlra/sim';

export interface Fixture {
  instruments: string[];
  /** `trade.<account>` sections as the trade server's monitor sends them. */
  sections: Map<string, JsonObject>;
  /** Per account, the instruments it holds (index into `instruments`). */
  holdings: number[][];
}

/** A small deterministic generator (the same accounts and ticks every run): libs/sim's mulberry32. */
export const random = seededRandom;

export function buildFixture(accounts: number, perAccount: number, contracts: number): Fixture {
  const instruments: string[] = [];
  for (const [product, preset] of FUTURES_PRESETS) {
    if (instruments.length >= contracts) break;
    if (preset.exchange === 'CFFEX' || !/^[a-z]+$/i.test(product)) continue;
    const code = preset.exchange === 'CZCE' ? product.toUpperCase() : product.toLowerCase();
    for (let month = 1; month <= 12 && instruments.length < contracts; month += 1)
      instruments.push(
        `${preset.exchange}.${code}${preset.exchange === 'CZCE' ? '6' : '26'}${String(month).padStart(2, '0')}`,
      );
  }
  const next = random(7);
  const sections = new Map<string, JsonObject>();
  const holdings: number[][] = [];
  for (let a = 0; a < accounts; a += 1) {
    const cookie = `bench${a}`;
    const engine = new QifiAccount({
      accountCookie: cookie,
      initCash: 1_000_000_000,
      tradingDay: '20261207',
    });
    const held = new Set<number>();
    while (held.size < perAccount) held.add(Math.floor(next() * instruments.length));
    holdings.push([...held]);
    let n = 0;
    for (const index of held) {
      const [exchange, code] = instruments[index]!.split('.') as [string, string];
      const buy = next() < 0.5;
      const order = `o${(n += 1)}`;
      const placed = engine.insertOrder(
        {
          order_id: order,
          exchange_id: exchange,
          instrument_id: code,
          direction: buy ? 'BUY' : 'SELL',
          offset: 'OPEN',
          volume: 1 + Math.floor(next() * 5),
          limit_price: 1_500,
        },
        Date.UTC(2026, 11, 7, 2),
      );
      if (!placed.ok) throw new Error(`fixture order refused: ${placed.rejection.message}`);
      engine.receiveDeal(
        order,
        { price: 1_500, volume: placed.value.volume_orign },
        Date.UTC(2026, 11, 7, 2),
      );
    }
    const qifi = engine.toQifi();
    sections.set(cookie, {
      user_id: cookie,
      session: { trading_day: qifi.trading_day },
      accounts: { CNY: { ...qifi.accounts } },
      positions: qifi.positions,
      orders: {},
      trades: {},
    });
  }
  return { instruments, sections, holdings };
}

/**
 * Prices that carry the time they were sent: `1000 + (ms mod 1,000,000) / 1000` — so a client can
 * tell how old the tick behind a pushed `last_price` is (both processes on one clock).
 */
export const priceAt = (ms: number) => 1_000 + (ms % 1_000_000) / 1_000;

export function sentAt(price: number, nowMs: number): number {
  const mod = Math.round((price - 1_000) * 1_000);
  const base = nowMs - (nowMs % 1_000_000);
  const candidate = base + mod;
  return candidate > nowMs ? candidate - 1_000_000 : candidate;
}
