import fc from 'fast-check';
import { presetOf } from '@qautlra/qamd';
import { QifiAccount } from './account-engine';
import { parseQifi, qifiToJson } from './qifi-document';

/**
 * Deep equality with a relative tolerance for numbers (prices are recomputed from rounded costs).
 * Collects every difference and asserts once: an `expect` per value made this test slow.
 */
function differences(actual: unknown, expected: unknown, path = '', out: string[] = []): string[] {
  if (typeof expected === 'number') {
    const ok =
      typeof actual === 'number' &&
      Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
    if (!ok) out.push(`${path}: ${String(actual)} != ${expected}`);
  } else if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) {
      out.push(`${path}: ${JSON.stringify(actual)} is not an object`);
      return out;
    }
    const got = Object.keys(actual).sort().join(',');
    const want = Object.keys(expected).sort().join(',');
    if (got !== want) out.push(`${path}: keys ${got} != ${want}`);
    for (const key of Object.keys(expected))
      differences(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
        out,
      );
  } else if (!Object.is(actual, expected)) {
    out.push(`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  }
  return out;
}

function expectClose(actual: unknown, expected: unknown): void {
  expect(differences(actual, expected)).toEqual([]);
}

const INSTRUMENTS = [
  { exchange_id: 'SHFE', instrument_id: 'au2512', price: 600 },
  { exchange_id: 'SHFE', instrument_id: 'rb2505', price: 3300 },
  { exchange_id: 'CFFEX', instrument_id: 'IF2506', price: 3900 },
  { exchange_id: 'DCE', instrument_id: 'm2505', price: 3000 },
  { exchange_id: 'SSE', instrument_id: '600000', price: 10 },
] as const;

const instrumentIndex = fc.integer({ min: 0, max: INSTRUMENTS.length - 1 });
const priceFactor = fc.integer({ min: -50, max: 50 }).map((n) => 1 + n / 1000);

type Action =
  | {
      kind: 'order';
      instrument: number;
      direction: 'BUY' | 'SELL';
      offset: 'OPEN' | 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';
      volume: number;
      factor: number;
    }
  | { kind: 'fill'; pick: number; part: number; factor: number }
  | {
      kind: 'close';
      pick: number;
      part: number;
      factor: number;
      offset: 'CLOSE' | 'CLOSETODAY' | 'CLOSEYESTERDAY';
    }
  | { kind: 'cancel'; pick: number }
  | { kind: 'price'; instrument: number; factor: number }
  | { kind: 'settle' }
  | { kind: 'transfer'; amount: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      instrument: instrumentIndex,
      direction: fc.constantFrom('BUY' as const, 'SELL' as const),
      offset: fc.constantFrom(
        'OPEN' as const,
        'OPEN' as const,
        'CLOSE' as const,
        'CLOSETODAY' as const,
        'CLOSEYESTERDAY' as const,
      ),
      volume: fc.integer({ min: 1, max: 5 }),
      factor: priceFactor,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('fill' as const),
      pick: fc.nat(),
      part: fc.double({ min: 0.01, max: 1, noNaN: true }),
      factor: priceFactor,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('close' as const),
      pick: fc.nat(),
      part: fc.double({ min: 0.01, max: 1, noNaN: true }),
      factor: priceFactor,
      offset: fc.constantFrom('CLOSE' as const, 'CLOSETODAY' as const, 'CLOSEYESTERDAY' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('price' as const),
      instrument: instrumentIndex,
      factor: priceFactor,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      amount: fc.integer({ min: -50_000, max: 50_000 }),
    }),
  },
);

const roundTick = (price: number, tick: number) => Math.round(price / tick) * tick;

describe('account engine invariants (property)', () => {
  it('formulas, volume splits and an independent cash ledger hold after every step, across a restore from QIFI', () => {
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 20, maxLength: 80, size: 'max' }),
        fc.nat(),
        (actions, restoreAt) => {
          const initCash = 2_000_000;
          let account = new QifiAccount({ accountCookie: 'p', initCash, tradingDay: '20250327' });
          const last: number[] = INSTRUMENTS.map((item) => item.price);
          let ledger = initCash; // cash in, minus commissions, plus signed notional of every trade
          const netVolume = new Map<string, number>();
          let postings = 0;
          let day = 0;
          const orderIds: string[] = [];
          for (const [step, act] of actions.entries()) {
            if (step === restoreAt % actions.length) {
              // A restart: the account comes back from its stored QIFI document.
              const stored = account.toQifi();
              account = QifiAccount.fromQifi(parseQifi(qifiToJson(stored)));
              expectClose(account.toQifi(), stored);
            }
            const now = Date.parse('2025-03-27T01:30:00Z') + step * 1000;
            switch (act.kind) {
              case 'order': {
                const item = INSTRUMENTS[act.instrument]!;
                const preset = presetOf(item.instrument_id);
                const id = `o${step}`;
                const result = account.insertOrder(
                  {
                    order_id: id,
                    exchange_id: item.exchange_id,
                    instrument_id: item.instrument_id,
                    direction: act.direction,
                    offset: act.offset,
                    volume: item.exchange_id === 'SSE' ? act.volume * 100 : act.volume,
                    limit_price: roundTick(
                      last[act.instrument]! * act.factor,
                      item.exchange_id === 'SSE' ? 0.01 : preset.price_tick,
                    ),
                  },
                  now,
                );
                if (result.ok) orderIds.push(id);
                break;
              }
              case 'fill': {
                const orders = account.toQifi().orders;
                const alive = orderIds.filter((id) => orders[id]?.status === 'ALIVE');
                if (alive.length === 0) break;
                const id = alive[act.pick % alive.length]!;
                const order = orders[id]!;
                const index = INSTRUMENTS.findIndex(
                  (item) => item.instrument_id === order.instrument_id,
                );
                const preset =
                  order.exchange_id === 'SSE'
                    ? { unit_table: 1, price_tick: 0.01 }
                    : presetOf(order.instrument_id);
                const volume = Math.max(1, Math.floor(order.volume_left * act.part));
                const price = roundTick(order.limit_price * act.factor, preset.price_tick);
                const trade = account.receiveDeal(id, { price, volume }, now);
                expect(trade.ok).toBe(true);
                if (!trade.ok) break;
                const signed = order.direction === 'BUY' ? 1 : -1;
                ledger += -signed * price * volume * preset.unit_table - trade.value.commission;
                const key = `${order.exchange_id}.${order.instrument_id}`;
                netVolume.set(key, (netVolume.get(key) ?? 0) + signed * volume);
                last[index] = account.toQifi().positions[key]!.last_price;
                postings += 4;
                break;
              }
              case 'close': {
                // Close part of an existing position, so that live closing orders are common.
                const held = Object.values(account.toQifi().positions).filter(
                  (p) => p.volume_long + p.volume_short > 0,
                );
                if (held.length === 0) break;
                const p = held[act.pick % held.length]!;
                const long = p.volume_long > 0;
                const volume = Math.max(
                  1,
                  Math.floor((long ? p.volume_long : p.volume_short) * act.part),
                );
                const tick = p.exchange_id === 'SSE' ? 0.01 : presetOf(p.instrument_id).price_tick;
                const result = account.insertOrder(
                  {
                    order_id: `c${step}`,
                    exchange_id: p.exchange_id,
                    instrument_id: p.instrument_id,
                    direction: long ? 'SELL' : 'BUY',
                    offset: act.offset,
                    volume,
                    limit_price: roundTick(p.last_price * act.factor, tick),
                  },
                  now,
                );
                if (result.ok) orderIds.push(`c${step}`);
                break;
              }
              case 'cancel': {
                const orders = account.toQifi().orders;
                const alive = orderIds.filter((id) => orders[id]?.status === 'ALIVE');
                if (alive.length > 0)
                  expect(account.cancelOrder(alive[act.pick % alive.length]!).ok).toBe(true);
                break;
              }
              case 'price': {
                const item = INSTRUMENTS[act.instrument]!;
                const tick =
                  item.exchange_id === 'SSE' ? 0.01 : presetOf(item.instrument_id).price_tick;
                last[act.instrument] = roundTick(last[act.instrument]! * act.factor, tick);
                account.updatePrice(
                  `${item.exchange_id}.${item.instrument_id}`,
                  last[act.instrument]!,
                );
                break;
              }
              case 'settle':
                day += 1;
                account.settle(`2025033${day}`);
                postings += 4;
                break;
              case 'transfer': {
                const result = account.transfer(act.amount, now);
                if (result.ok) ledger += result.value.amount;
                break;
              }
            }
            const document = account.toQifi();
            const a = document.accounts;
            // Every broken invariant of this step, asserted once (an `expect` per check was slow).
            const broken: string[] = [];
            const check = (ok: boolean, what: string) => {
              if (!ok) broken.push(what);
            };
            const near = (what: string, x: number, y: number, tolerance = 1e-6) =>
              check(Math.abs(x - y) <= tolerance, `${what}: ${x} vs ${y}`);
            near('static_balance', a.static_balance, a.pre_balance + a.deposit - a.withdraw);
            check(
              account.balance() === a.balance,
              `balance() ${account.balance()} vs ${a.balance}`,
            );
            near(
              'balance',
              a.balance,
              a.static_balance + a.close_profit - a.commission - a.premium + a.position_profit,
            );
            near(
              'available',
              a.available,
              a.balance - a.margin - a.frozen_margin - a.frozen_commission - a.frozen_premium,
            );
            near('risk_ratio', a.risk_ratio, a.balance === 0 ? 0 : 1 - a.available / a.balance);
            // The alive-order index agrees with the orders' own status.
            check(
              JSON.stringify(account.aliveOrders().map((order) => order.order_id)) ===
                JSON.stringify(
                  Object.values(document.orders)
                    .filter((order) => order.status === 'ALIVE')
                    .map((order) => order.order_id),
                ),
              'aliveOrders() = the ALIVE orders of the document',
            );
            check(a.frozen_margin >= 0, `frozen_margin ${a.frozen_margin} < 0`);
            check(a.frozen_commission >= 0, `frozen_commission ${a.frozen_commission} < 0`);
            let margin = 0;
            let positionProfit = 0;
            let markToMarket = 0;
            for (const [key, p] of Object.entries(document.positions)) {
              const split = (what: string, ok: boolean) => check(ok, `${key} ${what}`);
              split(
                'long = today + his',
                p.volume_long === p.volume_long_today + p.volume_long_his,
              );
              split(
                'short = today + his',
                p.volume_short === p.volume_short_today + p.volume_short_his,
              );
              split(
                'long frozen = today + his',
                p.volume_long_frozen === p.volume_long_frozen_today + p.volume_long_frozen_his,
              );
              split(
                'long frozen today <= today',
                p.volume_long_frozen_today <= p.volume_long_today,
              );
              split('long frozen his <= his', p.volume_long_frozen_his <= p.volume_long_his);
              split(
                'short frozen today <= today',
                p.volume_short_frozen_today <= p.volume_short_today,
              );
              split('short frozen his <= his', p.volume_short_frozen_his <= p.volume_short_his);
              split(
                'frozen volumes >= 0',
                Math.min(
                  p.volume_long_frozen_today,
                  p.volume_long_frozen_his,
                  p.volume_short_frozen_today,
                  p.volume_short_frozen_his,
                ) >= 0,
              );
              near(`${key} margin`, p.margin, p.margin_long + p.margin_short);
              near(
                `${key} float_profit`,
                p.float_profit,
                p.float_profit_long + p.float_profit_short,
              );
              near(
                `${key} position_profit`,
                p.position_profit,
                p.position_profit_long + p.position_profit_short,
              );
              margin += p.margin;
              positionProfit += p.position_profit;
              const unit = p.exchange_id === 'SSE' ? 1 : presetOf(p.instrument_id).unit_table;
              split(
                'net volume = trades',
                p.volume_long - p.volume_short === (netVolume.get(key) ?? 0),
              );
              markToMarket += (p.volume_long - p.volume_short) * p.last_price * unit;
            }
            near('account margin', a.margin, margin, 0.01);
            near('account position_profit', a.position_profit, positionProfit, 0.01);
            if (!Object.values(document.orders).some((order) => order.status === 'ALIVE')) {
              check(a.frozen_margin === 0, `frozen_margin ${a.frozen_margin} with no live order`);
              check(a.frozen_commission === 0, `frozen_commission ${a.frozen_commission} idle`);
              for (const [key, p] of Object.entries(document.positions))
                check(
                  p.volume_long_frozen === 0 && p.volume_short_frozen === 0,
                  `${key} frozen volume with no live order`,
                );
            }
            // Independent check: balance = cash ledger + value of the net position at last prices,
            // within one fen per rounded posting.
            near(
              'balance = ledger + mark to market',
              a.balance,
              ledger + markToMarket,
              0.01 * (postings + 1),
            );
            expect([step, act, broken]).toEqual([step, act, []]);
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
  });
});
