import { nonFiniteNumbers } from '@qautlra/testing';
import type { DatabaseHandle } from '@qautlra/platform';
import { defaultPresetFor, MAX_MONEY, QifiAccount, qifiToJson } from '@qautlra/qifi';
import fc from 'fast-check';
import { AccountSettings } from '../src/auth/user.repository';
import { TradeEngine } from '../src/engine/trade-engine';
import { AccountEvent, TradeCommand } from '../src/engine/trade-events';
import {
  openTradeDatabase,
  simBank,
  TradeStore,
  TradeStoreDatabase,
} from '../src/store/trade-store';
import { TestDatabase } from './support/start-trade-server';

/** JSON text with every object's keys sorted. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${sortedJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const INSTRUMENTS = ['SHFE.rb2601', 'SHFE.au2512', 'CFFEX.IF2506'] as const;

/** An insert command: a limit order of `account` on `instrument` (`EXCHANGE.code`). */
function insertCommand(
  account: string,
  orderId: string,
  instrument: string,
  buy: boolean,
  open: boolean,
  volume: number,
  price: number,
): TradeCommand {
  const [exchange, code] = instrument.split('.') as [string, string];
  return {
    type: 'insert',
    user: account,
    account,
    order: {
      aid: 'insert_order',
      user_id: account,
      order_id: orderId,
      exchange_id: exchange,
      instrument_id: code,
      direction: buy ? 'BUY' : 'SELL',
      offset: open ? 'OPEN' : 'CLOSE',
      volume,
      price_type: 'LIMIT',
      limit_price: price,
    },
  };
}
const amount = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -200_000, max: 200_000 }) },
  fc.constantFrom(1e308, -1e308, Number.MAX_VALUE, MAX_MONEY, -MAX_MONEY, 9e12),
  fc.double(),
);
const price = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 100, max: 5_000 }) },
  fc.constantFrom(1e308, 1e300, 0, -1),
  fc.double(),
);
const volume = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) },
  fc.constantFrom(1e15, 2 ** 53, 0),
  fc.double(),
);

type Step =
  | { kind: 'transfer'; amount: number }
  | {
      kind: 'order';
      instrument: number;
      buy: boolean;
      open: boolean;
      price: number;
      volume: number;
    }
  | { kind: 'cancel'; pick: number }
  | { kind: 'quote'; instrument: number; price: number }
  | { kind: 'settle' }
  /** An order and then a quote at its price: a fill (the rest of the sequence is arbitrary). */
  | { kind: 'cross'; instrument: number; buy: boolean; price: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('transfer' as const), amount }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('order' as const),
      instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
      buy: fc.boolean(),
      open: fc.boolean(),
      price,
      volume,
    }),
  },
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('quote' as const),
      instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
      price,
    }),
  },
  fc.record({ kind: fc.constant('settle' as const) }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('cross' as const),
      instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
      buy: fc.boolean(),
      price: fc.integer({ min: 100, max: 5_000 }),
    }),
  },
);

/**
 * Issue 16 §3 through the trade store: arbitrary admin and trading commands, run by the broker's
 * engine and written to PostgreSQL, never store a non-finite number, and an engine started again
 * on the same database holds the same state.
 */
describe('trade engine + store: any command sequence survives a restart (property)', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle<TradeStoreDatabase>;
  let store: TradeStore;
  let run = 0;

  beforeAll(async () => {
    database = await TestDatabase.create('trade_prop');
    handle = await openTradeDatabase({ url: database.url, dataDir: '' });
    store = new TradeStore(handle);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  /** A new account with 1,000,000 CNY in the store. */
  function createAccount(cookie: string, tradingDay: string): Promise<void> {
    return store.createAccount(
      new QifiAccount({
        accountCookie: cookie,
        initCash: 1_000_000,
        tradingDay,
        presetFor: defaultPresetFor,
      }),
      simBank(cookie),
    );
  }

  function engineFor(
    cookie: string,
    day: { value: string },
    publish: (event: AccountEvent) => void = () => undefined,
  ): TradeEngine {
    const settings: AccountSettings = {
      account_cookie: cookie,
      user_name: cookie,
      broker: 'sim',
      state: 'ACTIVE',
      limits: {},
      risk_limits: {},
      created_at: new Date(),
    } as AccountSettings;
    return new TradeEngine({
      broker: 'sim',
      store,
      accountsAtBroker: () => Promise.resolve([settings]),
      accountSettings: (asked) =>
        asked === 'unreadable'
          ? Promise.reject(new Error('settings unreadable'))
          : Promise.resolve(settings),
      publish,
      now: () => Date.parse('2025-03-27T02:00:00Z'),
      isTrading: () => true,
      presetFor: defaultPresetFor,
      tradingDay: () => day.value,
      markIntervalMs: 60_000,
    });
  }

  it('never stores a non-finite field; the restarted engine holds the same document', async () => {
    let runsWithTrades = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        run += 1;
        const cookie = `p${run}`;
        const day = { value: '20250327' };
        await createAccount(cookie, day.value);
        const engine = engineFor(cookie, day);
        await engine.start();
        const orderIds: string[] = [];
        /** A limit order `o<index>` (its id remembered for cancels). */
        const insert = (
          index: number,
          instrument: number,
          buy: boolean,
          open: boolean,
          volume: number,
          price: number,
        ): TradeCommand => {
          const orderId = `o${index}`;
          orderIds.push(orderId);
          return insertCommand(cookie, orderId, INSTRUMENTS[instrument]!, buy, open, volume, price);
        };
        /** A top of book at `price` on both sides: crosses every order at that price. */
        const quote = (instrument: number, price: number) =>
          engine.onQuote({
            instrument: INSTRUMENTS[instrument]!,
            bidPrice: price,
            bidVolume: 100,
            askPrice: price,
            askVolume: 100,
            lastPrice: price,
          });
        for (const [index, next] of steps.entries()) {
          let command: TradeCommand | undefined;
          switch (next.kind) {
            case 'transfer':
              command = {
                type: 'transfer',
                account: cookie,
                bank_id: '',
                bank_password: '',
                amount: next.amount,
                admin: true,
              };
              break;
            case 'order':
              command = insert(
                index,
                next.instrument,
                next.buy,
                next.open,
                next.volume,
                next.price,
              );
              break;
            case 'cancel':
              if (orderIds.length > 0)
                command = {
                  type: 'cancel',
                  user: cookie,
                  account: cookie,
                  order_id: orderIds[next.pick % orderIds.length]!,
                };
              break;
            case 'quote':
              quote(next.instrument, next.price);
              break;
            case 'cross':
              await engine.handle(insert(index, next.instrument, next.buy, true, 1, next.price));
              quote(next.instrument, next.price);
              break;
            case 'settle':
              day.value = String(Number(day.value) + 1);
              command = { type: 'settle', trading_day: day.value };
              break;
          }
          if (command) await engine.handle(command);
        }
        await engine.stop();
        const before = engine.account(cookie)?.toQifi();
        expect(before).toBeDefined();
        if (Object.keys(before?.trades ?? {}).length > 0) runsWithTrades += 1;
        const stored = await store.loadAccount(cookie);
        const again = engineFor(cookie, day);
        await again.start();
        const after = again.account(cookie)?.toQifi();
        await again.stop();
        const problems = [
          ...nonFiniteNumbers(before).map((path) => `engine ${path}`),
          ...nonFiniteNumbers(stored?.document).map((path) => `stored ${path}`),
          ...again.quarantinedAccounts().map((q) => `quarantined: ${q.reason}`),
        ];
        expect(problems).toEqual([]);
        // The same state; the order of map keys (positions by first use) is not part of it.
        expect(after && sortedJson(JSON.parse(qifiToJson(after)))).toEqual(
          before && sortedJson(JSON.parse(qifiToJson(before))),
        );
      }),
      { numRuns: 25 },
    );
    expect(runsWithTrades).toBeGreaterThan(0);
  });

  it('runs a batch as one step: one event per account with every reply in order; a failure stops nothing', async () => {
    const cookie = 'batch1';
    const day = { value: '20250327' };
    await createAccount(cookie, day.value);
    const events: AccountEvent[] = [];
    const engine = engineFor(cookie, day, (event) => events.push(event));
    await engine.start();
    const insert = (orderId: string) =>
      insertCommand(cookie, orderId, 'SHFE.rb2601', true, true, 1, 3000);
    events.length = 0;
    await expect(
      engine.handleAll([
        insert('b1'),
        insert('b2'),
        { type: 'cancel', user: cookie, account: cookie, order_id: 'b2' },
        { type: 'load_account', account: 'unreadable' },
        insert('b3'),
      ]),
    ).rejects.toThrow('settings unreadable');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.replies?.map((reply) => [reply.command, reply.order_id, reply.ok])).toEqual([
      ['insert', 'b1', true],
      ['insert', 'b2', true],
      ['cancel', 'b2', true],
      ['insert', 'b3', true],
    ]);
    const orders = event?.patch?.orders as Record<string, { status: string }>;
    expect(Object.keys(orders).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(orders.b2?.status).toBe('FINISHED');
    // One command at a time: one event each.
    events.length = 0;
    await engine.handle(insert('b4'));
    await engine.handle({ type: 'cancel', user: cookie, account: cookie, order_id: 'b4' });
    expect(events.map((one) => one.replies?.map((reply) => reply.command))).toEqual([
      ['insert'],
      ['cancel'],
    ]);
    await engine.stop();
    expect((await store.loadAccount(cookie))?.document.orders.b3?.status).toBe('ALIVE');
  });
});
