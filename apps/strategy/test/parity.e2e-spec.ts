import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppProcess,
  freePort,
  gatewayProcess,
  TestDatabase,
  tradeServerProcess,
  waitFor,
} from '@qautlra/testing';

const TOKEN = 'parity-token';
const USER = 'parity';
const STREAM = 'parity_ticks';
const INSTRUMENT = 'SHFE.rb2705';
/** A Friday day session (Beijing 09:30): a trading day by the calendar, in a trading session. */
const FIRST_TICK_MS = Date.parse('2026-12-04T09:30:00+08:00');
const TICKS = 60;
const TICK_GAP_MS = 1_000;
/** Replay at ×2: a tick every 500 ms, time enough for an order to reach the broker before the next. */
const SPEED = 2;
const PARAMS = { every: 3, lots: 1 };
const AUTH = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

/** A deterministic full snapshot per tick: a walk of last price with a one-tick spread. */
function recordedTicks(): Record<string, unknown>[] {
  let seed = 20261204;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  let price = 3_400;
  let volume = 10_000;
  let high = price;
  let low = price;
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < TICKS; i += 1) {
    price += Math.floor(random() * 7) - 3;
    volume += 1 + Math.floor(random() * 20);
    high = Math.max(high, price);
    low = Math.min(low, price);
    rows.push({
      instrument_id: INSTRUMENT,
      datetime: new Date(FIRST_TICK_MS + i * TICK_GAP_MS).toISOString(),
      last_price: price,
      bid_price1: price - 1,
      ask_price1: price + 1,
      bid_volume1: 50,
      ask_volume1: 50,
      volume,
      amount: volume * price * 10,
      open: 3_400,
      highest: high,
      lowest: low,
      pre_close: 3_400,
      average: price,
      upper_limit: 3_700,
      lower_limit: 3_100,
      open_interest: 100_000,
    });
  }
  return rows;
}

interface Order {
  order_id: string;
  direction: string;
  offset: string;
  volume_orign: number;
  volume_left: number;
  price_type: string;
  limit_price: number;
  status: string;
}
interface Trade {
  order_id: string;
  direction: string;
  offset: string;
  volume: number;
  price: number;
  commission: number;
}

/** What must agree: per order (by its sequence number in the run) and the final account. */
const orderFacts = (orders: Order[]) =>
  orders
    .map((order) => ({
      n: Number(order.order_id.split('.').pop()!.replace(/^s/, '')),
      direction: order.direction,
      offset: order.offset,
      volume: order.volume_orign,
      left: order.volume_left,
      price_type: order.price_type,
    }))
    .sort((a, b) => a.n - b.n);
const tradeFacts = (trades: Trade[]) =>
  trades
    .map((trade) => ({
      n: Number(trade.order_id.split('.').pop()!.replace(/^s/, '')),
      direction: trade.direction,
      offset: trade.offset,
      volume: trade.volume,
      price: trade.price,
      commission: Math.round(trade.commission * 100) / 100,
    }))
    .sort((a, b) => a.n - b.n);
const round = (value: unknown) => Math.round(Number(value) * 100) / 100;
const accountFacts = (qifi: {
  accounts: Record<string, number>;
  positions: Record<string, Record<string, number>>;
}) => ({
  balance: round(qifi.accounts.balance),
  close_profit: round(qifi.accounts.close_profit),
  commission: round(qifi.accounts.commission),
  position_profit: round(qifi.accounts.position_profit),
  margin: round(qifi.accounts.margin),
  long: qifi.positions[INSTRUMENT]?.volume_long ?? 0,
  short: qifi.positions[INSTRUMENT]?.volume_short ?? 0,
});

/**
 * Issue 19's promise: the same strategy file, unchanged, (a) backtested over recorded ticks and
 * (b) live on the same ticks replayed through the gateway against the trade server's sim broker,
 * gives the same orders, fills and final account.
 */
describe('the same strategy in a backtest and live on the replayed ticks', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'qautlra-parity-'));
  const databases: TestDatabase[] = [];
  const apps: AppProcess[] = [];
  let tsdbUrl: string;

  beforeAll(async () => {
    const tsdbPort = await freePort();
    tsdbUrl = `http://127.0.0.1:${tsdbPort}`;
    const tsdb = new AppProcess(
      'tsdb',
      [],
      {
        P_ADDR: `127.0.0.1:${tsdbPort}`,
        P_DATA_DIR: join(dir, 'tsdb'),
        P_STAGING_DIR: join(dir, 'staging'),
        QADB_WS_CLIENT_ENABLED: 'false',
        QADB_WEBSOCKET_ENABLED: 'false',
      },
      `${tsdbUrl}/health`,
    );
    apps.push(tsdb);
    await tsdb.start();
    const ingest = await fetch(`${tsdbUrl}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: AUTH, 'content-type': 'application/json', 'x-p-stream': STREAM },
      body: JSON.stringify(recordedTicks()),
    });
    expect(ingest.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill('SIGTERM')));
    await Promise.all(databases.map((database) => database.drop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const parity = async (strategy: string) => {
    // (a) The backtest service over the recorded ticks.
    const backtestPort = await freePort();
    const backtest = new AppProcess(
      'backtest',
      [],
      {
        BACKTEST_ADDR: `127.0.0.1:${backtestPort}`,
        BACKTEST_DATA_DIR: join(dir, 'backtest'),
        BACKTEST_STRATEGY_DIRS: join(__dirname, 'fixtures'),
        BACKTEST_TSDB_URL: tsdbUrl,
        BACKTEST_TSDB_STREAM: STREAM,
        BACKTEST_THREADS: '1',
      },
      `http://127.0.0.1:${backtestPort}/health`,
    );
    apps.push(backtest);
    await backtest.start();
    const bt = `http://127.0.0.1:${backtestPort}`;
    const submitted = await fetch(`${bt}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        source: 'tsdb',
        strategy,
        instruments: [INSTRUMENT],
        from: '2026-12-04',
        to: '2026-12-04',
        frequency: 'tick',
        cash: 1_000_000,
        params: PARAMS,
      }),
    });
    expect(submitted.status).toBe(202);
    const { id: runId } = (await submitted.json()) as { id: string };
    const run = await waitFor(
      async () => {
        const now = (await (await fetch(`${bt}/api/runs/${runId}`)).json()) as {
          status: string;
          error: string | null;
        };
        return now.status === 'done' || now.status === 'failed' ? now : undefined;
      },
      { what: 'the backtest', timeoutMs: 60_000 },
    );
    expect(run).toMatchObject({ status: 'done', error: null });
    const part = async <T>(name: string) =>
      (await (await fetch(`${bt}/api/runs/${runId}/${name}`)).json()) as T;
    const btOrders = await part<Order[]>('orders');
    const btTrades = await part<Trade[]>('trades');
    const btDaily = await part<{ qifi: Parameters<typeof accountFacts>[0] }[]>('daily');
    expect(btTrades.length).toBeGreaterThanOrEqual(10);

    // (b) Live: the gateway replays the same stream, the sim broker fills on it, the runtime trades.
    const [mdPort, tradePort, runtimePort] = [await freePort(), await freePort(), await freePort()];
    const database = await TestDatabase.create('parity');
    databases.push(database);
    const gateway = gatewayProcess(mdPort, {
      type: 'replay',
      url: tsdbUrl,
      stream: STREAM,
      speed: SPEED,
      autostart: false,
    });
    apps.push(gateway);
    await gateway.start();
    const trade = tradeServerProcess({
      port: tradePort,
      marketPort: mdPort,
      databaseUrl: database.url,
      user: USER,
      password: 'pw',
      env: { TRADE_DEMO_CASH: '1000000' },
    });
    apps.push(trade);
    await trade.start();
    const runtime = new AppProcess(
      'strategy',
      [],
      {
        STRATEGY_ADDR: `127.0.0.1:${runtimePort}`,
        STRATEGY_DATA_DIR: join(dir, `strategy-${strategy}`),
        STRATEGY_DIRS: join(__dirname, 'fixtures'),
        STRATEGY_MARKET_URL: `ws://127.0.0.1:${mdPort}/ws/market`,
        STRATEGY_TRADE_URL: `ws://127.0.0.1:${tradePort}/ws/trade`,
        STRATEGY_TSDB_URL: tsdbUrl,
        STRATEGY_API_TOKEN: TOKEN,
      },
      `http://127.0.0.1:${runtimePort}/health`,
    );
    apps.push(runtime);
    await runtime.start();
    const rt = `http://127.0.0.1:${runtimePort}`;
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const created = (await (
      await fetch(`${rt}/api/instances`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          strategy,
          params: PARAMS,
          account: USER,
          password: 'pw',
          instruments: [INSTRUMENT],
          frequency: 'tick',
          limits: { max_position: 100, max_orders_per_minute: 1000, max_daily_loss: 0 },
        }),
      })
    ).json()) as { id: string };
    const get = async <T>(path: string) =>
      (await (await fetch(`${rt}${path}`, { headers })).json()) as T;
    await waitFor(
      async () => {
        const instance = await get<{ status: string; sending: boolean }>(
          `/api/instances/${created.id}`,
        );
        const subscribed = (await (
          await fetch(`http://127.0.0.1:${mdPort}/api/subscriptions`)
        ).json()) as { instruments: string[] };
        return instance.sending && subscribed.instruments.includes(INSTRUMENT);
      },
      { what: 'the instance running and subscribed', timeoutMs: 30_000 },
    );
    const started = await fetch(`http://127.0.0.1:${mdPort}/api/replay/start`, { method: 'POST' });
    expect(started.status).toBe(200);
    // The replay's end, then every order settled on the broker.
    await waitFor(
      async () => {
        const status = (await (await fetch(`http://127.0.0.1:${mdPort}/api/status`)).json()) as {
          sources: { detail?: string }[];
        };
        return status.sources.some((source) => source.detail?.includes('finished'));
      },
      { what: 'the replay to finish', timeoutMs: 90_000 },
    );
    // Every order of the last ticks settled on the broker (or, when they never come, the diff shows it).
    const settled = (orders: Order[]) =>
      orders.length >= btOrders.length && orders.every((order) => order.status === 'FINISHED');
    await waitFor(async () => settled(await get<Order[]>(`/api/instances/${created.id}/orders`)), {
      what: 'every live order finished',
      timeoutMs: 30_000,
    }).catch(() => undefined);
    const liveOrders = await get<Order[]>(`/api/instances/${created.id}/orders`);
    const liveTrades = await get<Trade[]>(`/api/instances/${created.id}/trades`);
    const liveQifi = await get<Parameters<typeof accountFacts>[0]>(
      `/api/instances/${created.id}/qifi`,
    );

    expect(orderFacts(liveOrders)).toEqual(orderFacts(btOrders));
    expect(tradeFacts(liveTrades)).toEqual(tradeFacts(btTrades));
    expect(accountFacts(liveQifi)).toEqual(accountFacts(btDaily[btDaily.length - 1]!.qifi));
    await Promise.all([gateway, trade, runtime, backtest].map((app) => app.kill('SIGTERM')));
  };

  it('TypeScript: the same orders, trades and final QIFI account', () => parity('tick-flipper'));

  it('Python (its twin, through the bridge): the same orders, trades and final QIFI account', () =>
    parity('py-tick-flipper'));
});
