import { InsertOrder } from '@qautlra/diff';
import { defaultPresetFor, QifiAccount } from '@qautlra/qifi';
import { AccountTradingState, riskLimits } from '@qautlra/risk';
import { SimMatcher } from './sim-matcher';
import { OrderDesk } from './order-desk';

const T0 = Date.UTC(2025, 2, 28, 2, 0);

function setup() {
  let now = T0;
  let state: AccountTradingState = 'ACTIVE';
  const matcher = new SimMatcher({
    now: () => now,
    isTrading: () => true,
    onChange: () => undefined,
  });
  const account = new QifiAccount({
    accountCookie: 'demo',
    initCash: 1_000_000,
    tradingDay: '20250328',
  });
  matcher.addAccount(account);
  matcher.onQuote({
    instrument: 'SHFE.au2512',
    bidPrice: 600,
    bidVolume: 10,
    askPrice: 600.2,
    askVolume: 10,
    lastPrice: 600.1,
    upperLimit: 630,
    lowerLimit: 570,
  });
  const desk = new OrderDesk({
    matcher,
    now: () => now,
    isTrading: () => true,
    presetFor: defaultPresetFor,
    limitsFor: () => riskLimits({ maxOrdersPerSecond: 3 }),
    stateOf: () => state,
  });
  return {
    desk,
    account,
    advance: (ms: number) => (now += ms),
    setState: (s: AccountTradingState) => (state = s),
  };
}

const insert = (overrides: Partial<InsertOrder> = {}): InsertOrder => ({
  aid: 'insert_order',
  user_id: 'demo',
  order_id: 'o1',
  exchange_id: 'SHFE',
  instrument_id: 'au2512',
  direction: 'BUY',
  offset: 'OPEN',
  volume: 1,
  price_type: 'LIMIT',
  limit_price: 601,
  volume_condition: 'ANY',
  time_condition: 'GFD',
  ...overrides,
});

describe('OrderDesk', () => {
  it('passes a sound order to the broker, which fills it', () => {
    const { desk, account } = setup();
    expect(desk.insert('demo', insert())).toEqual({
      order: expect.objectContaining({ status: 'FINISHED', last_msg: '全部成交' }),
    });
    expect(Object.values(account.toQifi().trades)).toHaveLength(1);
  });

  it('records a risk refusal as a FINISHED order naming the rule, with a notify, and sends nothing to the broker', () => {
    const { desk, account } = setup();
    const result = desk.insert('demo', insert({ limit_price: 640 }));
    expect(result.order).toMatchObject({ status: 'FINISHED', volume_left: 1 });
    expect(result.order?.last_msg).toMatch(/^PRICE_LIMIT: /);
    expect(result.notify).toMatchObject({ level: 'WARNING', code: 1014 });
    expect(result.notify?.content).toContain('PRICE_LIMIT');
    expect(account.account().frozen_margin).toBe(0);
    expect(Object.keys(account.toQifi().trades)).toHaveLength(0);
  });

  it('executes a duplicate order_id once', () => {
    const { desk, account } = setup();
    desk.insert('demo', insert());
    expect(desk.insert('demo', insert()).notify).toMatchObject({ code: 1011 });
    expect(Object.values(account.toQifi().trades)).toHaveLength(1);
    expect(account.order('o1')).toMatchObject({ last_msg: '全部成交' });
  });

  it('applies the rate limit, the kill switch, and reducing mode', () => {
    const { desk, advance, setState } = setup();
    for (const id of ['a', 'b', 'c'])
      expect(
        desk.insert('demo', insert({ order_id: id, limit_price: 590 })).notify,
      ).toBeUndefined();
    expect(
      desk.insert('demo', insert({ order_id: 'd', limit_price: 590 })).order?.last_msg,
    ).toMatch(/^ORDER_RATE/);
    advance(1000);
    setState('HALTED');
    expect(desk.insert('demo', insert({ order_id: 'e' })).order?.last_msg).toMatch(
      /^ACCOUNT_HALTED/,
    );
    expect(
      desk.cancel('demo', { aid: 'cancel_order', user_id: 'demo', order_id: 'a' }).order,
    ).toMatchObject({ last_msg: '已撤单' });
    setState('REDUCING');
    expect(desk.insert('demo', insert({ order_id: 'f' })).order?.last_msg).toMatch(
      /^ACCOUNT_REDUCING/,
    );
  });

  it('refuses an account the caller does not hold, and a cancel of an unknown order', () => {
    const { desk } = setup();
    expect(desk.insert('someone', insert()).notify).toMatchObject({ code: 1006 });
    expect(
      desk.cancel('demo', { aid: 'cancel_order', user_id: 'demo', order_id: 'zz' }).notify?.content,
    ).toContain('zz');
  });
});
