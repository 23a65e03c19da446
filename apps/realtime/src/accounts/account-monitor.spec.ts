import { QifiAccount } from '@qautlra/qifi';
import type { JsonObject } from '@qautlra/diff';
import { InProcessRoomBus } from '../rooms/room-bus';
import { RoomPublisher } from '../rooms/room-publisher';
import { AccountMonitor } from './account-monitor';

const RB = 'SHFE.rb2601';

/** An account holding 2 lots of rb settled at 3,310 (its position cost), as the trade server sends it. */
function settledSection(): JsonObject {
  const engine = new QifiAccount({
    accountCookie: 'acc',
    initCash: 1_000_000,
    tradingDay: '20260105',
  });
  engine.insertOrder(
    {
      order_id: 'o1',
      exchange_id: 'SHFE',
      instrument_id: 'rb2601',
      direction: 'BUY',
      offset: 'OPEN',
      volume: 2,
      limit_price: 3300,
    },
    Date.UTC(2026, 0, 5, 2),
  );
  engine.receiveDeal('o1', { price: 3300, volume: 2 }, Date.UTC(2026, 0, 5, 2));
  engine.settle('20260106', { [RB]: 3310 });
  const qifi = engine.toQifi();
  return {
    session: { trading_day: qifi.trading_day },
    accounts: { CNY: { ...qifi.accounts } },
    positions: JSON.parse(JSON.stringify(qifi.positions)) as JsonObject,
    trades: {},
  };
}

describe('AccountMonitor', () => {
  it('does not re-mark on a quote of an instrument that has not traded today (pre-open: position PnL 0)', () => {
    const publisher = new RoomPublisher(
      new InProcessRoomBus(),
      { stateOf: () => undefined, wanted: () => undefined },
      { wantTtlMs: 60_000, storeIntervalMs: 1_000 },
    );
    const monitor = new AccountMonitor(
      { monitorUrl: 'ws://127.0.0.1:9/', marketUrl: 'ws://127.0.0.1:9/', pushIntervalMs: 100 },
      publisher,
    );
    monitor.takeOwners(new Map([['acc', { user_name: 'u', broker: 'sim' }]]));
    monitor.takeSection('acc', settledSection(), true, []);
    monitor.flush();
    const figures = () => monitor.book('acc')!.figures();
    expect(figures().position_profit).toBe(0);
    // The pre-open auction's indicative price, no trade yet: ignored.
    monitor.takeQuote(RB, { last_price: 3250, volume: 0 }, { last_price: 3250 });
    monitor.flush();
    expect(figures().position_profit).toBe(0);
    expect(monitor.counts.remarks).toBe(0);
    // The first trade of the day: re-marked.
    monitor.takeQuote(RB, { last_price: 3320, volume: 12 }, { last_price: 3320, volume: 12 });
    monitor.flush();
    expect(monitor.counts.remarks).toBe(1);
    expect(figures().position_profit).toBe((3320 - 3310) * 2 * 10);
    publisher.close();
  });
});
