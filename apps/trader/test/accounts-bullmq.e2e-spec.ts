import { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { serviceUrls, waitFor } from '@qautlra/testing';
import { bootstrap, configOf } from '../src/main';
import { bullQueueOf } from '../src/intake/bull-intake';
import {
  newAccount,
  sendorder,
  ServerStack,
  TRADER_TOKEN,
  traderHeaders,
  traderStatus,
} from './support/trader-stack';

/** An order body without account (BullMQ and REST pick the account otherwise). */
const order = (orderId: string, volume = 1) => {
  const { topic: _topic, account_cookie: _account, ...body } = sendorder('', orderId, { volume });
  return body;
};

describe('trader: several accounts in one process, BullMQ intake, in-process events', () => {
  const first = newAccount();
  const second = newAccount();
  let stack: ServerStack;
  let trader: INestApplication;
  let traderHttp: string;
  let redis: IORedis;

  const document = async (account: string): Promise<any> =>
    (await fetch(`${traderHttp}/api/accounts/${account}`, { headers: traderHeaders })).json();

  beforeAll(async () => {
    stack = await ServerStack.start(first);
    const serverHttp = stack.http;
    // The demo user (an admin) opens a second user and account.
    const login = await fetch(`${serverHttp}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: first, password: 'pw' }),
    });
    const { token } = (await login.json()) as { token: string };
    const admin = (path: string, body: unknown) =>
      fetch(`${serverHttp}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    expect((await admin('/api/admin/users', { user_name: second, password: 'pw2' })).status).toBe(
      201,
    );
    expect(
      (
        await admin('/api/admin/accounts', {
          account_cookie: second,
          user_name: second,
          cash: 500_000,
        })
      ).status,
    ).toBe(201);
    const dir = mkdtempSync(join(tmpdir(), 'trader-e2e-'));
    const file = join(dir, 'trader.toml');
    writeFileSync(
      file,
      `[common]
broker = "sim"
wsuri = "${stack.wsuri}"
data_dir = "${join(dir, 'data')}"
redis_url = "${serviceUrls.redis}"
status_addr = "127.0.0.1:0"
api_token = "${TRADER_TOKEN}"
log_level = "error"
ping_gap = 1

[[accounts]]
account = "${first}"
password = "pw"

[[accounts]]
account = "${second}"
password = "pw2"
[accounts.risk]
max_order_volume = 2
`,
    );
    trader = await bootstrap(configOf(['-c', file], {})!);
    traderHttp = (await trader.getUrl()).replace('[::1]', '127.0.0.1');
    await waitFor(
      async () =>
        ((await traderStatus(traderHttp)).accounts as { synced: boolean }[]).every(
          (account) => account.synced,
        ),
      { what: 'both accounts logged in and synced' },
    );
    redis = new IORedis(serviceUrls.redis, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    await redis?.quit();
    await trader?.close();
    await stack?.close();
  });

  it('each account has its own session and QIFI document (PGlite by default)', async () => {
    const status = await traderStatus(traderHttp);
    expect(status.database).toBe('pglite');
    expect(status.events).toEqual({ transport: 'in-process' });
    expect(status.accounts.map((account: { account: string }) => account.account)).toEqual([
      first,
      second,
    ]);
    expect((await document(first)).accounts.balance).toBe(1_000_000);
    expect((await document(second)).accounts.balance).toBe(500_000);
  });

  it('a BullMQ job completes once the order is handed over, on its own account only', async () => {
    const queue = new Queue(bullQueueOf(second), { connection: redis });
    const eventsConnection = redis.duplicate();
    const events = new QueueEvents(bullQueueOf(second), { connection: eventsConnection });
    await events.waitUntilReady();
    try {
      const job = await queue.add('order', order('bull-1'));
      const result = (await job.waitUntilFinished(events, 15_000)) as {
        ok: boolean;
        order_id: string;
      };
      expect(result).toMatchObject({ ok: true, order_id: 'bull-1' });
      await waitFor(async () => (await document(second)).orders['bull-1']?.status === 'FINISHED', {
        what: 'the fill',
      });
      expect((await document(first)).orders['bull-1']).toBeUndefined();
      // The second account's own limits: 3 lots is over its max_order_volume of 2.
      const refused = await queue.add('order', order('bull-2', 3));
      await expect(refused.waitUntilFinished(events, 15_000)).rejects.toThrow('ORDER_VOLUME');
      expect((await document(second)).orders['bull-2']).toBeUndefined();
    } finally {
      await events.close();
      await queue.close();
      eventsConnection.disconnect();
    }
  });

  it('REST needs account_cookie when the trader bridges several; trades show on the event feed', async () => {
    const ambiguous = await fetch(`${traderHttp}/api/orders`, {
      method: 'POST',
      headers: traderHeaders,
      body: JSON.stringify(order('rest-x')),
    });
    expect(ambiguous.status).toBe(400);
    const placed = await fetch(`${traderHttp}/api/orders`, {
      method: 'POST',
      headers: traderHeaders,
      body: JSON.stringify({ ...order('rest-1'), account_cookie: first }),
    });
    expect(placed.status).toBe(201);
    const feed = await waitFor(
      async () => {
        const recent = (await (
          await fetch(`${traderHttp}/api/accounts/${first}/events`, { headers: traderHeaders })
        ).json()) as {
          trades: { order_id: string }[];
        };
        return recent.trades.some((trade) => trade.order_id === 'rest-1') ? recent : undefined;
      },
      { what: 'the trade on the in-process feed' },
    );
    expect(feed.trades.filter((trade) => trade.order_id === 'rest-1')).toHaveLength(1);
    expect(
      (await fetch(`${traderHttp}/api/accounts/nobody`, { headers: traderHeaders })).status,
    ).toBe(404);
  });
});
