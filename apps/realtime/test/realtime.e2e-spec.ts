import { JsonObject } from '@qautlra/diff';
import { Qifi, QifiAccount } from '@qautlra/qifi';
import { waitFor } from '@qautlra/testing';
import { io } from 'socket.io-client';
import { http, RealtimeStack, TopicClient } from './support/realtime-stack';

const RB = 'SHFE.rb2601';

/** A QIFI document of the trade server's section (what its engine holds). */
function qifiOf(section: JsonObject): Qifi {
  return {
    databaseip: '',
    account_cookie: section.account_cookie as string,
    password: '',
    portfolio: 'default',
    broker_name: 'sim',
    capital_password: '',
    bank_password: '',
    bankid: '',
    bankname: '',
    investor_name: '',
    money: 0,
    pub_host: '',
    trade_host: '',
    wsuri: '',
    eventmq_ip: '',
    settlement: {},
    taskid: '',
    updatetime: '',
    trading_day: section.trading_day as string,
    status: 200,
    accounts: (section.accounts as JsonObject).CNY as Qifi['accounts'],
    banks: {},
    event: {},
    orders: section.orders as Qifi['orders'],
    positions: section.positions as Qifi['positions'],
    trades: section.trades as Qifi['trades'],
    transfers: section.transfers as Qifi['transfers'],
    executions: {},
    ping_gap: 5,
    model: 'SIM',
  };
}

const MONEY = [
  'balance',
  'available',
  'margin',
  'float_profit',
  'position_profit',
  'static_balance',
  'close_profit',
  'commission',
  'risk_ratio',
] as const;

describe('realtime monitor (apps/realtime) on the trade server and live quotes', () => {
  jest.setTimeout(120_000);
  let stack: RealtimeStack;
  let url: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    stack = await RealtimeStack.start([RB]);
    stack.market.book(RB, 3300, 3302, 100, { volume: 1_000, upper_limit: 3600, lower_limit: 3000 });
    alice = await stack.newUser('rtalice');
    bob = await stack.newUser('rtbob');
    ({ url } = await stack.addRealtime());
  });

  afterAll(() => stack?.close());

  it('refuses every room before auth, and other users’ accounts over WS and REST', async () => {
    const client = await TopicClient.open(url);
    const early = await client.ask(
      { topic: 'realtime_sub', room: 'ACCOUNT:rtalice' },
      'realtime_sub_result',
    );
    expect(early).toMatchObject({ code: 401, topic: 'realtime_sub_result' });
    expect(await client.ask({ topic: 'auth', key: 'not-a-key' }, 'auth_result')).toMatchObject({
      code: 401,
    });
    const auth = await client.ask({ topic: 'auth', key: alice }, 'auth_result');
    expect(auth).toMatchObject({ topic: 'auth_result', code: 200 });
    const sid = auth.data as string;
    expect(sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(
      await client.ask({ topic: 'realtime_sub', room: 'ACCOUNT:rtbob' }, 'realtime_sub_result'),
    ).toMatchObject({ code: 403 });
    const rest = await http(url, 'POST', '/realtime_sub', { body: { sid, room: 'ACCOUNT:rtbob' } });
    expect(rest).toMatchObject({ status: 403, body: { code: 403, msg: '订阅失败' } });
    expect((await http(url, 'GET', '/api/accounts/rtbob', { token: alice })).status).toBe(403);
    expect((await http(url, 'GET', '/api/accounts/rtbob')).status).toBe(401);
    expect((await http(url, 'GET', '/api/accounts/rtbob', { token: bob })).body).toMatchObject({
      account_cookie: 'rtbob',
      user_name: 'rtbob',
    });
    // The REST route subscribes the socket's session, with the session's rights.
    const own = await http(url, 'POST', '/realtime_sub', {
      body: { sid, room: '"account:rtalice"' },
    });
    expect(own).toMatchObject({
      status: 200,
      body: { code: 200, msg: '订阅成功', data: 'ACCOUNT:rtalice' },
    });
    await waitFor(() => client.rooms.has('ACCOUNT:rtalice'), { what: 'the room state pushed' });
    const unsub = await http(url, 'POST', '/realtime_unsub', {
      body: { sid, room: 'ACCOUNT:rtalice' },
    });
    expect(unsub.body).toMatchObject({ code: 200, msg: '取消订阅成功' });
    client.close();
  });

  it('moves the account room to exactly what the account engine computes on the same quotes', async () => {
    const client = await TopicClient.open(url);
    await client.ask({ topic: 'auth', key: alice }, 'auth_result');
    const sub = await client.ask(
      { topic: 'realtime_sub', room: 'ACCOUNT:rtalice' },
      'realtime_sub_result',
    );
    expect(sub).toMatchObject({ code: 200, data: 'success', room: 'ACCOUNT:rtalice' });
    await waitFor(() => client.rooms.has('ACCOUNT:rtalice'), { what: 'the account room' });

    const order = await http(stack.tradeUrl, 'POST', '/api/accounts/rtalice/orders', {
      token: alice,
      body: {
        order_id: 'rt-1',
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 3,
        price_type: 'LIMIT',
        limit_price: 3305,
      },
    });
    expect(order.status).toBe(201);
    await waitFor(() => client.rooms.get('ACCOUNT:rtalice')?.positions?.[RB]?.volume_long === 3, {
      what: 'the fill in the account room',
    });

    for (const [bid, ask] of [
      [3350, 3352],
      [3280, 3282],
    ] as const) {
      const last = (bid + ask) / 2;
      stack.market.book(RB, bid, ask, 100, { volume: 2_000 });
      await waitFor(
        () => client.rooms.get('ACCOUNT:rtalice')?.positions?.[RB]?.last_price === last,
        {
          what: `the room re-marked at ${last}`,
        },
      );
      // The trade server's own engine, marked on the same quote.
      let section: JsonObject = {};
      await waitFor(
        async () => {
          section = (await http(stack.tradeUrl, 'GET', '/api/accounts/rtalice', { token: alice }))
            .body as JsonObject;
          return ((section.positions as JsonObject)[RB] as JsonObject).last_price === last;
        },
        { what: 'the trade server marked at the same price' },
      );
      const room = client.rooms.get('ACCOUNT:rtalice');
      const server = (section.accounts as JsonObject).CNY as Record<string, number>;
      const restored = QifiAccount.fromQifi(qifiOf(section)).account();
      for (const field of MONEY) {
        expect([field, room.accounts[field]]).toEqual([field, server[field]]);
        expect([field, room.accounts[field]]).toEqual([field, restored[field]]);
      }
      expect(room.positions[RB].float_profit).toBe(
        ((section.positions as JsonObject)[RB] as JsonObject).float_profit,
      );
      expect(room.accounts.day_pnl).toBeCloseTo(
        room.accounts.balance - room.accounts.static_balance,
        2,
      );
    }
    // The user's portfolio: the same account, and the total of their accounts; not for others.
    const portfolio = await http(url, 'GET', '/api/portfolios/rtalice', { token: alice });
    expect(portfolio.status).toBe(200);
    expect(portfolio.body.accounts.rtalice.balance).toBe(
      client.rooms.get('ACCOUNT:rtalice').accounts.balance,
    );
    expect(portfolio.body.total.balance).toBe(portfolio.body.accounts.rtalice.balance);
    expect((await http(url, 'GET', '/api/portfolios/rtalice', { token: bob })).status).toBe(403);
    client.close();
  });

  it('serves the same room to browsers over Socket.IO /realtime, after checking the token', async () => {
    const refused = io(`${url}/realtime`, { auth: { token: 'nope' }, transports: ['websocket'] });
    const error = await new Promise<Error>((resolve) => refused.once('connect_error', resolve));
    expect(error.message).toMatch(/UNAUTHORIZED/);
    refused.close();

    const socket = io(`${url}/realtime`, { auth: { token: alice }, transports: ['websocket'] });
    const pushes: { room: string; reset: boolean; data: any }[] = [];
    socket.on('realtime_pub', (push: (typeof pushes)[number]) => pushes.push(push));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const answer = await socket.emitWithAck('subscribe', { room: 'ACCOUNT:rtalice' });
    expect(answer).toMatchObject({ code: 200, room: 'ACCOUNT:rtalice' });
    expect(await socket.emitWithAck('subscribe', { room: 'ACCOUNT:rtbob' })).toMatchObject({
      code: 403,
    });
    await waitFor(() => pushes.some((push) => push.reset && push.data.positions?.[RB]), {
      what: 'the account state over Socket.IO',
    });
    socket.close();
  });
});
