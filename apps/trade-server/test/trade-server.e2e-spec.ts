import { FakeMarket, waitFor } from '@qautlra/testing';
import { JsonObject } from '@qautlra/diff';
import { DiffClient, insertOrder } from './support/diff-client';
import { rest, RunningTradeServer, TradeStack } from './support/start-trade-server';

const RB = 'SHFE.rb2601';
const AU = 'SHFE.au2512';

describe('trade server: DIFF over WebSocket on PostgreSQL + Redis (sim broker)', () => {
  let stack: TradeStack;
  let server: RunningTradeServer;
  let market: FakeMarket;

  beforeAll(async () => {
    stack = await TradeStack.start([RB, AU]);
    ({ server, market } = stack);
    market.book(RB, 3300, 3301, 100, { upper_limit: 3500, lower_limit: 3100 });
    market.book(AU, 620, 620.05, 100, { upper_limit: 660, lower_limit: 580 });
  });

  afterAll(() => stack?.close());

  const newUser = () => stack.newUser();

  it('logs in with the right password (登录成功) and refuses a wrong one (用户登录失败)', async () => {
    const user = await newUser();
    const bad = await DiffClient.connect(server.ws);
    bad.send({ aid: 'req_login', bid: 'sim', user_name: user, password: 'nope' });
    await bad.until(() => bad.hasNotify('用户登录失败'));
    bad.close();
    const good = await DiffClient.login(server.ws, user, 'pw');
    expect(good.hasNotify('登录成功')).toBe(true);
    const section = good.account(user) as JsonObject;
    expect((section.accounts as JsonObject).CNY).toMatchObject({
      balance: 1_000_000,
      available: 1_000_000,
    });
    good.close();
  });

  it('fills a marketable limit buy: order FINISHED, the trade, the position and the account as the engine computes', async () => {
    const user = await newUser();
    const client = await DiffClient.login(server.ws, user, 'pw');
    client.send(
      insertOrder(user, 'buy-1', {
        volume: 2,
        limit_price: 3305,
        volume_condition: 'ANY',
        time_condition: 'GFD',
      }),
    );
    await client.until(() => client.order(user, 'buy-1')?.status === 'FINISHED');
    const section = client.account(user) as JsonObject;
    expect(section.orders).toMatchObject({
      'buy-1': { status: 'FINISHED', volume_left: 0, last_msg: '全部成交' },
    });
    expect(section.trades).toMatchObject({
      'buy-1|1': { price: 3301, volume: 2, direction: 'BUY', offset: 'OPEN' },
    });
    expect((section.positions as JsonObject)[RB]).toMatchObject({
      volume_long: 2,
      volume_long_today: 2,
    });
    // The client's merged numbers are the engine's (REST reads the broker's own section).
    const token = await stack.tokenOf(user);
    await waitFor(
      async () => {
        const engine = await rest(server.http, 'GET', `/api/accounts/${user}`, { token });
        return (
          JSON.stringify(engine.body.accounts) === JSON.stringify(client.account(user)?.accounts)
        );
      },
      { what: "the client's merged account equal to the engine's" },
    );
    const cny = ((client.account(user) as JsonObject).accounts as JsonObject).CNY as JsonObject;
    expect(cny.commission).toBeGreaterThan(0);
    expect(cny.margin).toBeGreaterThan(0);
    expect(cny.balance).toBeCloseTo(
      (cny.static_balance as number) +
        (cny.close_profit as number) -
        (cny.commission as number) +
        (cny.position_profit as number),
      2,
    );
    client.close();
  });

  it('rests a limit order that is not marketable; it fills when the market crosses it; cancel finishes another', async () => {
    const user = await newUser();
    const client = await DiffClient.login(server.ws, user, 'pw');
    client.send(insertOrder(user, 'rest-1', { instrument_id: 'au2512', limit_price: 619 }));
    client.send(insertOrder(user, 'rest-2', { instrument_id: 'au2512', limit_price: 600 }));
    await client.until(() => client.order(user, 'rest-2')?.status === 'ALIVE');
    expect(client.order(user, 'rest-1')).toMatchObject({ status: 'ALIVE', volume_left: 1 });
    market.book(AU, 618.5, 618.9, 50);
    await client.until(() => client.order(user, 'rest-1')?.status === 'FINISHED');
    expect((client.account(user)?.trades as JsonObject)['rest-1|1']).toMatchObject({
      price: 618.9,
    });
    client.send({ aid: 'cancel_order', user_id: user, order_id: 'rest-2' });
    await client.until(() => client.order(user, 'rest-2')?.status === 'FINISHED');
    expect(client.order(user, 'rest-2')?.last_msg).toBe('已撤单');
    market.book(AU, 620, 620.05, 100);
    client.close();
  });

  it('executes a duplicate order_id once', async () => {
    const user = await newUser();
    const client = await DiffClient.login(server.ws, user, 'pw');
    const order = insertOrder(user, 'dup');
    client.send(order);
    client.send(order);
    client.send(order);
    await client.until(() => client.order(user, 'dup')?.status === 'FINISHED');
    await client.until(
      () => client.hasNotify('DUPLICATE_ORDER_ID') || client.order(user, 'dup') !== undefined,
    );
    const token = await stack.tokenOf(user);
    const trades = await rest(server.http, 'GET', `/api/accounts/${user}/trades`, { token });
    expect(Object.keys(trades.body)).toEqual(['dup|1']);
    const positions = await rest(server.http, 'GET', `/api/accounts/${user}/positions`, { token });
    expect(positions.body[RB].volume_long).toBe(1);
    client.close();
  });

  it("keeps another user's account invisible and untouchable", async () => {
    const owner = await newUser();
    const other = await newUser();
    const client = await DiffClient.login(server.ws, other, 'pw');
    expect(client.account(owner)).toBeUndefined();
    client.send(insertOrder(owner, 'steal'));
    client.send({ aid: 'cancel_order', user_id: owner, order_id: 'x' });
    await client.until(() => client.hasNotify('下单失败') && client.hasNotify('撤单失败'));
    const token = await stack.tokenOf(other);
    expect((await rest(server.http, 'GET', `/api/accounts/${owner}`, { token })).status).toBe(404);
    expect(
      (
        await rest(server.http, 'POST', `/api/accounts/${owner}/orders`, {
          token,
          body: {
            exchange_id: 'SHFE',
            instrument_id: 'rb2601',
            direction: 'BUY',
            offset: 'OPEN',
            volume: 1,
            price_type: 'LIMIT',
            limit_price: 3301,
          },
        })
      ).status,
    ).toBe(404);
    const ownerToken = await stack.tokenOf(owner);
    const orders = await rest(server.http, 'GET', `/api/accounts/${owner}/orders`, {
      token: ownerToken,
    });
    expect(orders.body).toEqual({});
    client.close();
  });

  it('answers malformed frames, unknown aids and missing fields with error notifies, closes huge frames with 1009, and stays up', async () => {
    const user = await newUser();
    const client = await DiffClient.login(server.ws, user, 'pw');
    client.send('{not json');
    client.send({ aid: 'launch_rocket' });
    client.send({ aid: 'insert_order', user_id: user, order_id: 'm1' });
    client.send(insertOrder(user, 'm2', { volume: -3 }));
    client.socket.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    await client.until(
      () => client.notifies.filter((entry) => entry.level === 'ERROR').length >= 5,
      'five error notifies',
    );
    expect(client.notifies.map((entry) => entry.code)).toEqual(
      expect.arrayContaining([-1, -2, -3]),
    );
    expect(client.order(user, 'm1')).toBeUndefined();
    // Still serving this connection.
    client.send(insertOrder(user, 'after'));
    await client.until(() => client.order(user, 'after')?.status === 'FINISHED');
    // A huge frame closes this connection only.
    const huge = await DiffClient.connect(server.ws);
    huge.send({ aid: 'req_login', bid: 'sim', user_name: user, password: 'x'.repeat(1024 * 1024) });
    await waitFor(() => huge.closeCode, { what: 'close code' });
    expect(huge.closeCode).toBe(1009);
    client.send({ aid: 'ping' });
    await client.until(() => client.frames.some((frame) => frame.aid === 'pong'));
    client.close();
  });
});
