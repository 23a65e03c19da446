import { nonFiniteNumbers } from '@qautlra/testing';
import fc from 'fast-check';
import { QifiAccount } from './account-engine';
import { MAX_MONEY } from './money';
import { parseQifi, qifiToJson } from './qifi-document';
import { QifiError } from './qifi.error';

/** Any double a client could send: ordinary amounts, the largest finite ones, and non-numbers. */
const anyAmount = fc.oneof(
  fc.double(),
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    MAX_MONEY,
    -MAX_MONEY,
    1e13 + 0.01,
  ),
  fc.double({ min: -1e7, max: 1e7, noNaN: true }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
);
const anyPrice = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
  fc.double(),
  fc.constantFrom(1e308, Number.MAX_VALUE, 1e300, 5e-324),
  fc.integer({ min: 1, max: 10_000 }),
);
const anyVolume = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }) },
  fc.constantFrom(2 ** 53, 1e9, 1e15, 0, -1),
  fc.double(),
);
const INSTRUMENTS = [
  ['SHFE', 'rb2505'],
  ['SHFE', 'au2512'],
  ['CFFEX', 'IF2506'],
  ['SSE', '600000'],
] as const;

type Command =
  | { kind: 'transfer'; amount: number }
  | {
      kind: 'order';
      instrument: number;
      buy: boolean;
      open: boolean;
      price: number;
      volume: number;
    }
  | { kind: 'fill'; pick: number; price: number; volume: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'price'; instrument: number; price: number }
  | { kind: 'settle'; price: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('transfer' as const), amount: anyAmount }),
  fc.record({
    kind: fc.constant('order' as const),
    instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
    buy: fc.boolean(),
    open: fc.boolean(),
    price: anyPrice,
    volume: anyVolume,
  }),
  fc.record({
    kind: fc.constant('fill' as const),
    pick: fc.nat(),
    price: anyPrice,
    volume: anyVolume,
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('price' as const),
    instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
    price: anyPrice,
  }),
  fc.record({ kind: fc.constant('settle' as const), price: anyPrice }),
);

/**
 * Issue 16 §3: whatever amounts a client sends, the engine never holds a non-finite number, and
 * the stored document (JSON) restores to the same state.
 */
describe('account engine with arbitrary amounts (property)', () => {
  it('initial cash outside ±MAX_MONEY or not finite is refused with a QifiError', () => {
    fc.assert(
      fc.property(anyAmount, (cash) => {
        const make = () =>
          new QifiAccount({ accountCookie: 'a', initCash: cash, tradingDay: '20250327' });
        if (Number.isFinite(cash) && Math.abs(cash) <= MAX_MONEY)
          return nonFiniteNumbers(make().toQifi()).length === 0;
        try {
          make();
          return false;
        } catch (error) {
          return error instanceof QifiError;
        }
      }),
    );
  });

  it('restores a position opened at a price whose cost does not divide back exactly (a shrunk counterexample)', () => {
    const account = new QifiAccount({
      accountCookie: 'a',
      initCash: 100_000,
      tradingDay: '20250327',
    });
    const at = Date.parse('2025-03-27T01:30:00Z');
    const order = {
      order_id: 'o0',
      exchange_id: 'SHFE',
      instrument_id: 'rb2505',
      direction: 'SELL' as const,
      offset: 'OPEN' as const,
      volume: 3,
      limit_price: 1,
    };
    expect(account.insertOrder(order, at).ok).toBe(true);
    account.receiveDeal('o0', { price: 0.00008165374236657163, volume: 3 }, at + 1000);
    const stored = qifiToJson(account.toQifi());
    expect(qifiToJson(QifiAccount.fromQifi(parseQifi(stored)).toQifi())).toBe(stored);
  });

  it('no command sequence yields a non-finite field, and the JSON document restores to the same state', () => {
    let runsWithTrades = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 4, arbitrary: fc.integer({ min: 100_000, max: 100_000_000 }) },
          fc.double({ min: 0, max: MAX_MONEY, noNaN: true }),
        ),
        fc.array(command, { minLength: 1, maxLength: 60 }),
        (cash, commands) => {
          const account = new QifiAccount({
            accountCookie: 'a',
            initCash: cash,
            tradingDay: '20250327',
          });
          const orderIds: string[] = [];
          const problems: string[] = [];
          let day = 27;
          for (const [step, next] of commands.entries()) {
            const at = Date.parse('2025-03-27T01:30:00Z') + step * 1000;
            switch (next.kind) {
              case 'transfer':
                account.transfer(next.amount, at);
                break;
              case 'order': {
                const [exchange, instrument] = INSTRUMENTS[next.instrument]!;
                const id = `o${step}`;
                const result = account.insertOrder(
                  {
                    order_id: id,
                    exchange_id: exchange,
                    instrument_id: instrument,
                    direction: next.buy ? 'BUY' : 'SELL',
                    offset: next.open ? 'OPEN' : 'CLOSE',
                    volume: next.volume,
                    limit_price: next.price,
                  },
                  at,
                );
                if (result.ok) orderIds.push(id);
                break;
              }
              case 'fill':
                if (orderIds.length > 0)
                  account.receiveDeal(
                    orderIds[next.pick % orderIds.length]!,
                    { price: next.price, volume: next.volume },
                    at,
                  );
                break;
              case 'cancel':
                if (orderIds.length > 0)
                  account.cancelOrder(orderIds[next.pick % orderIds.length]!);
                break;
              case 'price':
                account.updatePrice(INSTRUMENTS[next.instrument]!.join('.'), next.price);
                break;
              case 'settle':
                day += 1;
                account.settle(
                  `202503${String(day).padStart(2, '0')}`,
                  Object.fromEntries(INSTRUMENTS.map((item) => [item.join('.'), next.price])),
                );
                break;
            }
            problems.push(
              ...nonFiniteNumbers(account.toQifi()).map((path) => `step ${step}: ${path}`),
            );
          }
          const stored = account.toQifi();
          if (Object.keys(stored.trades).length > 0 || Object.keys(stored.positions).length > 0)
            runsWithTrades += 1;
          const restored = QifiAccount.fromQifi(parseQifi(qifiToJson(stored))).toQifi();
          if (qifiToJson(restored) !== qifiToJson(stored)) problems.push('restored state differs');
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
    // The generator must reach fills, not only refusals.
    expect(runsWithTrades).toBeGreaterThan(50);
  });
});
