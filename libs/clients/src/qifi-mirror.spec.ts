import fc from 'fast-check';
import { QifiMirror } from './qifi-mirror';

const identity = {
  account: 'acc',
  portfolio: 'default',
  broker: 'sim',
  wsuri: 'ws://localhost:7988',
  eventmqIp: '',
  databaseIp: '',
  taskid: 't1',
  pingGap: 5,
};
const rtn = (...data: unknown[]) => ({ aid: 'rtn_data', data });
const notify = (content: string) => ({
  notify: { n1: { type: 'MESSAGE', level: 'INFO', code: 0, content } },
});
const order = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  order_id: id,
  status,
  volume_left: 1,
  ...extra,
});

describe('QifiMirror (the trader QIFI state, §5.5 with T2/T3 fixed)', () => {
  it('starts as the original initial QIFI document', () => {
    const mirror = new QifiMirror(identity);
    expect(mirror.document).toMatchObject({
      account_cookie: 'acc',
      password: '',
      bank_password: '',
      capital_password: '',
      broker_name: 'sim',
      taskid: 't1',
      ping_gap: 5,
      status: 200,
      pub_host: '127.0.0.1',
      trade_host: '127.0.0.1',
      event: {},
    });
  });

  it('applies every element of data in order, by deep merge (partial entries work)', () => {
    const mirror = new QifiMirror(identity);
    mirror.apply(
      rtn(
        {
          trade: {
            acc: {
              session: { trading_day: '20250328' },
              orders: { o1: order('o1', 'ALIVE', { limit_price: 10 }) },
            },
          },
        },
        { trade: { acc: { orders: { o1: { status: 'FINISHED', volume_left: 0 } } } } },
      ),
    );
    expect(mirror.document.trading_day).toBe('20250328');
    expect(mirror.document.orders.o1).toEqual({
      order_id: 'o1',
      status: 'FINISHED',
      volume_left: 0,
      limit_price: 10,
    });
    mirror.apply(rtn({ trade: { acc: { orders: { o1: null } } } }));
    expect(mirror.document.orders).toEqual({});
  });

  it('accounts = accounts.CNY with WithdrawQuota 0 → available; first bank gives bankid/bankname/money', () => {
    const mirror = new QifiMirror(identity);
    const change = mirror.apply(
      rtn({
        trade: {
          acc: {
            accounts: { CNY: { balance: 100, available: 80, WithdrawQuota: 0 } },
            investor_name: 'Zhang',
            banks: {
              b1: {
                id: 'b1',
                name: 'QASIMBank',
                bank_account: '',
                fetch_amount: 5000,
                qry_count: 1,
              },
            },
          },
        },
      }),
    );
    expect(change.changed).toBe(true);
    expect(mirror.document.accounts).toMatchObject({
      balance: 100,
      available: 80,
      WithdrawQuota: 80,
    });
    expect(mirror.document.investor_name).toBe('Zhang');
    expect(mirror.document).toMatchObject({ bankid: 'b1', bankname: 'QASIMBank', money: 5000 });
    expect(mirror.apply(rtn({ trade: { acc: { banks: { '': { id: '' } } } } })).queryBank).toBe(
      true,
    );
  });

  it('reports the trades in a frame and the orders it touched; keeps the alive index', () => {
    const mirror = new QifiMirror(identity);
    const change = mirror.apply(
      rtn({
        trade: {
          acc: {
            orders: { o1: order('o1', 'ALIVE'), o2: order('o2', 'FINISHED') },
            trades: { 'o2|1': { trade_id: 'o2|1', order_id: 'o2' } },
          },
          other: { orders: { x: order('x', 'ALIVE') } },
        },
      }),
    );
    expect(change.orders).toEqual(['o1', 'o2']);
    expect(change.trades.map((trade) => trade.trade_id)).toEqual(['o2|1']);
    expect(mirror.aliveOrders().map((o) => o.order_id)).toEqual(['o1']);
    mirror.apply(rtn({ trade: { acc: { orders: { o1: { status: 'FINISHED' } } } } }));
    expect(mirror.aliveOrders()).toEqual([]);
    expect(mirror.order('x')).toBeUndefined();
    expect(mirror.order('toString')).toBeUndefined();
  });

  it('notify texts go into event by local time; login failure sets status 600, success 200', () => {
    const mirror = new QifiMirror(identity);
    const change = mirror.apply(rtn(notify('用户登录失败')));
    expect(change.notices).toEqual(['用户登录失败']);
    expect(mirror.document.status).toBe(600);
    expect(Object.values(mirror.document.event)).toEqual(['用户登录失败']);
    expect(Object.keys(mirror.document.event)[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    mirror.apply(rtn(notify('登录成功')));
    expect(mirror.document.status).toBe(200);
  });

  it('a new session starts from an empty section (nothing of the old one kept)', () => {
    const mirror = new QifiMirror(identity);
    mirror.apply(
      rtn({
        trade: {
          acc: {
            orders: { o1: order('o1', 'ALIVE') },
            positions: { 'SHFE.rb2601': { volume_long: 1 } },
          },
        },
      }),
    );
    mirror.beginSession();
    expect(mirror.document.orders).toEqual({});
    expect(mirror.document.positions).toEqual({});
    expect(mirror.aliveOrders()).toEqual([]);
  });

  it('keeps settlement statements from qry_settlement_info replies', () => {
    const mirror = new QifiMirror(identity);
    const change = mirror.apply({
      aid: 'qry_settlement_info',
      data: [{ trade: { trading_day: '20250327', settlement_info: '结算单' } }],
    });
    expect(change.settlementDay).toBe('20250327');
    expect(mirror.document.settlement).toEqual({ '20250327': '结算单' });
  });

  it('ignores frames it does not know and malformed parts', () => {
    const mirror = new QifiMirror(identity);
    for (const frame of [
      { aid: 'pong' },
      { aid: 'rtn_data', data: 'x' },
      rtn(null, 1, 'a', { trade: 5 }, { trade: { acc: 'x' } }),
    ])
      expect(mirror.apply(frame as Record<string, unknown>).changed).toBe(false);
  });

  it('fuzz: any frame is taken without throwing and keeps the document readable', () => {
    const part = fc.oneof(
      fc.anything(),
      fc.record({ trade: fc.record({ acc: fc.dictionary(fc.string(), fc.jsonValue()) }) }),
      fc.record({ notify: fc.dictionary(fc.string(), fc.record({ content: fc.anything() })) }),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            aid: fc.constantFrom('rtn_data', 'qry_settlement_info', 'x'),
            data: fc.array(part, { maxLength: 4 }),
          }),
          { maxLength: 5 },
        ),
        (frames) => {
          const mirror = new QifiMirror(identity);
          for (const frame of frames) expect(() => mirror.apply(frame)).not.toThrow();
          expect(() => JSON.stringify(mirror.document)).not.toThrow();
          expect(mirror.document.account_cookie).toBe('acc');
          expect(() => mirror.aliveOrders()).not.toThrow();
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 500) },
    );
  });
});
