import { INestApplication } from '@nestjs/common';
import { TestDatabase, waitFor } from '@qautlra/testing';
import { bootstrap, configOf } from '../src/main';
import {
  newAccount,
  RB,
  sendorder,
  serverAccount,
  ServerStack,
  Strategy,
  traderFlags,
  traderStatus,
  traderHeaders,
  TRADER_TOKEN,
} from './support/trader-stack';

describe('trader: RabbitMQ → DIFF trade server → QIFI in PostgreSQL + QATRANSACTION', () => {
  const account = newAccount();
  let stack: ServerStack;
  let serverHttp: string;
  let traderDb: TestDatabase;
  let trader: INestApplication;
  let traderHttp: string;
  let strategy: Strategy;

  const qifiRow = async (): Promise<any> =>
    (
      await traderDb.query<{ document: any }>(
        'SELECT document FROM trader_qifi_document WHERE account_cookie = $1',
        [account],
      )
    )[0]?.document;

  beforeAll(async () => {
    stack = await ServerStack.start(account);
    serverHttp = stack.http;
    traderDb = await TestDatabase.create('trader');
    strategy = await Strategy.connect(account);
    const flags = traderFlags({
      account,
      wsuri: stack.wsuri,
      database: traderDb.url,
      amqp: true,
      statusAddr: '127.0.0.1:0',
    });
    trader = await bootstrap(configOf([...flags, '--log_level', 'error'])!);
    traderHttp = (await trader.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(async () => (await traderStatus(traderHttp)).accounts[0].synced === true, {
      what: 'the trader logged in and synced',
    });
  });

  afterAll(async () => {
    await strategy?.close();
    await trader?.close();
    await stack?.close();
    await traderDb?.drop();
  });

  it('sendorder fills; the QIFI row equals the server; one QATRANSACTION message per trade', async () => {
    strategy.send(account, sendorder(account, 'o1', { volume: 2 }));
    const row = await waitFor<any>(
      async (): Promise<any> => {
        const document = await qifiRow();
        return document?.orders?.o1?.status === 'FINISHED' &&
          document.positions?.[RB]?.volume_long === 2
          ? document
          : undefined;
      },
      { what: 'the filled order and position in the QIFI row' },
    );
    const mine = await serverAccount(serverHttp, account);
    // Trade-derived numbers as the server's account engine computed them (marks may move later).
    expect(row.orders.o1).toEqual(mine.orders.o1);
    expect(Object.keys(row.trades).sort()).toEqual(Object.keys(mine.trades).sort());
    expect(row.trades).toEqual(mine.trades);
    for (const key of ['volume_long', 'volume_long_today', 'open_price_long', 'margin_long'])
      expect(row.positions[RB][key]).toBe(mine.positions[RB][key]);
    for (const key of ['pre_balance', 'static_balance', 'commission', 'margin', 'close_profit'])
      expect(row.accounts[key]).toBe(mine.accounts.CNY[key]);
    expect(row.account_cookie).toBe(account);
    expect(row.broker_name).toBe('sim');
    expect(row.status).toBe(200);
    // The daily snapshot exists too.
    const daily = await traderDb.query<{ n: string }>(
      'SELECT count(*) AS n FROM trader_qifi_daily WHERE account_cookie = $1',
      [account],
    );
    expect(Number(daily[0]?.n)).toBe(1);
    const tradeIds = Object.keys(row.trades);
    expect(tradeIds.length).toBeGreaterThan(0);
    await waitFor(() => strategy.trades.length >= tradeIds.length, {
      what: 'the QATRANSACTION messages',
    });
    await waitFor(
      async () =>
        (await traderStatus(traderHttp)).accounts[0].counters.trades_published === tradeIds.length,
      { what: 'the trader counting its publishes' },
    );
    expect(strategy.trades.map((trade) => trade.trade_id).sort()).toEqual(tradeIds.sort());
    expect(strategy.trades[0]).toMatchObject({ order_id: 'o1', direction: 'BUY', offset: 'OPEN' });
  });

  it('cancel_order cancels a resting order', async () => {
    strategy.send(account, sendorder(account, 'o2', { price: 3400 }));
    await waitFor(async () => (await qifiRow())?.orders?.o2?.status === 'ALIVE', {
      what: 'the resting order',
    });
    strategy.send(account, { topic: 'cancel_order', account_cookie: account, order_id: 'o2' });
    const order = await waitFor<any>(
      async (): Promise<any> => {
        const o2 = (await qifiRow())?.orders?.o2;
        return o2?.status === 'FINISHED' ? o2 : undefined;
      },
      { what: 'the cancelled order' },
    );
    expect(order.volume_left).toBe(1);
    expect((await serverAccount(serverHttp, account)).orders.o2.status).toBe('FINISHED');
  });

  it('an invalid message yields an error event and nothing else', async () => {
    const before = await serverAccount(serverHttp, account);
    const orders = Object.keys(before.orders).length;
    strategy.send(account, { topic: 'sendorder', account_cookie: account, code: 'rb2601' });
    strategy.send(account, 'not json');
    strategy.send(account, { topic: 'buy_everything' });
    const events = await waitFor(
      () => (strategy.events.length >= 3 ? strategy.events : undefined),
      {
        what: 'three error events',
      },
    );
    expect(events.map((event) => event.code)).toEqual([
      'INVALID_MESSAGE',
      'INVALID_JSON',
      'UNKNOWN_TOPIC',
    ]);
    expect(events[0]).toMatchObject({ topic: 'error', account_cookie: account });
    expect(String(events[0]!.message)).toContain('sendorder.exchange_id');
    // A valid order after them goes through, and the invalid ones left no order behind.
    strategy.send(
      account,
      sendorder(account, 'o3', {
        order_direction: 'SELL',
        order_offset: 'CLOSETODAY',
        price: 3500,
      }),
    );
    await waitFor(async () => (await qifiRow())?.orders?.o3?.status === 'FINISHED', {
      what: 'the next order',
    });
    const after = await serverAccount(serverHttp, account);
    expect(Object.keys(after.orders).length).toBe(orders + 1);
  });

  it('a risk rule stops an order here, before the trade server sees it', async () => {
    const events = strategy.events.length;
    strategy.send(account, sendorder(account, 'bad-tick', { price: 3500.5 }));
    const event = await waitFor(() => strategy.events[events], { what: 'the risk event' });
    expect(event).toMatchObject({ code: 'PRICE_TICK', order_id: 'bad-tick' });
    expect((await serverAccount(serverHttp, account)).orders['bad-tick']).toBeUndefined();
  });

  it('REST: POST /api/orders answers once the server shows the order; errors in the REST shape', async () => {
    const placed = await fetch(`${traderHttp}/api/orders`, {
      method: 'POST',
      headers: traderHeaders,
      body: JSON.stringify({ ...sendorder(account, 'rest-1'), topic: undefined }),
    });
    expect(placed.status).toBe(201);
    const body = (await placed.json()) as any;
    expect(body).toMatchObject({ ok: true, order_id: 'rest-1' });
    expect(body.order.order_id).toBe('rest-1');
    const refused = await fetch(`${traderHttp}/api/orders`, {
      method: 'POST',
      headers: traderHeaders,
      body: JSON.stringify({ exchange_id: 'SHFE', code: 'rb2601', volume: 1 }),
    });
    // A body the intake parser refuses is the client's fault: 400, the field at fault named.
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      statusCode: 400,
      code: 'INVALID_MESSAGE',
      details: [{ field: 'order_direction' }],
    });
    const status = await traderStatus(traderHttp);
    expect(status.accounts[0]).toMatchObject({ account, synced: true });
    expect(status.accounts[0].session.state).toBe('ready');
    expect((await fetch(`${traderHttp}/health`)).status).toBe(200);
    expect(await (await fetch(`${traderHttp}/metrics`)).text()).toContain(
      'trader_session_connected',
    );
  });

  it("never returns a secret; trading and account routes need the token or the owner's trade-server JWT", async () => {
    const document = await fetch(`${traderHttp}/api/accounts/${account}`, {
      headers: traderHeaders,
    });
    const text = await document.text();
    expect(document.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      password: '',
      bank_password: '',
      capital_password: '',
    });
    expect(text).not.toContain('"pw"');
    expect(text).not.toContain(TRADER_TOKEN);
    for (const [path, method] of [
      ['/api/orders', 'POST'],
      [`/api/accounts/${account}`, 'GET'],
      [`/api/accounts/${account}/events`, 'GET'],
    ] as const) {
      const denied = await fetch(`${traderHttp}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
        body: method === 'POST' ? JSON.stringify(sendorder(account, 'no-auth')) : undefined,
      });
      expect([path, denied.status]).toEqual([path, 401]);
    }
    const login = await fetch(`${serverHttp}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: account, password: 'pw' }),
    });
    const { token } = (await login.json()) as { token: string };
    const withJwt = await fetch(`${traderHttp}/api/accounts/${account}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withJwt.status).toBe(200);
    expect((await fetch(`${traderHttp}/api/status`)).status).toBe(200);
  });

  it('an order the trade server refuses is answered as refused (422), not {"ok":true}', async () => {
    const login = await fetch(`${serverHttp}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: account, password: 'pw' }),
    });
    const { token } = (await login.json()) as { token: string };
    const setState = (state: string) =>
      fetch(`${serverHttp}/api/admin/accounts/${account}/state`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ state }),
      });
    expect((await setState('HALTED')).status).toBe(200);
    try {
      const refused = await fetch(`${traderHttp}/api/orders`, {
        method: 'POST',
        headers: traderHeaders,
        body: JSON.stringify({ ...sendorder(account, 'halted-1'), topic: undefined }),
      });
      expect(refused.status).toBe(422);
      expect(await refused.json()).toMatchObject({
        code: 'ORDER_REFUSED',
        order_id: 'halted-1',
        message: expect.stringContaining('ACCOUNT_HALTED') as unknown,
      });
    } finally {
      await setState('ACTIVE');
    }
  });

  it('a settlement moves the trading day: the ended day keeps its snapshot; query_settlement fills settlement', async () => {
    const before = await qifiRow();
    const day: string = before.trading_day;
    const login = await fetch(`${serverHttp}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: account, password: 'pw' }),
    });
    const { token } = (await login.json()) as { token: string };
    const next = String(Number(day) + 1);
    const settled = await fetch(`${serverHttp}/api/admin/settle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ trading_day: next }),
    });
    expect(settled.status).toBe(201);
    await waitFor(async () => (await qifiRow())?.trading_day === next, {
      what: 'the new trading day',
    });
    const days = await waitFor(
      async () => {
        const rows = await traderDb.query<{ trading_day: string; document: any }>(
          'SELECT trading_day, document FROM trader_qifi_daily WHERE account_cookie = $1 ORDER BY trading_day',
          [account],
        );
        return rows.length === 2 ? rows : undefined;
      },
      { what: 'two daily snapshots' },
    );
    expect(days.map((row) => row.trading_day)).toEqual([day, next]);
    // The ended day's row holds that day's orders.
    expect(Object.keys(days[0]!.document.orders)).toEqual(
      expect.arrayContaining(['o1', 'o2', 'o3']),
    );
    strategy.send(account, { topic: 'query_settlement', trading_day: Number(day) });
    const settlement = await waitFor(
      async () => (await qifiRow())?.settlement?.[day] as string | undefined,
      {
        what: 'the settlement statement',
      },
    );
    expect(settlement.length).toBeGreaterThan(0);
  });
});
