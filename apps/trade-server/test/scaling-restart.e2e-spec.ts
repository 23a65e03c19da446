import { JsonObject } from '@qautlra/diff';
import { serviceUrls, waitFor } from '@qautlra/testing';
import { randomUUID } from 'node:crypto';
import { BrokerWorker } from '../src/broker/broker-worker.service';
import { DiffClient, insertOrder } from './support/diff-client';
import { FakeMarket } from '@qautlra/testing';
import {
  rest,
  RunningTradeServer,
  startTradeServer,
  TestDatabase,
} from './support/start-trade-server';

const RB = 'SHFE.rb2601';

describe('trade server: two instances on one Redis, failover and restart', () => {
  let database: TestDatabase;
  let market: FakeMarket;
  let marketUrl: string;
  const running: RunningTradeServer[] = [];
  const namespace = `t${randomUUID().slice(0, 8)}`;

  const start = async () => {
    const server = await startTradeServer({
      DATABASE_URL: database.url,
      REDIS_URL: serviceUrls.redis,
      TRADE_REDIS_NAMESPACE: namespace,
      TRADE_MARKET_URL: marketUrl,
      TRADE_LEASE_MS: '1500',
      TRADE_DEMO: 'true',
      TRADE_DEMO_USER: 'trader',
      TRADE_DEMO_PASSWORD: 'pw',
    });
    running.push(server);
    return server;
  };
  const isWorker = (server: RunningTradeServer) => server.app.get(BrokerWorker).isWorker;

  beforeAll(async () => {
    database = await TestDatabase.create('trade');
    market = new FakeMarket([RB]);
    marketUrl = await market.start();
  });

  afterAll(async () => {
    for (const server of running) await server.app.close().catch(() => undefined);
    await market?.close();
    await database?.drop();
  });

  it('serves a user on one instance while the other runs the broker; the open order and positions survive failover and restart', async () => {
    const a = await start();
    expect(isWorker(a)).toBe(true);
    const b = await start();
    expect(isWorker(b)).toBe(false);
    await waitFor(() => market.subscribed(RB), { what: 'quote subscription' });
    market.book(RB, 3300, 3301, 100, { upper_limit: 3500, lower_limit: 3100 });

    // Logged in on B; A's worker fills the order; the fill reaches the user through Redis.
    const client = await DiffClient.login(b.ws, 'trader', 'pw');
    client.send(insertOrder('trader', 'fill-1', { volume: 2 }));
    await client.until(
      () => client.order('trader', 'fill-1')?.status === 'FINISHED',
      'the fill on B',
    );
    client.send(insertOrder('trader', 'open-1', { limit_price: 3290 }));
    await client.until(
      () => client.order('trader', 'open-1')?.status === 'ALIVE',
      'the resting order',
    );

    // A goes away: B takes the lease, restores the accounts from PostgreSQL and carries on.
    await a.app.close();
    running.splice(running.indexOf(a), 1);
    await waitFor(() => isWorker(b), { what: 'B taking over the broker', timeoutMs: 10_000 });
    await waitFor(() => market.subscribed(RB), { what: "B's quote subscription" });
    expect(client.order('trader', 'open-1')).toMatchObject({ status: 'ALIVE' });
    expect((client.account('trader')?.positions as JsonObject)[RB]).toMatchObject({
      volume_long: 2,
    });
    market.book(RB, 3288, 3289, 100);
    await client.until(
      () => client.order('trader', 'open-1')?.status === 'FINISHED',
      'the open order filling after failover',
    );
    expect((client.account('trader')?.positions as JsonObject)[RB]).toMatchObject({
      volume_long: 3,
    });
    client.send(insertOrder('trader', 'open-2', { limit_price: 3280 }));
    await client.until(() => client.order('trader', 'open-2')?.status === 'ALIVE');
    const before = client.account('trader') as JsonObject;
    client.close();

    // Full restart: nothing runs, then a new instance restores everything from the database.
    await b.app.close();
    running.splice(running.indexOf(b), 1);
    const c = await start();
    expect(isWorker(c)).toBe(true);
    const again = await DiffClient.login(c.ws, 'trader', 'pw');
    const after = again.account('trader') as JsonObject;
    expect(after.orders).toEqual(before.orders);
    expect(after.trades).toEqual(before.trades);
    expect((after.positions as JsonObject)[RB]).toMatchObject({
      volume_long: 3,
      volume_long_today: 3,
    });
    expect(((after.accounts as JsonObject).CNY as JsonObject).frozen_margin).toBe(
      ((before.accounts as JsonObject).CNY as JsonObject).frozen_margin,
    );
    await waitFor(() => market.subscribed(RB), { what: "C's quote subscription" });
    market.book(RB, 3278, 3279, 100);
    await again.until(
      () => again.order('trader', 'open-2')?.status === 'FINISHED',
      'the restored open order filling',
    );
    expect(
      ((again.account('trader')?.accounts as JsonObject).CNY as JsonObject).frozen_margin,
    ).toBe(0);
    const token = (
      await rest(c.http, 'POST', '/api/auth/login', {
        body: { user_name: 'trader', password: 'pw' },
      })
    ).body.token;
    expect(
      Object.keys(
        (await rest(c.http, 'GET', '/api/accounts/trader/trades', { token })).body,
      ).sort(),
    ).toEqual(['fill-1|1', 'open-1|1', 'open-2|1']);
    again.close();
  });
});
