/**
 * `npm run bench:trade` — order flow through the trade server under load.
 *
 * The server runs in its own process on a fresh PostgreSQL database; a local market double (the
 * gateway's `/ws/market` protocol) quotes BENCH_INSTRUMENTS futures with deep books every 100 ms;
 * BENCH_CLIENTS (50) DIFF clients here each log in to their own sim account (peeking after every
 * `rtn_data`, as the original trader) and send marketable limit orders (1 lot, buy and sell
 * alternately) at RATE/clients per second each, for BENCH_SECONDS (30) at every rate of
 * BENCH_RATES (1000,5000). Each rate runs twice: with Redis (BullMQ queue + pub/sub) and with the
 * in-process queue and bus (the same-run baseline).
 *
 * Reports throughput, p50/p99/max of `insert_order` → the patch showing the order accepted, and →
 * the patch showing its fill, server CPU and RSS; then checks the database: every sent order id
 * stored exactly once and filled exactly once (lost/duplicated must be 0).
 *
 * Before the runs it measures, at each rate for BENCH_FLOOR_SECONDS (10), the floor of the queue
 * and bus alone (BullMQ add, one job per order → worker → Redis publish → subscriber, no trade
 * server): the part of the Redis figures the mandated components cost on this machine — once on
 * the trade runs' schedule (what is due every BENCH_SEND_TICK_MS, 10 ms) and once with a job every
 * 1 ms (smooth arrivals), and prints the Redis run's ratios against both.
 */
import type { ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { FakeMarket, serviceUrls, TestDatabase } from '@qautlra/testing';
import { cpuSeconds, cpuSecondsOfCommand, rssMiB } from '../md-gateway/proc-stats';
import { measureQueueFloor, type QueueFloor, SEND_TICK_MS } from './queue-floor';
import { freePort, percentile, rest, sleep, startApp, withPg } from '../support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const RATES = (process.env.BENCH_RATES ?? '1000,5000').split(',').map(Number);
const FLOOR_SECONDS = Number(process.env.BENCH_FLOOR_SECONDS ?? 10);
const WORKER_CONCURRENCY = 64;
const INSTRUMENT_COUNT = Number(process.env.BENCH_INSTRUMENTS ?? 5);
const PRODUCTS: [string, string, number, number][] = [
  ['SHFE', 'rb', 3300, 1],
  ['SHFE', 'cu', 78000, 10],
  ['SHFE', 'al', 20500, 5],
  ['DCE', 'm', 2900, 1],
  ['CZCE', 'SR', 5900, 1],
];
const INSTRUMENTS = PRODUCTS.slice(0, INSTRUMENT_COUNT).map(([exchange, product, price, tick]) => ({
  exchange,
  code: `${product}${exchange === 'CZCE' ? '601' : '2601'}`,
  id: `${exchange}.${product}${exchange === 'CZCE' ? '601' : '2601'}`,
  price,
  tick,
}));

interface Mode {
  name: string;
  redis: boolean;
}

interface RunResult {
  mode: string;
  rate: number;
  sent: number;
  accepted: number;
  filled: number;
  throughput: number;
  /** Fills per second from the first order until the last fill arrived. */
  processed: number;
  /** Fills per second from the first order until the database held them all. */
  persisted: number;
  acceptP50: number;
  acceptP99: number;
  fillP50: number;
  fillP99: number;
  fillMax: number;
  cpuPercent: number;
  /** CPU of every PostgreSQL and Redis process during the run (they share the machine's cores). */
  postgresPercent: number;
  redisPercent: number;
  rssMiB: number;
  lost: number;
  duplicated: number;
  /** Clients the server disconnected, and the orders they could not send afterwards. */
  disconnected: number;
  unsent: number;
}

async function startServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  return startApp({
    app: 'trade-server',
    port,
    env: { ...env, TRADE_SERVER_ADDR: `127.0.0.1:${port}` },
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
  });
}

/** One bench client: a DIFF connection of one account, peeking after each `rtn_data`. */
class BenchClient {
  readonly sentAt = new Map<string, number>();
  readonly acceptMs: number[] = [];
  readonly fillMs: number[] = [];
  readonly accepted = new Set<string>();
  readonly filled = new Set<string>();
  /** Orders not sent because the server had closed this connection. */
  unsent = 0;
  closeCode?: number;
  private ws!: WebSocket;
  private loggedIn = false;
  private ready = false;

  constructor(
    readonly account: string,
    private readonly url: string,
  ) {}

  async connect(): Promise<void> {
    this.ws = new WebSocket(this.url);
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    this.ws.on('close', (code) => (this.closeCode = code));
    this.send({ aid: 'req_login', bid: 'sim', user_name: this.account, password: 'pw' });
    this.send({ aid: 'peek_message' });
    const deadline = Date.now() + 15_000;
    while (!this.ready) {
      if (Date.now() > deadline) throw new Error(`${this.account}: no snapshot`);
      await sleep(10);
    }
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  order(
    orderId: string,
    direction: 'BUY' | 'SELL',
    instrument: (typeof INSTRUMENTS)[number],
  ): void {
    const price =
      direction === 'BUY'
        ? instrument.price + 50 * instrument.tick
        : instrument.price - 50 * instrument.tick;
    if (this.ws.readyState !== WebSocket.OPEN) {
      this.unsent += 1;
      return;
    }
    this.sentAt.set(orderId, performance.now());
    this.send({
      aid: 'insert_order',
      user_id: this.account,
      order_id: orderId,
      exchange_id: instrument.exchange,
      instrument_id: instrument.code,
      direction,
      offset: 'OPEN',
      volume: 1,
      price_type: 'LIMIT',
      limit_price: price,
      volume_condition: 'ANY',
      time_condition: 'GFD',
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private receive(text: string): void {
    const now = performance.now();
    const message = JSON.parse(text) as { aid: string; data?: Record<string, unknown>[] };
    if (message.aid !== 'rtn_data') return;
    for (const part of message.data ?? []) {
      const notify = part.notify as Record<string, { content: string }> | undefined;
      if (notify && Object.values(notify).some((entry) => entry.content === '登录成功'))
        this.loggedIn = true;
      const section = (part.trade as Record<string, Record<string, unknown>> | undefined)?.[
        this.account
      ];
      if (!section) continue;
      this.ready = true;
      const orders = section.orders as Record<string, { status: string }> | undefined;
      for (const id of Object.keys(orders ?? {})) {
        const sent = this.sentAt.get(id);
        if (sent === undefined || this.accepted.has(id)) continue;
        this.accepted.add(id);
        this.acceptMs.push(now - sent);
      }
      const trades = section.trades as Record<string, { order_id: string }> | undefined;
      for (const trade of Object.values(trades ?? {})) {
        const sent = this.sentAt.get(trade.order_id);
        if (sent === undefined || this.filled.has(trade.order_id)) continue;
        this.filled.add(trade.order_id);
        this.fillMs.push(now - sent);
      }
    }
    if (this.loggedIn) this.send({ aid: 'peek_message' });
  }
}

async function run(mode: Mode, rate: number, marketUrl: string): Promise<RunResult> {
  const database = await TestDatabase.create('trade_bench');
  const namespace = `bench${Date.now()}`;
  const { child, base } = await startServer({
    DATABASE_URL: database.url,
    ...(mode.redis ? { REDIS_URL: serviceUrls.redis, TRADE_REDIS_NAMESPACE: namespace } : {}),
    TRADE_MARKET_URL: marketUrl,
    TRADE_SIM_ALWAYS_OPEN: 'true',
    TRADE_DEMO: 'true',
    TRADE_DEMO_USER: 'bench-admin',
    TRADE_DEMO_PASSWORD: 'bench-admin',
  });
  const clients: BenchClient[] = [];
  try {
    const token = (
      await rest(base, 'POST', '/api/auth/login', undefined, {
        user_name: 'bench-admin',
        password: 'bench-admin',
      })
    ).token as string;
    for (let index = 0; index < CLIENTS; index += 1) {
      const account = `bench${index}`;
      await rest(base, 'POST', '/api/admin/users', token, { user_name: account, password: 'pw' });
      await rest(base, 'POST', '/api/admin/accounts', token, {
        account_cookie: account,
        user_name: account,
        cash: 1_000_000_000,
        risk_limits: {
          maxOrdersPerSecond: 10_000,
          maxOrdersPerDay: 10_000_000,
          maxPositionPerInstrument: 10_000_000,
          maxPositionPerAccount: 10_000_000,
          maxNotional: 1e12,
        },
      });
      const client = new BenchClient(account, `${base.replace('http', 'ws')}/ws/trade`);
      await client.connect();
      clients.push(client);
    }
    await sleep(1_000);
    const cpuBefore = cpuSeconds(child.pid!);
    const postgresBefore = cpuSecondsOfCommand('postgres');
    const redisBefore = cpuSecondsOfCommand('redis-server');
    const started = performance.now();
    let sent = 0;
    let sequence = 0;
    // What is due goes out every SEND_TICK_MS (as the floor's jobs), round-robin over the clients.
    while (performance.now() - started < SECONDS * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      while (sent < due) {
        const client = clients[sent % clients.length]!;
        const instrument = INSTRUMENTS[sent % INSTRUMENTS.length]!;
        sequence += 1;
        client.order(`o${sequence}`, sequence % 2 === 0 ? 'BUY' : 'SELL', instrument);
        sent += 1;
      }
      await sleep(SEND_TICK_MS);
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(child.pid!) - cpuBefore;
    const postgresCpu = cpuSecondsOfCommand('postgres') - postgresBefore;
    const redisCpu = cpuSecondsOfCommand('redis-server') - redisBefore;
    const rss = rssMiB(child.pid!);
    const count = (pick: (client: BenchClient) => Set<string>) =>
      clients.reduce((sum, client) => sum + pick(client).size, 0);
    // Drain: wait while fills still arrive (a backlog is slow, not lost), at most 15 s without progress.
    let last = -1;
    let stalledSince = Date.now();
    while (count((client) => client.filled) < sent) {
      const now = count((client) => client.filled);
      if (now !== last) {
        last = now;
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > 15_000) break;
      await sleep(100);
    }
    const drained = (performance.now() - started) / 1000;
    const acceptMs = clients.flatMap((client) => client.acceptMs).sort((a, b) => a - b);
    const fillMs = clients.flatMap((client) => client.fillMs).sort((a, b) => a - b);
    // The database: every order once, every (1-lot) order filled once — after the write-behind
    // store caught up (polled until complete or 15 s without progress).
    const stored = () =>
      withPg(database.url, async (pg) => {
        const result = await pg.query<{ count: string }>(
          "SELECT count(*) FROM trade_trade WHERE account_cookie LIKE 'bench%' AND account_cookie <> 'bench-admin'",
        );
        return Number(result.rows[0]?.count ?? 0);
      });
    let storedCount = -1;
    let storedSince = Date.now();
    for (;;) {
      const now = await stored();
      if (now >= count((client) => client.filled)) break;
      if (now !== storedCount) {
        storedCount = now;
        storedSince = Date.now();
      } else if (Date.now() - storedSince > 15_000) break;
      await sleep(250);
    }
    const persisted = (performance.now() - started) / 1000;
    const [orders, trades] = await withPg(database.url, async (pg) => {
      const orderRows = await pg.query<{ order_id: string }>(
        "SELECT order_id FROM trade_order WHERE account_cookie LIKE 'bench%' AND account_cookie <> 'bench-admin'",
      );
      const tradeRows = await pg.query<{ order_id: string }>(
        "SELECT order_id FROM trade_trade WHERE account_cookie LIKE 'bench%' AND account_cookie <> 'bench-admin'",
      );
      return [orderRows.rows.map((row) => row.order_id), tradeRows.rows.map((row) => row.order_id)];
    });
    const sentIds = new Set(clients.flatMap((client) => [...client.sentAt.keys()]));
    const storedIds = new Set(orders);
    const tradeCount = new Map<string, number>();
    for (const id of trades) tradeCount.set(id, (tradeCount.get(id) ?? 0) + 1);
    let lost = 0;
    for (const id of sentIds) if (!storedIds.has(id) || !tradeCount.has(id)) lost += 1;
    const duplicated =
      orders.length - storedIds.size + [...tradeCount.values()].filter((value) => value > 1).length;
    return {
      mode: mode.name,
      rate,
      sent,
      accepted: count((client) => client.accepted),
      filled: count((client) => client.filled),
      throughput: sent / elapsed,
      processed: count((client) => client.filled) / drained,
      persisted: count((client) => client.filled) / persisted,
      acceptP50: percentile(acceptMs, 50),
      acceptP99: percentile(acceptMs, 99),
      fillP50: percentile(fillMs, 50),
      fillP99: percentile(fillMs, 99),
      fillMax: fillMs[fillMs.length - 1] ?? NaN,
      cpuPercent: (cpu / elapsed) * 100,
      postgresPercent: (postgresCpu / elapsed) * 100,
      redisPercent: (redisCpu / elapsed) * 100,
      rssMiB: rss,
      lost,
      duplicated,
      disconnected: clients.filter((client) => client.closeCode !== undefined).length,
      unsent: clients.reduce((sum, client) => sum + client.unsent, 0),
    };
  } finally {
    for (const client of clients) client.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await database.drop();
  }
}

async function main(): Promise<void> {
  const market = new FakeMarket(INSTRUMENTS.map((instrument) => instrument.id));
  const marketUrl = await market.start();
  const quote = () => {
    for (const instrument of INSTRUMENTS)
      market.book(
        instrument.id,
        instrument.price,
        instrument.price + instrument.tick,
        1_000_000_000,
        {
          upper_limit: instrument.price * 1.1,
          lower_limit: instrument.price * 0.9,
        },
      );
  };
  quote();
  const quoting = setInterval(quote, 100);
  const modes: Mode[] = [
    { name: 'redis (BullMQ + pub/sub)', redis: true },
    { name: 'in-process queue + bus', redis: false },
  ];
  const results: RunResult[] = [];
  const floors: QueueFloor[] = [];
  try {
    // The floor on the trade runs' schedule (the same arrival pattern) and, where that differs, with
    // a job every 1 ms (smooth arrivals: the lowest floor, as the issue measured it).
    const ticks = [...new Set([SEND_TICK_MS, 1])];
    for (const rate of RATES)
      for (const tickMs of ticks) {
        console.log(
          `measuring the BullMQ + pub/sub floor at ${rate} jobs/s, added every ${tickMs} ms, for ${FLOOR_SECONDS} s …`,
        );
        floors.push(
          await measureQueueFloor(
            serviceUrls.redis,
            rate,
            FLOOR_SECONDS,
            WORKER_CONCURRENCY,
            tickMs,
          ),
        );
      }
    for (const rate of RATES)
      for (const mode of modes) {
        console.log(`running ${mode.name} at ${rate} orders/s for ${SECONDS} s …`);
        results.push(await run(mode, rate, marketUrl));
      }
  } finally {
    clearInterval(quoting);
    await market.close();
  }
  const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
  console.log(
    `\ntrade bench: ${CLIENTS} DIFF clients, ${INSTRUMENTS.length} instruments, ${SECONDS} s per run, 1-lot marketable limit orders, PostgreSQL store\n`,
  );
  console.log(
    'mode                          rate   sent    orders/s  filled/s  stored/s  accept p50/p99 ms  fill p50/p99/max ms    cpu%  pg cpu%  redis cpu%  rss MiB  lost  dup  disconnected (unsent)',
  );
  for (const result of results)
    console.log(
      `${result.mode.padEnd(28)} ${String(result.rate).padStart(5)} ${String(result.sent).padStart(7)} ${fmt(result.throughput).padStart(10)} ${fmt(result.processed).padStart(9)} ${fmt(result.persisted).padStart(9)}  ${`${fmt(result.acceptP50)}/${fmt(result.acceptP99)}`.padStart(16)}  ${`${fmt(result.fillP50)}/${fmt(result.fillP99)}/${fmt(result.fillMax)}`.padStart(20)}  ${fmt(result.cpuPercent).padStart(6)}  ${fmt(result.postgresPercent).padStart(7)}  ${fmt(result.redisPercent).padStart(10)}  ${fmt(result.rssMiB).padStart(7)}  ${String(result.lost).padStart(4)}  ${String(result.duplicated).padStart(3)}  ${result.disconnected} (${result.unsent})`,
    );
  console.log(
    `\nqueue floor (BullMQ add → worker, concurrency ${WORKER_CONCURRENCY} → Redis publish → subscriber; no trade server):`,
  );
  for (const floor of floors)
    console.log(
      `  ${String(floor.rate).padStart(5)} jobs/s, added every ${String(floor.tickMs).padStart(2)} ms: ${floor.jobs} jobs, ${fmt(floor.sustained)} jobs/s sustained, p50/p99/max ${fmt(floor.p50)}/${fmt(floor.p99)}/${fmt(floor.max)} ms`,
    );
  console.log(`(the trade runs send what is due every ${SEND_TICK_MS} ms)`);
  for (const rate of RATES) {
    const redis = results.find((result) => result.rate === rate && result.mode.startsWith('redis'));
    const local = results.find(
      (result) => result.rate === rate && !result.mode.startsWith('redis'),
    );
    if (redis && local)
      console.log(
        `at ${rate}/s: redis p99 fill ${fmt(redis.fillP99)} ms = ${fmt(redis.fillP99 / local.fillP99)}× the in-process baseline (${fmt(local.fillP99)} ms)`,
      );
    for (const floor of floors.filter((candidate) => candidate.rate === rate))
      if (redis)
        console.log(
          `at ${rate}/s: redis against the floor added every ${floor.tickMs} ms: fill p50 ${fmt(redis.fillP50 / floor.p50)}× (${fmt(redis.fillP50)} vs ${fmt(floor.p50)} ms), p99 ${fmt(redis.fillP99 / floor.p99)}× (${fmt(redis.fillP99)} vs ${fmt(floor.p99)} ms), sustained ${fmt(redis.processed / floor.sustained)}× (${fmt(redis.processed)} vs ${fmt(floor.sustained)} /s)`,
        );
  }
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const at1000 = results.find((result) => result.rate === 1000 && result.mode.startsWith('redis'));
  for (const floor of floors.filter((candidate) => candidate.rate === 1000))
    if (at1000) {
      const p50 = at1000.fillP50 / floor.p50;
      const p99 = at1000.fillP99 / floor.p99;
      console.log(
        `target (redis, 1,000 orders/s; floor added every ${floor.tickMs} ms): fill p50 ≤ 2× the floor: ${verdict(p50 <= 2)} (${fmt(p50)}×); p99 ≤ 3×: ${verdict(p99 <= 3)} (${fmt(p99)}×)`,
      );
    }
  if (at1000)
    console.log(
      `target (redis, 1,000 orders/s): p99 insert → fill ≤ 5 ms: ${verdict(at1000.fillP99 <= 5)} (${fmt(at1000.fillP99)} ms)`,
    );
  const at5000 = results.find((result) => result.rate === 5000 && result.mode.startsWith('redis'));
  for (const floor of floors.filter((candidate) => candidate.rate === 5000))
    if (at5000) {
      const ratio = at5000.processed / floor.sustained;
      console.log(
        `target (redis, 5,000 orders/s offered; floor added every ${floor.tickMs} ms): sustained ≥ 0.9× the floor's: ${verdict(ratio >= 0.9)} (${fmt(ratio)}×)`,
      );
    }
  const bad = results.filter((result) => result.lost > 0 || result.duplicated > 0);
  if (bad.length > 0) {
    console.log(
      'LOST OR DUPLICATED ORDERS in',
      bad.map((result) => `${result.mode}@${result.rate}`).join(', '),
    );
    process.exitCode = 1;
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
