import { TestDatabase, waitFor } from '@qautlra/testing';
import {
  AppProcess,
  freePort,
  newAccount,
  sendorder,
  ServerStack,
  Strategy,
  traderFlags,
  traderStatus,
} from './support/trader-stack';

const order = (account: string, orderId: string) => sendorder(account, orderId);

describe('trader restarts: the trade server or the trader killed mid-session', () => {
  const account = newAccount();
  let stack: ServerStack;
  let server: AppProcess;
  let serverDb: TestDatabase;
  let traderDb: TestDatabase;
  let trader: AppProcess;
  let traderHttp: string;
  let strategy: Strategy;

  /** Orders of the account in the trade server's database, with how often each id is stored. */
  const serverOrders = async () =>
    serverDb.query<{ order_id: string; n: string }>(
      'SELECT order_id, count(*) AS n FROM trade_order WHERE account_cookie = $1 GROUP BY order_id',
      [account],
    );
  const serverTrades = async () =>
    serverDb.query<{ order_id: string; n: string }>(
      'SELECT order_id, count(*) AS n FROM trade_trade WHERE account_cookie = $1 GROUP BY order_id',
      [account],
    );
  const status = async (): Promise<any> => (await traderStatus(traderHttp)).accounts[0];

  beforeAll(async () => {
    stack = await ServerStack.start(account);
    server = stack.server;
    serverDb = stack.database;
    traderDb = await TestDatabase.create('trader');
    strategy = await Strategy.connect(account);
    const traderPort = await freePort();
    traderHttp = `http://127.0.0.1:${traderPort}`;
    trader = new AppProcess(
      'trader',
      traderFlags({
        account,
        wsuri: stack.wsuri,
        database: traderDb.url,
        amqp: true,
        statusAddr: `127.0.0.1:${traderPort}`,
      }),
      {},
      `${traderHttp}/health`,
    );
    await trader.start();
    await waitFor(async () => (await status()).synced === true, { what: 'the trader synced' });
  });

  afterAll(async () => {
    await strategy?.close();
    await trader?.kill('SIGTERM');
    await stack?.close();
    await traderDb?.drop();
  });

  it('trade server killed and restarted: the trader reconnects, logs in again, resumes; nothing sent twice', async () => {
    strategy.send(account, order(account, 'before'));
    await waitFor(async () => (await serverTrades()).some((row) => row.order_id === 'before'), {
      what: 'the first fill',
    });
    await server.kill('SIGKILL');
    await waitFor(async () => (await status()).session.state !== 'ready', {
      what: 'the trader noticing the loss',
    });
    // Orders while the server is down wait in the trader (unacked in RabbitMQ).
    strategy.send(account, order(account, 'during-1'));
    strategy.send(account, order(account, 'during-2'));
    await waitFor(
      async () => (await status()).waiting_commands + (await status()).unconfirmed_orders >= 2,
      {
        what: 'the orders held by the trader',
      },
    );
    await server.start();
    await waitFor(
      async () => {
        const trades = await serverTrades();
        return ['during-1', 'during-2'].every((id) => trades.some((row) => row.order_id === id));
      },
      { what: 'the held orders filled after the restart', timeoutMs: 30_000 },
    );
    strategy.send(account, order(account, 'after'));
    await waitFor(async () => (await serverTrades()).some((row) => row.order_id === 'after'), {
      what: 'an order after the restart',
    });
    const after = await status();
    expect(after.session.state).toBe('ready');
    expect(after.session.reconnects).toBeGreaterThanOrEqual(1);
    expect(after.session.session).toBeGreaterThanOrEqual(2);
    const orders = await serverOrders();
    expect(orders.map((row) => row.order_id).sort()).toEqual([
      'after',
      'before',
      'during-1',
      'during-2',
    ]);
    expect(orders.every((row) => Number(row.n) === 1)).toBe(true);
    const trades = await serverTrades();
    expect(trades.every((row) => Number(row.n) === 1)).toBe(true);
  });

  it('trader killed with unacked messages and restarted: every order executed exactly once', async () => {
    // Freeze the trade server: the trader sends the orders but cannot see them confirmed.
    server.signal('SIGSTOP');
    const ids = ['k1', 'k2', 'k3', 'k4', 'k5'];
    try {
      for (const id of ids) strategy.send(account, order(account, id));
      await waitFor(async () => (await status()).unconfirmed_orders === ids.length, {
        what: 'five orders sent and unconfirmed',
      });
      await trader.kill('SIGKILL');
    } finally {
      server.signal('SIGCONT');
    }
    await trader.start();
    await waitFor(
      async () => {
        const trades = await serverTrades();
        return ids.every((id) => trades.some((row) => row.order_id === id));
      },
      { what: 'all five orders filled', timeoutMs: 30_000 },
    );
    await waitFor(async () => (await status()).unconfirmed_orders === 0, {
      what: 'the redelivered messages confirmed',
    });
    const orders = await serverOrders();
    for (const id of ids) expect(orders.find((row) => row.order_id === id)?.n).toBe('1');
    const trades = await serverTrades();
    for (const id of ids) expect(trades.find((row) => row.order_id === id)?.n).toBe('1');
    // Every trade of the account went out on QATRANSACTION once, across the restart.
    const tradeRows = await serverDb.query<{ trade_id: string }>(
      'SELECT trade_id FROM trade_trade WHERE account_cookie = $1',
      [account],
    );
    await waitFor(() => strategy.trades.length >= tradeRows.length, {
      what: 'every trade published',
    });
    const published = strategy.trades.map((trade) => String(trade.trade_id)).sort();
    expect(published).toEqual(tradeRows.map((row) => row.trade_id).sort());
  });
});
