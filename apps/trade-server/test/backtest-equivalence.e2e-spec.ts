import { isSessionOpen } from '@qautlra/calendar';
import { BacktestEngine, simTicks } from '@qautlra/backtest';
import type { InsertOrder } from '@qautlra/diff';
import { bookTopOf, defineStrategy, MarketTick } from '@qautlra/execution';
import { productOf } from '@qautlra/qamd';
import { defaultPresetFor, Qifi, QifiAccount, QifiOrder } from '@qautlra/qifi';
import { seededRandom } from '@qautlra/sim';
import type { DatabaseHandle } from '@qautlra/platform';
import { AccountSettings } from '../src/auth/user.repository';
import { TradeEngine } from '../src/engine/trade-engine';
import { TradeCommand } from '../src/engine/trade-events';
import {
  openTradeDatabase,
  simBank,
  TradeStore,
  TradeStoreDatabase,
} from '../src/store/trade-store';
import { TestDatabase } from './support/start-trade-server';

const ACCOUNT = 'equal1';
const INSTRUMENTS = ['SHFE.rb2705', 'DCE.m2609'];

/** What the strategy did on a tick: the orders it sent and the orders it cancelled. */
interface Action {
  tick: number;
  sent: string[];
  cancelled: string[];
}

/**
 * A strategy that trades on a seeded schedule: marketable and resting limit orders, market
 * orders, opens and closes (split by the runner on SHFE), cancels — and logs what it did on which
 * tick, so the same sequence can be sent to the trade server.
 */
function scheduled(actions: Action[]) {
  return defineStrategy<{ seed: number }>({
    name: 'scheduled',
    parameters: { seed: { default: 11 } },
    create: ({ seed }) => {
      const random = seededRandom(seed);
      let tick = -1;
      return {
        onTick(quote: MarketTick, context) {
          tick += 1;
          if (random() > 0.08) return;
          const action: Action = { tick, sent: [], cancelled: [] };
          const position = context.position(quote.instrument);
          // Both instruments' price tick is 1.
          const step = 1;
          const roll = random();
          if (roll < 0.25)
            action.sent.push(
              ...context.buyOpen(quote.instrument, 1 + Math.floor(random() * 3), {
                price: quote.askPrice,
              }),
            );
          else if (roll < 0.45)
            action.sent.push(
              ...context.sellOpen(quote.instrument, 1, { price: quote.bidPrice - step }),
            );
          else if (roll < 0.6 && position.long > 0)
            action.sent.push(
              ...context.sell(quote.instrument, position.long, { price: quote.bidPrice }),
            );
          else if (roll < 0.7 && position.short > 0)
            action.sent.push(...context.buyClose(quote.instrument, position.short));
          else if (roll < 0.85)
            action.sent.push(
              ...context.buyOpen(quote.instrument, 1, { price: quote.bidPrice - 3 * step }),
            );
          else {
            for (const order of context.orders()) {
              context.cancel(order.order_id);
              action.cancelled.push(order.order_id);
            }
          }
          if (action.sent.length + action.cancelled.length > 0) actions.push(action);
        },
      };
    },
  });
}

/** The DIFF insert an order was sent as (what the runner sent, read back from the account). */
function insertOf(order: QifiOrder): InsertOrder {
  return {
    aid: 'insert_order',
    user_id: ACCOUNT,
    order_id: order.order_id,
    exchange_id: order.exchange_id,
    instrument_id: order.instrument_id,
    direction: order.direction as InsertOrder['direction'],
    offset: order.offset as InsertOrder['offset'],
    volume: order.volume_orign,
    price_type: order.price_type as InsertOrder['price_type'],
    ...(order.price_type === 'LIMIT' ? { limit_price: order.limit_price } : {}),
    time_condition: order.time_condition as InsertOrder['time_condition'],
    volume_condition: order.volume_condition as InsertOrder['volume_condition'],
  };
}

/** The parts of a QIFI document both engines must agree on, with keys in a fixed order. */
function comparable(document: Qifi) {
  const sorted = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return {
    trading_day: document.trading_day,
    accounts: document.accounts,
    positions: sorted(document.positions),
    orders: sorted(document.orders),
    trades: sorted(document.trades),
  };
}

/**
 * Issue 17 acceptance: the same order sequence, replayed through the trade server's sim broker
 * (its TradeEngine with the PostgreSQL store) on the same ticks and through the backtest engine in
 * tick mode, gives the same trades and the same QIFI account, day by day across a settlement.
 */
describe('backtest (tick mode) = the trade server sim broker', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle<TradeStoreDatabase>;
  let store: TradeStore;

  beforeAll(async () => {
    database = await TestDatabase.create('trade_equal');
    handle = await openTradeDatabase({ url: database.url, dataDir: '' });
    store = new TradeStore(handle);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it('gives identical trades and QIFI accounts', async () => {
    const ticks = [
      ...simTicks({
        instruments: INSTRUMENTS,
        from: '2026-01-05',
        to: '2026-01-06',
        stepMs: 20_000,
      }),
    ];
    const actions: Action[] = [];
    const backtest = new BacktestEngine(
      scheduled(actions),
      {},
      { accounts: [{ name: ACCOUNT, initCash: 1_000_000 }] },
    ).run(ticks);
    expect(backtest.trades.length).toBeGreaterThan(20);
    expect(backtest.summary.tradingDays).toBe(2);
    const sentOrders = new Map(
      backtest.daily
        .flatMap((day) => Object.values(day.qifi.orders))
        .map((order) => [order.order_id, order]),
    );

    // The trade server's broker worker, on the same clock, calendar and presets.
    let clock = 0;
    await store.createAccount(
      new QifiAccount({
        accountCookie: ACCOUNT,
        initCash: 1_000_000,
        tradingDay: ticks[0]!.tradingDay,
        presetFor: defaultPresetFor,
      }),
      simBank(ACCOUNT),
    );
    const settings = {
      account_cookie: ACCOUNT,
      user_name: ACCOUNT,
      broker: 'sim',
      state: 'ACTIVE',
      limits: {},
      risk_limits: {},
      created_at: new Date(),
    } as unknown as AccountSettings;
    const engine = new TradeEngine({
      broker: 'sim',
      store,
      accountsAtBroker: () => Promise.resolve([settings]),
      accountSettings: () => Promise.resolve(settings),
      publish: () => undefined,
      now: () => clock,
      isTrading: (instrument, at) => {
        const [exchange, code] = instrument.split('.') as [string, string];
        return isSessionOpen(exchange, productOf(code), at);
      },
      presetFor: defaultPresetFor,
      tradingDay: () => ticks[0]!.tradingDay,
      markIntervalMs: 60_000,
    });
    await engine.start();
    const serverDays: Qifi[] = [];
    let day = ticks[0]!.tradingDay;
    let next = 0;
    for (const [index, tick] of ticks.entries()) {
      if (tick.tradingDay !== day) {
        serverDays.push(engine.account(ACCOUNT)!.toQifi());
        await engine.handle({ type: 'settle', trading_day: tick.tradingDay });
        day = tick.tradingDay;
      }
      clock = tick.datetimeMs;
      engine.onQuote(bookTopOf(tick));
      while (actions[next]?.tick === index) {
        const action = actions[next]!;
        const commands: TradeCommand[] = [
          ...action.sent.map((id): TradeCommand => ({
            type: 'insert',
            user: ACCOUNT,
            account: ACCOUNT,
            order: insertOf(sentOrders.get(id)!),
          })),
          ...action.cancelled.map((id): TradeCommand => ({
            type: 'cancel',
            user: ACCOUNT,
            account: ACCOUNT,
            order_id: id,
          })),
        ];
        for (const command of commands) await engine.handle(command);
        next += 1;
      }
    }
    serverDays.push(engine.account(ACCOUNT)!.toQifi());
    await engine.stop();

    expect(next).toBe(actions.length);
    expect(serverDays.map(comparable)).toEqual(
      backtest.daily.map((record) => comparable(record.qifi)),
    );
  });
});
