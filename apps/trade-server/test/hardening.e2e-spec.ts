import { FakeMarket, waitFor } from '@qautlra/testing';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import {
  rest,
  RunningTradeServer,
  startTradeServer,
  TestDatabase,
} from './support/start-trade-server';

const RB = 'SHFE.rb2601';

/** Issue 16 §2: money that is not finite never enters; a corrupt stored account never stops a start. */
describe('trade server: bounded money and quarantined accounts', () => {
  let database: TestDatabase;
  let market: FakeMarket;
  let server: RunningTradeServer;
  let token: string;
  let env: Record<string, string>;

  const admin = (method: string, path: string, body?: unknown) =>
    rest(server.http, method, path, { token, body });

  async function start(): Promise<void> {
    server = await startTradeServer(env);
    const login = await rest(server.http, 'POST', '/api/auth/login', {
      body: { user_name: 'admin', password: 'admin-pw' },
    });
    token = login.body.token as string;
  }

  async function newAccount(cash: number): Promise<string> {
    const name = `u${randomUUID().slice(0, 8)}`;
    expect(
      (await admin('POST', '/api/admin/users', { user_name: name, password: 'pw' })).status,
    ).toBe(201);
    const created = await admin('POST', '/api/admin/accounts', {
      account_cookie: name,
      user_name: name,
      cash,
    });
    expect(created.status).toBe(201);
    return name;
  }

  async function userToken(account: string): Promise<string> {
    const login = await rest(server.http, 'POST', '/api/auth/login', {
      body: { user_name: account, password: 'pw' },
    });
    return login.body.token as string;
  }

  async function balance(account: string): Promise<unknown> {
    const section = await rest(server.http, 'GET', `/api/accounts/${account}`, {
      token: await userToken(account),
    });
    if (section.status !== 200) throw new Error(JSON.stringify(section));
    return section.body.accounts?.CNY?.balance;
  }

  beforeAll(async () => {
    database = await TestDatabase.create('trade_hard');
    market = new FakeMarket([RB]);
    env = {
      DATABASE_URL: database.url,
      TRADE_MARKET_URL: await market.start(),
      TRADE_DEMO: 'true',
      TRADE_DEMO_USER: 'admin',
      TRADE_DEMO_PASSWORD: 'admin-pw',
    };
    market.book(RB, 3300, 3301, 100);
    await start();
  });
  afterAll(async () => {
    await server?.app.close();
    await market.close();
    await database.drop();
  });

  it('GET / says what the app is and links its docs', async () => {
    const home = await fetch(`${server.http}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('href="/api/docs"');
  });

  it('a body over the limit is 413 in the REST error shape; a 1.5 MiB frame closes with 1009; peek before login is refused', async () => {
    const big = await fetch(`${server.http}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: 'x', password: 'y'.repeat(2 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    const socket = new WebSocket(server.ws);
    const frames: string[] = [];
    socket.on('message', (data: Buffer) => frames.push(data.toString()));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ aid: 'peek_message' }));
    await waitFor(() => frames.some((frame) => frame.includes('not logged in')) || undefined, {
      what: 'the not-logged-in notify',
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(1.5 * 1024 * 1024));
    expect(await closed).toBe(1009);
  });

  it.each([1e308, 1e13 + 1, -1, Number.MAX_VALUE])('cash %s is refused with 400', async (cash) => {
    const refused = await admin('POST', '/api/admin/accounts', {
      account_cookie: `c${randomUUID().slice(0, 6)}`,
      user_name: 'admin',
      cash,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('10000000000000');
  });

  it('transfers of 1e308 then -1e308 are refused; a deposit past the bound is refused; the balance stays finite', async () => {
    const account = await newAccount(1_000_000);
    for (const amount of [1e308, -1e308]) {
      const refused = await admin('POST', `/api/admin/accounts/${account}/transfer`, { amount });
      expect(refused.status).toBe(400);
    }
    expect(
      (await admin('POST', `/api/admin/accounts/${account}/transfer`, { amount: 9e12 })).status,
    ).toBe(201);
    const past = await admin('POST', `/api/admin/accounts/${account}/transfer`, { amount: 9e12 });
    expect(past).toMatchObject({ status: 422, body: { code: 'TRANSFER_REFUSED' } });
    expect(past.body.message).toContain('past');
    expect(await balance(account)).toBe(9e12 + 1_000_000);
    // The next command still works (it used to crash the process).
    const own = await userToken(account);
    const order = await rest(server.http, 'POST', `/api/accounts/${account}/orders`, {
      token: own,
      body: {
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        price_type: 'LIMIT',
        volume: 1,
        limit_price: 3301,
      },
    });
    expect(order.status).toBe(201);
    const huge = await rest(server.http, 'POST', `/api/accounts/${account}/orders`, {
      token: own,
      body: {
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        price_type: 'LIMIT',
        volume: 1,
        limit_price: 1e300,
      },
    });
    expect(huge.status).toBe(422);
    expect(huge.body).toMatchObject({
      code: 'ORDER_REFUSED',
      order: { status: 'FINISHED', limit_price: 0 },
    });
    expect(huge.body.message).toMatch(/exceeds|PRICE/);
    expect(Number.isFinite(await balance(account))).toBe(true);
  });

  it('a corrupt stored account is quarantined at start: /health degraded, the others trade', async () => {
    const healthy = await newAccount(500_000);
    const corrupt = await newAccount(500_000);
    await server.app.close();
    await database.query(
      `UPDATE trade_account_state SET document = jsonb_set(document, '{accounts,pre_balance}', 'null') WHERE account_cookie = $1`,
      [corrupt],
    );
    await start();
    const health = await rest(server.http, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'degraded',
      checks: { accounts: { status: 'degraded' } },
    });
    expect(health.body.checks.accounts.error).toContain(corrupt);
    expect(health.body.checks.accounts.error).not.toContain(healthy);
    const refused = await admin('POST', `/api/admin/accounts/${corrupt}/transfer`, { amount: 1 });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain('quarantined');
    await waitFor(
      async () =>
        (await admin('POST', `/api/admin/accounts/${healthy}/transfer`, { amount: 1 })).status ===
        201,
      {
        what: 'a transfer on the healthy account',
      },
    );
    expect(await balance(healthy)).toBe(500_001);
  });

  it('REST logins: failures are 401, a lock voids older tokens, an address is throttled like on the WebSocket', async () => {
    const name = await newAccount(1_000);
    const attempt = (user: string, password: string) =>
      rest(server.http, 'POST', '/api/auth/login', { body: { user_name: user, password } });
    const token = (await attempt(name, 'pw')).body.token as string;
    expect((await rest(server.http, 'GET', '/api/accounts', { token })).status).toBe(200);
    const wrong = await attempt(name, 'wrong');
    expect(wrong).toMatchObject({ status: 401, body: { code: 'BAD_CREDENTIALS' } });
    // Five failures in a row lock the user: the token issued before the lock stops working.
    for (let i = 0; i < 4; i += 1) await attempt(name, 'wrong');
    expect(await attempt(name, 'pw')).toMatchObject({ status: 401, body: { code: 'LOCKED' } });
    const voided = await rest(server.http, 'GET', '/api/accounts', { token });
    expect(voided.status).toBe(401);
    expect(voided.body.message).toContain('log in again');
    // 20 failed logins a minute per address (6 so far), then 429 even for a right password.
    for (let i = 0; i < 14; i += 1) await attempt(`nobody-${i}`, 'x');
    const throttled = await attempt('admin', 'admin-pw');
    expect(throttled).toMatchObject({ status: 429, body: { code: 'TOO_MANY_LOGINS' } });
  });
});
