import { JsonObject } from '@qautlra/diff';
import { FakeMarket } from '@qautlra/testing';
import { DiffClient, insertOrder } from './support/diff-client';
import { rest, RunningTradeServer, TradeStack } from './support/start-trade-server';

const RB = 'SHFE.rb2601';
const NOT_LISTED = 'SHFE.rb9912';

describe('trade server: pre-trade risk, close today/yesterday, settlement, bank transfers', () => {
  let stack: TradeStack;
  let server: RunningTradeServer;
  let market: FakeMarket;
  let adminToken: string;

  beforeAll(async () => {
    stack = await TradeStack.start([RB]);
    ({ server, market, adminToken } = stack);
    market.book(RB, 3300, 3301, 100, { upper_limit: 3500, lower_limit: 3100 });
  });

  afterAll(() => stack?.close());

  async function account(cash: number, limits?: Record<string, unknown>) {
    const name = await stack.newUser(cash, limits);
    return { name, client: await DiffClient.login(server.ws, name, 'pw') };
  }

  it.each([
    ['INSTRUMENT_NOT_FOUND', { instrument_id: NOT_LISTED.slice(5) }, {}, 1_000_000],
    ['PRICE_TICK', { limit_price: 3300.5 }, {}, 1_000_000],
    ['PRICE_LIMIT', { limit_price: 3600 }, {}, 1_000_000],
    ['ORDER_VOLUME', { volume: 6 }, { maxOrderVolume: 5 }, 1_000_000],
    ['ORDER_NOTIONAL', { volume: 2 }, { maxNotional: 50_000 }, 1_000_000],
    ['POSITION_LIMIT', { volume: 4 }, { maxPositionPerInstrument: 3 }, 1_000_000],
    ['INSUFFICIENT_FUNDS', { volume: 5 }, {}, 5_000],
    ['INSUFFICIENT_POSITION', { direction: 'SELL', offset: 'CLOSE' }, {}, 1_000_000],
  ])(
    'refuses by %s: order FINISHED with the rule in last_msg, a notify, nothing filled',
    async (rule, fields, limits, cash) => {
      const { name, client } = await account(cash, limits);
      client.send(insertOrder(name, 'r1', fields));
      await client.until(() => client.hasNotify(rule), `a ${rule} notify`);
      await client.until(() => client.order(name, 'r1') !== undefined, 'the refused order');
      expect(client.order(name, 'r1')).toMatchObject({ status: 'FINISHED' });
      expect(String(client.order(name, 'r1')?.last_msg)).toContain(rule);
      expect(client.account(name)?.trades).toEqual({});
      client.close();
    },
  );

  it('refuses by SELF_TRADE, ACCOUNT_REDUCING, ACCOUNT_HALTED and ORDER_RATE', async () => {
    const { name, client } = await account(1_000_000, { maxOrdersPerSecond: 3 });
    client.send(insertOrder(name, 's1', { direction: 'SELL', limit_price: 3310 }));
    await client.until(() => client.order(name, 's1')?.status === 'ALIVE');
    client.send(insertOrder(name, 's2', { limit_price: 3311 }));
    await client.until(() => client.hasNotify('SELF_TRADE'));
    expect(client.order(name, 's2')?.last_msg).toContain('SELF_TRADE');

    const state = (value: string) =>
      rest(server.http, 'PUT', `/api/admin/accounts/${name}/state`, {
        token: adminToken,
        body: { state: value },
      });
    expect((await state('REDUCING')).status).toBe(200);
    client.send(insertOrder(name, 's3', { limit_price: 3290 }));
    await client.until(() => client.hasNotify('ACCOUNT_REDUCING'));
    expect((await state('HALTED')).status).toBe(200);
    client.send(insertOrder(name, 's4', { limit_price: 3290 }));
    await client.until(() => client.hasNotify('ACCOUNT_HALTED'));
    expect((await state('ACTIVE')).status).toBe(200);
    // Five orders at once against a limit of 3 a second: whatever the window held before, the
    // rate rule refuses some of them.
    for (let index = 0; index < 5; index += 1)
      client.send(insertOrder(name, `q${index}`, { limit_price: 3290 }));
    await client.until(() => client.hasNotify('ORDER_RATE'));
    client.close();
  });

  it('closes today and yesterday lots by the SHFE rule across a settlement; serves the settlement text', async () => {
    const { name, client } = await account(1_000_000);
    client.send(insertOrder(name, 'o1', { volume: 2 }));
    await client.until(() => client.order(name, 'o1')?.status === 'FINISHED');
    const settled = await rest(server.http, 'POST', '/api/admin/settle', {
      token: adminToken,
      body: { trading_day: '29991231' },
    });
    expect(settled.status).toBe(201);
    await client.until(
      () => (client.account(name)?.session as JsonObject | undefined)?.trading_day === '29991231',
      'the settled trading day',
    );
    expect((client.account(name)?.positions as JsonObject)[RB]).toMatchObject({
      volume_long_his: 2,
      volume_long_today: 0,
    });
    expect(client.account(name)?.orders).toEqual({});
    // Today's lot, then close-today must take it and close-yesterday the old ones (SHFE).
    client.send(insertOrder(name, 'o2'));
    await client.until(() => client.order(name, 'o2')?.status === 'FINISHED');
    client.send(
      insertOrder(name, 'c1', {
        direction: 'SELL',
        offset: 'CLOSETODAY',
        limit_price: 3300,
        volume: 2,
      }),
    );
    await client.until(() => client.hasNotify('INSUFFICIENT_POSITION'));
    client.send(
      insertOrder(name, 'c2', {
        direction: 'SELL',
        offset: 'CLOSETODAY',
        limit_price: 3300,
        volume: 1,
      }),
    );
    await client.until(() => client.order(name, 'c2')?.status === 'FINISHED');
    client.send(
      insertOrder(name, 'c3', { direction: 'SELL', offset: 'CLOSE', limit_price: 3300, volume: 2 }),
    );
    await client.until(
      () =>
        client.order(name, 'c3')?.status === 'FINISHED' &&
        client.order(name, 'c3')?.volume_left === 0,
    );
    expect((client.account(name)?.positions as JsonObject)[RB]).toMatchObject({ volume_long: 0 });
    // The statement of the settled day, as the original trader asks for it.
    const token = await stack.tokenOf(name);
    const statements = await rest(server.http, 'GET', `/api/accounts/${name}/settlement`, {
      token,
    });
    expect(statements.body).toHaveLength(1);
    const tradingDay = statements.body[0].trading_day as string;
    client.send({ aid: 'qry_settlement_info', trading_day: Number(tradingDay) });
    await client.until(() => client.frames.some((frame) => frame.aid === 'qry_settlement_info'));
    const reply = client.frames.find((frame) => frame.aid === 'qry_settlement_info') as JsonObject;
    const trade = ((reply.data as JsonObject[])[0] as JsonObject).trade as JsonObject;
    expect(trade.trading_day).toBe(tradingDay);
    expect(trade.settlement_info).toContain('balance');
    client.close();
  });

  it('moves money between the simulated bank and the account; change_password takes effect', async () => {
    const { name, client } = await account(100_000);
    client.send({
      aid: 'req_transfer',
      bank_id: 'sim',
      future_account: name,
      future_password: 'pw',
      bank_password: '',
      currency: 'CNY',
      amount: 50_000,
    });
    await client.until(() => client.hasNotify('转账成功'));
    await client.until(
      () => ((client.account(name)?.accounts as JsonObject).CNY as JsonObject).deposit === 50_000,
    );
    expect(((client.account(name)?.banks as JsonObject).sim as JsonObject).fetch_amount).toBe(
      10_000_000 - 50_000,
    );
    client.send({
      aid: 'req_transfer',
      bank_id: 'sim',
      future_account: name,
      future_password: 'pw',
      bank_password: '',
      currency: 'CNY',
      amount: -500_000,
    });
    await client.until(() => client.hasNotify('转账失败'));
    client.send({
      aid: 'req_transfer',
      bank_id: 'sim',
      future_account: name,
      future_password: 'wrong',
      bank_password: '',
      currency: 'CNY',
      amount: 1,
    });
    await client.until(
      () => client.notifies.filter((entry) => entry.content.includes('转账失败')).length === 2,
    );
    client.send({
      aid: 'qry_bankcapital',
      bank_id: 'sim',
      future_account: name,
      future_password: 'pw',
      bank_password: '',
      currency: 'CNY',
    });
    await client.until(
      () => ((client.account(name)?.banks as JsonObject).sim as JsonObject).qry_count === 1,
    );
    client.send({ aid: 'change_password', old_password: 'pw', new_password: 'pw2' });
    await client.until(() => client.hasNotify('修改密码成功'));
    expect(
      (
        await rest(server.http, 'POST', '/api/auth/login', {
          body: { user_name: name, password: 'pw2' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await rest(server.http, 'POST', '/api/auth/login', {
          body: { user_name: name, password: 'pw' },
        })
      ).status,
    ).toBe(401);
    client.close();
  });
});
