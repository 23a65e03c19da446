import { OrderRequest, QifiAccount } from '@qautlra/qifi';
import { AccountChange, BookTop, SimMatcher } from './sim-matcher';

const T0 = Date.UTC(2025, 2, 28, 2, 0); // 10:00 Beijing, a trading day

function setup(trading = () => true) {
  const changes: [string, AccountChange][] = [];
  let now = T0;
  const matcher = new SimMatcher({
    now: () => now,
    isTrading: () => trading(),
    onChange: (account, change) => changes.push([account, change]),
  });
  const account = new QifiAccount({
    accountCookie: 'acc',
    initCash: 10_000_000,
    tradingDay: '20250328',
  });
  matcher.addAccount(account);
  return { matcher, account, changes, tick: (ms: number) => (now += ms) };
}

const au = (overrides: Partial<BookTop> = {}): BookTop => ({
  instrument: 'SHFE.au2512',
  bidPrice: 600,
  bidVolume: 5,
  askPrice: 600.2,
  askVolume: 3,
  lastPrice: 600.1,
  ...overrides,
});

const buy = (overrides: Partial<OrderRequest> = {}): OrderRequest => ({
  order_id: 'b1',
  exchange_id: 'SHFE',
  instrument_id: 'au2512',
  direction: 'BUY',
  offset: 'OPEN',
  volume: 2,
  limit_price: 601,
  ...overrides,
});

describe('SimMatcher', () => {
  it('fills a marketable limit buy at the ask (price improvement), capped by the ask volume; the rest fills when a later quote crosses', () => {
    const { matcher, account, changes } = setup();
    matcher.onQuote(au());
    const first = matcher.insert('acc', buy({ volume: 5 }));
    expect(first).toMatchObject({
      ok: true,
      value: { status: 'ALIVE', volume_left: 2, last_msg: '部分成交' },
    });
    const trades = Object.values(account.toQifi().trades);
    expect(trades).toMatchObject([{ price: 600.2, volume: 3, order_id: 'b1' }]);
    expect(matcher.onQuote(au({ askPrice: 601.2 }))).toEqual([]); // above the limit: no fill
    expect(matcher.onQuote(au({ askPrice: 600.8, askVolume: 10 }))).toMatchObject([
      { price: 600.8, volume: 2 },
    ]);
    expect(account.order('b1')).toMatchObject({
      status: 'FINISHED',
      volume_left: 0,
      last_msg: '全部成交',
    });
    expect(account.toQifi().positions['SHFE.au2512']).toMatchObject({ volume_long_today: 5 });
    // The insert (order + its first trade) and the later fill (order + trade); quotes at an unchanged
    // last price do not re-mark.
    expect(changes.map(([, change]) => [change.orders, change.trades.length])).toEqual([
      [['b1'], 1],
      [['b1'], 1],
    ]);
    matcher.onQuote(au({ lastPrice: 610 }));
    expect(changes[2]).toEqual(['acc', { orders: [], trades: [], positions: ['SHFE.au2512'] }]);
  });

  it('shares the displayed volume of one quote between orders', () => {
    const { matcher, account } = setup();
    matcher.onQuote(au({ askVolume: 3 }));
    matcher.insert('acc', buy({ order_id: 'x', volume: 2 }));
    matcher.insert('acc', buy({ order_id: 'y', volume: 2 }));
    expect(account.order('x')).toMatchObject({ volume_left: 0 });
    expect(account.order('y')).toMatchObject({ volume_left: 1, status: 'ALIVE' });
  });

  it('sells at the bid, and a resting sell fills when the bid rises to it', () => {
    const { matcher, account } = setup();
    matcher.onQuote(au());
    matcher.insert('acc', buy({ volume: 1 }));
    const sell = matcher.insert(
      'acc',
      buy({
        order_id: 's1',
        direction: 'SELL',
        offset: 'CLOSETODAY',
        volume: 1,
        limit_price: 600.6,
      }),
    );
    expect(sell).toMatchObject({ ok: true, value: { status: 'ALIVE', volume_left: 1 } });
    matcher.onQuote(au({ bidPrice: 600.6, askPrice: 600.8 }));
    expect(account.order('s1')).toMatchObject({ status: 'FINISHED' });
    expect(Object.values(account.toQifi().trades).map((t) => [t.direction, t.price])).toEqual([
      ['BUY', 600.2],
      ['SELL', 600.6],
    ]);
    expect(account.toQifi().positions['SHFE.au2512']).toMatchObject({
      volume_long: 0,
      volume_short: 0,
    });
  });

  it('IOC cancels the unfilled rest; FOK (volume_condition ALL) fills whole or not at all; MARKET never rests', () => {
    const { matcher, account } = setup();
    matcher.onQuote(au({ askVolume: 3 }));
    expect(
      matcher.insert(
        'acc',
        buy({ order_id: 'fok', volume: 4, time_condition: 'IOC', volume_condition: 'ALL' }),
      ),
    ).toMatchObject({
      value: { status: 'FINISHED', volume_left: 4, last_msg: '已撤单' },
    });
    expect(
      matcher.insert('acc', buy({ order_id: 'ioc', volume: 4, time_condition: 'IOC' })),
    ).toMatchObject({
      value: { status: 'FINISHED', volume_left: 1, last_msg: '已撤单' },
    });
    matcher.onQuote(au({ askVolume: 3, askPrice: 600.4 }));
    expect(
      matcher.insert(
        'acc',
        buy({ order_id: 'mkt', volume: 1, price_type: 'MARKET', limit_price: 600.4 }),
      ),
    ).toMatchObject({
      value: { status: 'FINISHED', volume_left: 0 },
    });
    expect(
      Object.values(account.toQifi().trades).map((t) => [t.order_id, t.volume, t.price]),
    ).toEqual([
      ['ioc', 3, 600.2],
      ['mkt', 1, 600.4],
    ]);
    matcher.onQuote(au({ askPrice: 590, askVolume: 100 }));
    expect(Object.keys(account.toQifi().trades)).toHaveLength(2); // nothing rested
  });

  it('does not fill outside trading sessions; the order rests and fills once the session is open', () => {
    let open = false;
    const { matcher, account } = setup(() => open);
    matcher.onQuote(au());
    matcher.insert('acc', buy({ volume: 1 }));
    expect(account.order('b1')).toMatchObject({ status: 'ALIVE', volume_left: 1 });
    open = true;
    matcher.onQuote(au());
    expect(account.order('b1')).toMatchObject({ status: 'FINISHED' });
  });

  it('cancels a resting order, which then never fills; restored live orders rest again', () => {
    const { matcher, account } = setup();
    matcher.onQuote(au());
    matcher.insert('acc', buy({ order_id: 'r', limit_price: 599 }));
    expect(matcher.cancel('acc', 'r')).toMatchObject({
      ok: true,
      value: { status: 'FINISHED', last_msg: '已撤单' },
    });
    matcher.onQuote(au({ askPrice: 598 }));
    expect(account.order('r')).toMatchObject({ volume_left: 2 });

    matcher.insert('acc', buy({ order_id: 'keep', limit_price: 599 }));
    const restored = QifiAccount.fromQifi(account.toQifi());
    const after = new SimMatcher({
      now: () => T0,
      isTrading: () => true,
      onChange: () => undefined,
    });
    after.addAccount(restored);
    after.onQuote(au({ askPrice: 599, askVolume: 5 }));
    expect(restored.order('keep')).toMatchObject({ status: 'FINISHED' });
  });
});
