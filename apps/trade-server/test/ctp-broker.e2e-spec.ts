import { scriptedFront } from '../../../libs/ctp/test/support/scripted-front';
import { DiffClient, insertOrder } from './support/diff-client';
import { rest, TradeStack } from './support/start-trade-server';

const RB = 'SHFE.rb2601';

/**
 * The trade server's `ctp` broker on native-ctp's fake trader front: a DIFF user's orders go to its CTP
 * session, fills and states come back as the account's section, the account and positions are CTP's
 * (queried, never computed), and a reconnect mid-order ends with no duplicate order or trade.
 */
describe('trade server: the ctp broker on the fake CTP trader front', () => {
  let stack: TradeStack;
  let front: ReturnType<typeof scriptedFront>;

  beforeAll(async () => {
    front = scriptedFront([
      'user 8001 ctp-secret',
      'cash 500000',
      'commission 3',
      'instrument rb2601 SHFE 10 1 0.1 3300',
      'fill manual',
      'connect',
      'wait_orders 1 60000',
      'fill_order 1 3301',
      'wait_orders 2 60000',
      // The front drops with the second order resting, then comes back.
      'wait_file SIGNAL 60000',
      'disconnect 4097',
      'sleep 50',
      'connect',
      'wait_login 10000',
      'sleep 50',
      'fill_order 2 3300',
    ]);
    stack = await TradeStack.start([RB], {
      TRADE_CTP_FRONT: front.front,
      TRADE_CTP_FLOW_PATH: `${front.flow}-server`,
      TRADE_CTP_BROKER_ID: '9999',
      TRADE_CTP_ACCOUNTS: 'ctpuser:8001:ctp-secret',
    });
  });
  afterAll(() => stack?.close());

  it('routes DIFF orders to CTP; the section follows the fake front; a reconnect leaves no duplicates', async () => {
    const client = await DiffClient.login(stack.server.ws, 'ctpuser', 'ctp-secret', '8001', 'ctp');
    try {
      await client.until(
        () =>
          client.account('8001')?.accounts !== undefined &&
          (client.account('8001')!.accounts as any).CNY?.balance === 500000,
        'the CTP account',
      );
      client.send(insertOrder('8001', 'o1', { volume: 2, limit_price: 3301 }));
      await client.until(() => client.order('8001', 'o1')?.status === 'FINISHED', 'o1 filled');
      expect(client.order('8001', 'o1')).toMatchObject({
        volume_left: 0,
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        last_msg: '全部成交',
      });
      await client.until(
        () => (client.account('8001')!.positions as any)?.[RB]?.volume_long === 2,
        'the position from CTP',
      );

      client.send(
        insertOrder('8001', 'o2', {
          direction: 'SELL',
          offset: 'CLOSETODAY',
          volume: 1,
          limit_price: 3300,
        }),
      );
      await client.until(
        () =>
          client.order('8001', 'o2')?.status === 'ALIVE' &&
          client.order('8001', 'o2')?.exchange_order_id !== '',
        'o2 resting',
      );
      front.release();
      await client.until(
        () => client.order('8001', 'o2')?.status === 'FINISHED',
        'o2 filled after the reconnect',
        20_000,
      );
      await client.until(
        () => (client.account('8001')!.positions as any)?.[RB]?.volume_long === 1,
        'the position after the close',
        20_000,
      );
      const section = client.account('8001')!;
      expect(Object.keys(section.orders as object).sort()).toEqual(['o1', 'o2']);
      expect(Object.keys(section.trades as object)).toHaveLength(2);
      expect(client.hasNotify('CTP front disconnected (4097)')).toBe(true);

      // The account is the front's: CTP's own figures, queried after the fills.
      await client.until(
        () => (client.account('8001')!.accounts as any).CNY.commission === 9,
        'the account after the fills',
        20_000,
      );
      const cny = (client.account('8001')!.accounts as any).CNY;
      // opened 2 @ 3301, closed 1 @ 3300 (−10), the lot held marked at 3300 (−10), commission 9
      expect(cny).toMatchObject({
        close_profit: -10,
        position_profit: -10,
        commission: 9,
        balance: 500000 - 10 - 10 - 9,
        margin: 3300,
      });
    } finally {
      client.close();
    }
  });

  it('refuses what CTP refuses, in plain words; market orders are refused before CTP', async () => {
    const client = await DiffClient.login(stack.server.ws, 'ctpuser', 'ctp-secret', '8001', 'ctp');
    try {
      client.send(insertOrder('8001', 'bad1', { instrument_id: 'zz9999' }));
      await client.until(() => client.order('8001', 'bad1')?.status === 'FINISHED', 'the refusal');
      expect(client.order('8001', 'bad1')!.last_msg).toBe('找不到合约');
      client.send(insertOrder('8001', 'bad2', { price_type: 'ANY' }));
      await client.until(() => client.hasNotify('the ctp broker takes limit orders'), 'the notify');
      expect(client.order('8001', 'bad2')).toBeUndefined();
      // The CTP account's user logs in like any other, with the CTP password (created at start).
      const login = await rest(stack.server.http, 'POST', '/api/auth/login', {
        body: { user_name: 'ctpuser', password: 'ctp-secret' },
      });
      expect(login.status).toBe(200);
    } finally {
      client.close();
    }
  });
});
