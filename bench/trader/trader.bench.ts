/**
 * `npm run bench:trader` — the trader's round trip: a strategy publishes `sendorder` on RabbitMQ
 * (`QAORDER_ROUTER`) → the trader (risk, DIFF) → the trade server's sim broker fills → the trader
 * publishes the trade on `QATRANSACTION` → the strategy receives it. BENCH_RATE (500) orders/s for
 * BENCH_SECONDS (30), 1-lot marketable limit orders alternating BUY and SELL (OPEN) on one account.
 *
 * Baseline in the same run, against the same trade server: a DIFF client sending the same orders
 * straight over the WebSocket (`insert_order` → the patch showing the fill).
 *
 * The trade server (PostgreSQL, in-process queue) and the trader (PostgreSQL, RabbitMQ) run as
 * child processes; a local market double quotes SHFE.rb2601 with a deep book. After each phase the
 * trade server's database is checked: every order id stored and filled exactly once; and every
 * trade arrived on QATRANSACTION exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as amqpConnect } from 'amqplib';
import WebSocket from 'ws';
import { FakeMarket, serviceUrls, TestDatabase } from '@qautlra/testing';
import { cpuSeconds } from '../md-gateway/proc-stats';
import { freePort, percentile, rest, sleep, startApp, stopChild, withPg } from '../support';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const ACCOUNT = 'bench';
const INSTRUMENT = 'SHFE.rb2601';
const PRICE = 3500;

/**
 * p99 of the fills of orders sent in the first and in the last 10 s of a phase (`[sentAt, ms]`
 * pairs): a cost that grows with the day shows as a last window slower than the first.
 */
function windowP99(timed: readonly (readonly [number, number])[]): {
  first10: number;
  last10: number;
} {
  if (timed.length === 0) return { first10: NaN, last10: NaN };
  const start = Math.min(...timed.map(([at]) => at));
  const end = Math.max(...timed.map(([at]) => at));
  const p99Of = (keep: (at: number) => boolean) =>
    percentile(
      timed
        .filter(([at]) => keep(at))
        .map(([, ms]) => ms)
        .sort((a, b) => a - b),
      99,
    );
  return { first10: p99Of((at) => at < start + 10_000), last10: p99Of((at) => at > end - 10_000) };
}

interface PhaseResult {
  first10: number;
  last10: number;
  name: string;
  sent: number;
  filled: number;
  p50: number;
  p99: number;
  max: number;
  lost: number;
  duplicated: number;
  cpu: Record<string, number>;
}

/** The parts of an `rtn_data` frame the baseline reads. */
interface RtnFrame {
  aid: string;
  data?: ({
    trade?: Record<string, { trades?: Record<string, { order_id?: string } | null> }>;
  } | null)[];
}

interface TraderStatus {
  accounts: { synced: boolean; counters: Record<string, number> }[];
  intake: { amqp: { state?: string } };
}

const orderOf = (index: number) => ({
  direction: index % 2 === 0 ? 'BUY' : 'SELL',
  price: index % 2 === 0 ? PRICE + 20 : PRICE - 20,
});

/** Sends `total` orders at RATE/s through `send(index, orderId)`. */
async function pace(
  prefix: string,
  send: (index: number, orderId: string) => void,
): Promise<number> {
  const total = Math.round(RATE * SECONDS);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
    for (; sent < due; sent += 1) send(sent, `${prefix}-${sent}`);
    await sleep(1);
  }
  return sent;
}

/** Orders of `prefix` in the trade server: stored more than once / filled other than once. */
async function checkServer(databaseUrl: string, prefix: string, sent: number) {
  return withPg(databaseUrl, async (client) => {
    const orders = await client.query<{ order_id: string; n: string }>(
      `SELECT order_id, count(*) AS n FROM trade_order WHERE order_id LIKE $1 GROUP BY order_id`,
      [`${prefix}-%`],
    );
    const trades = await client.query<{ order_id: string; n: string }>(
      `SELECT order_id, sum((document->>'volume')::int) AS n FROM trade_trade WHERE order_id LIKE $1 GROUP BY order_id`,
      [`${prefix}-%`],
    );
    const filledOnce = trades.rows.filter((row) => Number(row.n) === 1).length;
    const duplicated =
      orders.rows.filter((row) => Number(row.n) > 1).length +
      trades.rows.filter((row) => Number(row.n) > 1).length;
    return {
      lost: sent - filledOnce - trades.rows.filter((row) => Number(row.n) > 1).length,
      duplicated,
    };
  });
}

function cpuOf(children: Record<string, ChildProcess>): () => Record<string, number> {
  const start = performance.now();
  const before = Object.fromEntries(
    Object.entries(children).map(([name, child]) => [name, cpuSeconds(child.pid!)]),
  );
  return () => {
    const elapsed = (performance.now() - start) / 1000;
    return Object.fromEntries(
      Object.entries(children).map(([name, child]) => [
        name,
        ((cpuSeconds(child.pid!) - before[name]!) / elapsed) * 100,
      ]),
    );
  };
}

async function directPhase(
  wsUrl: string,
  databaseUrl: string,
  server: ChildProcess,
): Promise<PhaseResult> {
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const sentAt = new Map<string, number>();
  const fills: number[] = [];
  const timed: [number, number][] = [];
  let ready = false;
  ws.on('message', (data: Buffer) => {
    const now = performance.now();
    const message = JSON.parse(data.toString('utf8')) as RtnFrame;
    if (message.aid === 'rtn_data') {
      for (const part of message.data ?? []) {
        const section = part?.trade?.[ACCOUNT];
        if (!section) continue;
        ready = true;
        for (const trade of Object.values(section.trades ?? {})) {
          const orderId = trade?.order_id ?? '';
          const start = sentAt.get(orderId);
          if (start === undefined) continue;
          sentAt.delete(orderId);
          fills.push(now - start);
          timed.push([start, now - start]);
        }
      }
      ws.send('{"aid":"peek_message"}');
    }
  });
  ws.send(JSON.stringify({ aid: 'req_login', bid: 'sim', user_name: ACCOUNT, password: 'pw' }));
  while (!ready) await sleep(10);
  const cpu = cpuOf({ 'trade-server': server });
  const sent = await pace('ws', (index, orderId) => {
    const { direction, price } = orderOf(index);
    sentAt.set(orderId, performance.now());
    ws.send(
      JSON.stringify({
        aid: 'insert_order',
        user_id: ACCOUNT,
        order_id: orderId,
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction,
        offset: 'OPEN',
        volume: 1,
        price_type: 'LIMIT',
        limit_price: price,
      }),
    );
  });
  const deadline = Date.now() + 30_000;
  while (sentAt.size > 0 && Date.now() < deadline) await sleep(20);
  const usage = cpu();
  ws.terminate();
  await sleep(1_000);
  const check = await checkServer(databaseUrl, 'ws', sent);
  fills.sort((a, b) => a - b);
  return {
    name: 'direct DIFF WebSocket (baseline)',
    ...windowP99(timed),
    sent,
    filled: fills.length,
    p50: percentile(fills, 50),
    p99: percentile(fills, 99),
    max: fills.at(-1) ?? NaN,
    ...check,
    cpu: usage,
  };
}

async function traderPhase(
  traderPort: number,
  wsUrl: string,
  serverDb: string,
  server: ChildProcess,
): Promise<PhaseResult> {
  const traderDb = await TestDatabase.create('trader_bench');
  const dir = mkdtempSync(join(tmpdir(), 'trader-bench-'));
  const config = join(dir, 'trader.toml');
  writeFileSync(
    config,
    `[common]
account = "${ACCOUNT}"
password = "pw"
broker = "sim"
wsuri = "${wsUrl}"
eventmq_ip = "${serviceUrls.amqp}"
database_ip = "${traderDb.url}"
status_addr = "127.0.0.1:${traderPort}"
api_token = "bench-token"
log_level = "warn"
[common.risk]
# The bench alternates marketable BUY and SELL: an unconfirmed BUY would count as resting.
self_trade_prevention = false
max_orders_per_second = 100000
max_orders_per_day = 100000000
max_position_per_instrument = 1000000
max_position_per_account = 1000000
`,
  );
  const { child: trader, base } = await startApp({
    app: 'trader',
    port: traderPort,
    args: ['-c', config],
    nodeArgs: process.env.BENCH_TRADER_NODE_ARGS?.split(' ').filter(Boolean),
  });
  const connection = await amqpConnect(serviceUrls.amqp);
  const channel = await connection.createChannel();
  try {
    for (;;) {
      const status = (await (await fetch(`${base}/api/status`)).json()) as TraderStatus;
      if (status.accounts[0]?.synced && status.intake.amqp.state === 'consuming') break;
      await sleep(50);
    }
    // The baseline's trades are new to this trader: let it record and publish them first.
    await sleep(3_000);
    const sentAt = new Map<string, number>();
    const fills: number[] = [];
    const timed: [number, number][] = [];
    const seen = new Map<string, number>();
    await channel.assertExchange('QATRANSACTION', 'direct', { durable: false });
    await channel.assertExchange('QAORDER_ROUTER', 'direct', { durable: false });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, 'QATRANSACTION', ACCOUNT);
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const now = performance.now();
        const trade = JSON.parse(message.content.toString()) as {
          trade_id: string;
          order_id: string;
        };
        seen.set(trade.trade_id, (seen.get(trade.trade_id) ?? 0) + 1);
        const start = sentAt.get(trade.order_id);
        if (start === undefined) return;
        sentAt.delete(trade.order_id);
        fills.push(now - start);
        timed.push([start, now - start]);
      },
      { noAck: true },
    );
    const cpu = cpuOf({ 'trade-server': server, trader });
    const sent = await pace('mq', (index, orderId) => {
      const { direction, price } = orderOf(index);
      sentAt.set(orderId, performance.now());
      channel.publish(
        'QAORDER_ROUTER',
        ACCOUNT,
        Buffer.from(
          JSON.stringify({
            topic: 'sendorder',
            account_cookie: ACCOUNT,
            exchange_id: 'SHFE',
            code: 'rb2601',
            order_direction: direction,
            order_offset: 'OPEN',
            volume: 1,
            price,
            order_id: orderId,
          }),
        ),
      );
    });
    const deadline = Date.now() + 60_000;
    while (sentAt.size > 0 && Date.now() < deadline) await sleep(20);
    const usage = cpu();
    await sleep(1_000);
    const after = (await (await fetch(`${base}/api/status`)).json()) as TraderStatus;
    console.log(`trader counters: ${JSON.stringify(after.accounts[0]?.counters)}`);
    if (sentAt.size > 0) {
      const events = await (
        await fetch(`${base}/api/accounts/${ACCOUNT}/events`, {
          headers: { authorization: 'Bearer bench-token' },
        })
      ).json();
      console.log(`trader events: ${JSON.stringify(events).slice(0, 600)}`);
    }
    const check = await checkServer(serverDb, 'mq', sent);
    fills.sort((a, b) => a - b);
    const repeated = [...seen.values()].filter((count) => count > 1).length;
    return {
      name: 'RabbitMQ → trader → fill → QATRANSACTION',
      ...windowP99(timed),
      sent,
      filled: fills.length,
      p50: percentile(fills, 50),
      p99: percentile(fills, 99),
      max: fills.at(-1) ?? NaN,
      lost: check.lost,
      duplicated: check.duplicated + repeated,
      cpu: usage,
    };
  } finally {
    await connection.close().catch(() => undefined);
    await stopChild(trader);
    await traderDb.drop();
  }
}

async function main(): Promise<void> {
  const market = new FakeMarket([INSTRUMENT]);
  const marketUrl = await market.start();
  const quote = () =>
    market.book(INSTRUMENT, PRICE, PRICE + 1, 1_000_000_000, {
      upper_limit: PRICE * 1.1,
      lower_limit: PRICE * 0.9,
    });
  quote();
  const quoting = setInterval(quote, 100);
  const serverDb = await TestDatabase.create('trader_bench_srv');
  const serverPort = await freePort();
  const { child: server, base } = await startApp({
    app: 'trade-server',
    port: serverPort,
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
    env: {
      TRADE_SERVER_ADDR: `127.0.0.1:${serverPort}`,
      DATABASE_URL: serverDb.url,
      REDIS_URL: '',
      TRADE_MARKET_URL: marketUrl,
      TRADE_SIM_ALWAYS_OPEN: 'true',
      TRADE_DEMO: 'true',
      TRADE_DEMO_USER: ACCOUNT,
      TRADE_DEMO_PASSWORD: 'pw',
      TRADE_DEMO_CASH: '100000000000',
    },
  });
  const results: PhaseResult[] = [];
  try {
    const token = (
      await rest(base, 'POST', '/api/auth/login', undefined, { user_name: ACCOUNT, password: 'pw' })
    ).token as string;
    await rest(base, 'PUT', `/api/admin/accounts/${ACCOUNT}/limits`, token, {
      maxOrdersPerSecond: 100_000,
      maxOrdersPerDay: 100_000_000,
      maxPositionPerInstrument: 1_000_000,
      maxPositionPerAccount: 1_000_000,
    });
    const wsUrl = `ws://127.0.0.1:${serverPort}/ws/trade`;
    await sleep(1_000);
    console.log(`direct DIFF WebSocket: ${RATE} orders/s for ${SECONDS} s …`);
    results.push(await directPhase(wsUrl, serverDb.url, server));
    console.log(`RabbitMQ → trader → QATRANSACTION: ${RATE} orders/s for ${SECONDS} s …`);
    results.push(await traderPhase(await freePort(), wsUrl, serverDb.url, server));
  } finally {
    clearInterval(quoting);
    await stopChild(server);
    await market.close();
    await serverDb.drop();
  }
  const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
  console.log(
    `\ntrader bench: ${RATE} orders/s for ${SECONDS} s, 1-lot marketable orders on one account, trade server on PostgreSQL (in-process queue)\n`,
  );
  console.log(
    'path                                        sent  filled  p50 ms   p99 ms    max ms  lost  dup  cpu %',
  );
  for (const result of results)
    console.log(
      `${result.name.padEnd(42)} ${String(result.sent).padStart(6)} ${String(result.filled).padStart(7)} ${fmt(result.p50).padStart(7)} ${fmt(result.p99).padStart(8)} ${fmt(result.max).padStart(9)} ${String(result.lost).padStart(5)} ${String(result.duplicated).padStart(4)}  ${Object.entries(
        result.cpu,
      )
        .map(([name, value]) => `${name} ${value.toFixed(0)}`)
        .join(', ')}`,
    );
  for (const result of results)
    console.log(
      `${result.name}: p99 of the first 10 s ${fmt(result.first10)} ms, of the last 10 s ${fmt(result.last10)} ms (last/first ${fmt(result.last10 / result.first10)}×)`,
    );
  const [direct, trader] = results;
  if (direct && trader)
    console.log(
      `round trip through the trader: p50 ${fmt(trader.p50)} ms = ${fmt(trader.p50 / direct.p50)}× and p99 ${fmt(trader.p99)} ms = ${fmt(trader.p99 / direct.p99)}× the direct WebSocket baseline (${fmt(direct.p50)} / ${fmt(direct.p99)} ms)`,
    );
  if (results.some((result) => result.lost > 0 || result.duplicated > 0)) {
    console.log('LOST OR DUPLICATED ORDERS');
    process.exitCode = 1;
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
