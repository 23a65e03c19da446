/**
 * `npm run bench:realtime` — the realtime monitor at 1,000 accounts × 50 positions, 10,000 ticks/s,
 * 200 subscribed sockets.
 *
 * (a) Re-mark cost, in one thread: the monitor's own path (quote → positions re-marked → one patch
 *     per account every push interval: figures, positions, the room's publishing) against the same
 *     arithmetic in a bare loop over typed arrays, on the same tick stream. Target: ≤ 5× the loop.
 * (b) End to end: the realtime app (its own process) on a local double of the trade server's monitor
 *     socket and of the gateway sending 10,000 ticks/s; 200 sockets of the original protocol, one
 *     account room each. Pushes delivered/s, tick → push latency (the tick's send time rides in its
 *     price), the app's CPU and RSS — against a bare `ws` server sending frames of the same size at
 *     the same interval to 200 sockets. Target: pushes ≥ 0.7× the bare broadcast.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JsonObject } from '@qautlra/diff';
import { WebSocketServer, WebSocket } from 'ws';
import { AccountMonitor } from '../../apps/realtime/src/accounts/account-monitor';
import { InProcessRoomBus } from '../../apps/realtime/src/rooms/room-bus';
import { RoomPublisher } from '../../apps/realtime/src/rooms/room-publisher';
import { cpuSeconds, rssMiB } from '../md-gateway/proc-stats';
import { freePort, sleep, startApp, stopChild } from '../support';
import { FromWorker, ToWorker, WorkerInput } from './client-worker';
import { buildFixture, Fixture, priceAt, random } from './fixtures';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 1_000);
const POSITIONS = Number(process.env.BENCH_POSITIONS ?? 50);
const CONTRACTS = 300;
const TICKS_PER_SECOND = Number(process.env.BENCH_TICKS ?? 10_000);
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PUSH_MS = 200;

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** p50 and p99 of a histogram of ms. */
function percentiles(histogram: Float64Array): { p50: number; p99: number; count: number } {
  let count = 0;
  for (const n of histogram) count += n;
  const at = (p: number) => {
    let seen = 0;
    for (let ms = 0; ms < histogram.length; ms += 1) {
      seen += histogram[ms]!;
      if (seen >= p * count) return ms;
    }
    return histogram.length - 1;
  };
  return { p50: at(0.5), p99: at(0.99), count };
}

/** The same ticks for both sides: [instrument index, price] pairs. */
function tickStream(count: number): { index: Int32Array; price: Float64Array } {
  const next = random(11);
  const index = new Int32Array(count);
  const price = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    index[i] = Math.floor(next() * CONTRACTS);
    price[i] = 1_400 + Math.round(next() * 2_000) / 10;
  }
  return { index, price };
}

// ---------------------------------------------------------------------------------------------
// (a) re-mark cost

function monitorPath(
  fixture: Fixture,
  ticks: ReturnType<typeof tickStream>,
): { ms: number; remarks: number } {
  const publisher = new RoomPublisher(
    new InProcessRoomBus(),
    { stateOf: () => undefined, wanted: () => undefined },
    { wantTtlMs: 3_600_000, storeIntervalMs: 1_000 },
  );
  const monitor = new AccountMonitor(
    { monitorUrl: 'ws://127.0.0.1:9/', marketUrl: 'ws://127.0.0.1:9/', pushIntervalMs: PUSH_MS },
    publisher,
  );
  monitor.takeOwners(
    new Map(
      [...fixture.sections.keys()].map((cookie) => [cookie, { user_name: 'bench', broker: 'sim' }]),
    ),
  );
  // 200 account rooms are wanted (subscribed): their patches are published.
  for (let a = 0; a < SOCKETS; a += 1) publisher.requested(`ACCOUNT:bench${a}`, false);
  for (const [cookie, section] of fixture.sections)
    monitor.takeSection(cookie, structuredClone(section), true, []);
  monitor.flush();
  const quote: Record<string, unknown> = { last_price: 0, volume: 1_000 };
  const patch: Record<string, unknown> = { last_price: 0 };
  const perFlush = (TICKS_PER_SECOND * PUSH_MS) / 1_000;
  const before = monitor.counts.remarks;
  const started = process.hrtime.bigint();
  for (let i = 0; i < ticks.index.length; i += 1) {
    quote.last_price = ticks.price[i]!;
    patch.last_price = ticks.price[i]!;
    monitor.takeQuote(fixture.instruments[ticks.index[i]!]!, quote, patch);
    if ((i + 1) % perFlush === 0) monitor.flush();
  }
  monitor.flush();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  publisher.close();
  return { ms, remarks: monitor.counts.remarks - before };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The same work with nothing but typed arrays: a tick writes prices and flags; every push interval
 * the moved positions' position profit and each changed account's balance, and for the watched
 * accounts every position's float and position profit per side and the account's sums.
 */
function bareLoop(
  fixture: Fixture,
  ticks: ReturnType<typeof tickStream>,
): { ms: number; remarks: number } {
  const total = ACCOUNTS * POSITIONS;
  const longVolume = new Float64Array(total);
  const shortVolume = new Float64Array(total);
  const unit = new Float64Array(total);
  const longOpen = new Float64Array(total);
  const shortOpen = new Float64Array(total);
  const longCost = new Float64Array(total);
  const shortCost = new Float64Array(total);
  const margin = new Float64Array(total);
  const last = new Float64Array(total);
  const profit = new Float64Array(total);
  const dirtyRow = new Uint8Array(total);
  const holders: number[][] = Array.from({ length: CONTRACTS }, () => []);
  let p = 0;
  fixture.holdings.forEach((held, a) => {
    const positions = (fixture.sections.get(`bench${a}`)!.positions ?? {}) as Record<
      string,
      JsonObject
    >;
    for (const index of held) {
      const record = positions[fixture.instruments[index]!]!;
      const lv = record.volume_long as number;
      const sv = record.volume_short as number;
      longVolume[p] = lv;
      shortVolume[p] = sv;
      const price =
        lv > 0 ? (record.open_price_long as number) : (record.open_price_short as number);
      unit[p] =
        (lv > 0 ? (record.open_cost_long as number) : (record.open_cost_short as number)) /
        ((lv || sv) * price);
      longOpen[p] = record.open_cost_long as number;
      shortOpen[p] = record.open_cost_short as number;
      longCost[p] = record.position_cost_long as number;
      shortCost[p] = record.position_cost_short as number;
      margin[p] = record.margin as number;
      holders[index]!.push(p);
      p += 1;
    }
  });
  const holderArrays = holders.map((list) => Int32Array.from(list));
  const dirtyAccount = new Uint8Array(ACCOUNTS);
  const balance = new Float64Array(ACCOUNTS);
  const available = new Float64Array(ACCOUNTS);
  const floating = new Float64Array(ACCOUNTS);
  const side = (price: number, volume: number, u: number, cost: number, sign: number) =>
    volume > 0 ? round2(sign * (price * volume * u - cost)) : 0;
  let remarks = 0;
  const perFlush = (TICKS_PER_SECOND * PUSH_MS) / 1_000;
  const flush = () => {
    for (let q = 0; q < total; q += 1) {
      if (dirtyRow[q] === 0) continue;
      dirtyRow[q] = 0;
      const price = last[q]!;
      profit[q] = round2(
        side(price, longVolume[q]!, unit[q]!, longCost[q]!, 1) +
          side(price, shortVolume[q]!, unit[q]!, shortCost[q]!, -1),
      );
      dirtyAccount[Math.floor(q / POSITIONS)] = 1;
    }
    for (let a = 0; a < ACCOUNTS; a += 1) {
      if (!dirtyAccount[a]) continue;
      dirtyAccount[a] = 0;
      let sum = 0;
      for (let q = a * POSITIONS; q < (a + 1) * POSITIONS; q += 1) sum += profit[q]!;
      balance[a] = round2(1e9 + sum);
      if (a >= SOCKETS) continue;
      // A watched account: every position's marks and the account's sums.
      let sumMargin = 0;
      let sumFloat = 0;
      for (let q = a * POSITIONS; q < (a + 1) * POSITIONS; q += 1) {
        const price = last[q]!;
        sumFloat += round2(
          side(price, longVolume[q]!, unit[q]!, longOpen[q]!, 1) +
            side(price, shortVolume[q]!, unit[q]!, shortOpen[q]!, -1),
        );
        sumMargin += margin[q]!;
      }
      available[a] = round2(balance[a]! - round2(sumMargin));
      floating[a] = round2(sumFloat);
    }
  };
  const started = process.hrtime.bigint();
  for (let i = 0; i < ticks.index.length; i += 1) {
    const price = ticks.price[i]!;
    const list = holderArrays[ticks.index[i]!]!;
    for (let k = 0; k < list.length; k += 1) {
      const q = list[k]!;
      if (last[q] === price) continue;
      last[q] = price;
      dirtyRow[q] = 1;
      remarks += 1;
    }
    if ((i + 1) % perFlush === 0) flush();
  }
  flush();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (!Number.isFinite(balance[0]! + available[0]! + floating[0]!))
    throw new Error('bare loop: not a number');
  return { ms, remarks };
}

// ---------------------------------------------------------------------------------------------
// (b) end to end

/** Local doubles of the trade server (REST identity + `/ws/monitor`) and of the gateway. */
async function doubles(fixture: Fixture) {
  const tradePort = await freePort();
  const marketPort = await freePort();
  const trade = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    if (request.url === '/api/auth/me')
      response.end(JSON.stringify({ user_name: 'bench', is_admin: true }));
    else response.end('[]');
  });
  const monitorSockets = new WebSocketServer({ server: trade, path: '/ws/monitor' });
  monitorSockets.on('connection', (ws) => {
    ws.once('message', () => {
      const owners = Object.fromEntries(
        [...fixture.sections.keys()].map((cookie) => [
          cookie,
          { user_name: 'bench', broker: 'sim' },
        ]),
      );
      ws.send(JSON.stringify({ aid: 'rtn_data', data: [{ monitor: { accounts: owners } }] }));
      const cookies = [...fixture.sections.keys()];
      for (let i = 0; i < cookies.length; i += 50) {
        const data = cookies
          .slice(i, i + 50)
          .flatMap((cookie) => [
            { trade: { [cookie]: null } },
            { trade: { [cookie]: fixture.sections.get(cookie) } },
          ]);
        ws.send(JSON.stringify({ aid: 'rtn_data', data }));
      }
    });
  });
  await new Promise<void>((resolve) => trade.listen(tradePort, '127.0.0.1', resolve));

  const market = createServer();
  const marketSockets = new WebSocketServer({ server: market, path: '/ws/market' });
  const subscribed = new Set<WebSocket>();
  marketSockets.on('connection', (ws) => {
    ws.on('message', () => subscribed.add(ws));
    ws.on('close', () => subscribed.delete(ws));
  });
  await new Promise<void>((resolve) => market.listen(marketPort, '127.0.0.1', resolve));
  const next = random(23);
  let volume = 1_000;
  // 10,000 ticks/s in batches every 10 ms; each price carries its send time.
  const perBatch = TICKS_PER_SECOND / 100;
  const ticker = setInterval(() => {
    const quotes: Record<string, JsonObject> = {};
    const price = priceAt(Date.now());
    for (let i = 0; i < perBatch; i += 1) {
      volume += 1;
      quotes[fixture.instruments[Math.floor(next() * CONTRACTS)]!] = { last_price: price, volume };
    }
    const frame = JSON.stringify({ aid: 'rtn_data', data: [{ quotes }] });
    for (const ws of subscribed) ws.send(frame);
  }, 10);
  return {
    tradePort,
    marketPort,
    close: async () => {
      clearInterval(ticker);
      for (const ws of [...monitorSockets.clients, ...marketSockets.clients]) ws.terminate();
      await new Promise((resolve) => trade.close(resolve));
      await new Promise((resolve) => market.close(resolve));
    },
  };
}

/** One client worker; resolves its next message of a kind. */
class Clients {
  private readonly worker: Worker;
  private readonly waiting = new Map<string, (message: FromWorker) => void>();

  constructor(input: WorkerInput) {
    this.worker = new Worker(join(__dirname, 'client-worker.js'), { workerData: input });
    this.worker.on('message', (message: FromWorker) => {
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
  }

  next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) => this.waiting.set(type, resolve as (m: FromWorker) => void));
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  async measure(seconds: number) {
    this.send({ type: 'start' });
    await sleep(seconds * 1_000);
    const measured = this.next('measured');
    this.send({ type: 'stop' });
    return measured;
  }

  async close(): Promise<void> {
    this.send({ type: 'close' });
    await this.worker.terminate();
  }
}

async function endToEnd(fixture: Fixture) {
  const fakes = await doubles(fixture);
  const port = await freePort();
  const { child } = await startApp({
    app: 'realtime',
    port,
    env: {
      REALTIME_ADDR: `127.0.0.1:${port}`,
      REALTIME_TRADE_URL: `http://127.0.0.1:${fakes.tradePort}`,
      REALTIME_TRADE_TOKEN: 'bench',
      REALTIME_MARKET_URL: `ws://127.0.0.1:${fakes.marketPort}/ws/market`,
      REALTIME_TSDB_URL: 'http://127.0.0.1:9',
      REALTIME_DATA_DIR: mkdtempSync(join(tmpdir(), 'realtime-bench-')),
      REALTIME_PUSH_INTERVAL_MS: String(PUSH_MS),
      DATABASE_URL: '',
    },
  });
  const clients = new Clients({
    url: `ws://127.0.0.1:${port}/ws/`,
    rooms: Array.from({ length: SOCKETS }, (_, a) => `ACCOUNT:bench${a}`),
    realtime: true,
  });
  await clients.next('ready');
  await sleep(3_000); // warm-up
  const cpuBefore = cpuSeconds(child.pid!);
  const started = Date.now();
  const measured = await clients.measure(SECONDS);
  const elapsed = (Date.now() - started) / 1_000;
  const cpu = ((cpuSeconds(child.pid!) - cpuBefore) / elapsed) * 100;
  const rss = rssMiB(child.pid!);
  await clients.close();
  await stopChild(child);
  await fakes.close();
  return { measured, elapsed, cpu, rss };
}

async function bareBroadcast(bytes: number) {
  const port = await freePort();
  const child = fork(
    join(__dirname, 'bare-server.js'),
    [String(port), String(PUSH_MS), String(bytes)],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  await new Promise((resolve) => child.once('message', resolve));
  const clients = new Clients({
    url: `ws://127.0.0.1:${port}/`,
    rooms: Array.from({ length: SOCKETS }, (_, a) => `bare${a}`),
    realtime: false,
  });
  await clients.next('ready');
  await sleep(1_000);
  const cpuBefore = cpuSeconds(child.pid!);
  const started = Date.now();
  const measured = await clients.measure(SECONDS);
  const elapsed = (Date.now() - started) / 1_000;
  const cpu = ((cpuSeconds(child.pid!) - cpuBefore) / elapsed) * 100;
  const rss = rssMiB(child.pid!);
  await clients.close();
  child.kill('SIGTERM');
  return { measured, elapsed, cpu, rss };
}

async function main(): Promise<void> {
  console.log(
    `realtime bench: ${fmt(ACCOUNTS)} accounts × ${POSITIONS} positions over ${CONTRACTS} contracts, ${fmt(TICKS_PER_SECOND)} ticks/s, ${SOCKETS} sockets, push every ${PUSH_MS} ms`,
  );
  const building = Date.now();
  const fixture = buildFixture(ACCOUNTS, POSITIONS, CONTRACTS);
  console.log(
    `  accounts built with the account engine in ${fmt((Date.now() - building) / 1_000, 1)} s`,
  );

  // (a)
  const ticks = tickStream(TICKS_PER_SECOND * 5);
  bareLoop(fixture, tickStream(TICKS_PER_SECOND)); // warm-up
  monitorPath(fixture, tickStream(TICKS_PER_SECOND));
  const runs = [0, 1, 2].map(() => ({
    bare: bareLoop(fixture, ticks),
    ours: monitorPath(fixture, ticks),
  }));
  const best = (pick: (run: (typeof runs)[number]) => { ms: number }) =>
    Math.min(...runs.map((run) => pick(run).ms));
  const bareMs = best((run) => run.bare);
  const oursMs = best((run) => run.ours);
  const remarks = runs[0]!.ours.remarks;
  console.log('\n(a) re-mark cost, one thread, 5 s of ticks (best of 3)');
  console.log(
    `  bare loop (typed arrays)   ${fmt(bareMs, 1)} ms  = ${fmt((runs[0]!.bare.remarks / bareMs) * 1_000)} re-marks/s, ${fmt((ticks.index.length / bareMs) * 1_000)} ticks/s`,
  );
  console.log(
    `  realtime AccountMonitor    ${fmt(oursMs, 1)} ms  = ${fmt((remarks / oursMs) * 1_000)} re-marks/s, ${fmt((ticks.index.length / oursMs) * 1_000)} ticks/s (with a patch per account and the rooms published every ${PUSH_MS} ms)`,
  );
  const cost = oursMs / bareMs;
  console.log(
    `  re-mark cost ${fmt(cost, 2)}× the bare loop (target ≤ 5×): ${cost <= 5 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  at ${fmt(TICKS_PER_SECOND)} ticks/s the monitor path needs ${fmt((oursMs / 5 / 1_000) * 100, 1)} % of a core`,
  );

  if (process.env.BENCH_ONLY === 'a') return;
  // (b)
  const ours = await endToEnd(fixture);
  const pushes = ours.measured.pushes / ours.elapsed;
  const frameBytes = ours.measured.pushes > 0 ? ours.measured.bytes / ours.measured.pushes : 1_000;
  const latency = percentiles(ours.measured.latency);
  const bare = await bareBroadcast(Math.round(frameBytes));
  const barePushes = bare.measured.pushes / bare.elapsed;
  console.log(`\n(b) end to end, ${SECONDS} s: ${SOCKETS} sockets, one account room each`);
  console.log(
    '  server                 pushes/s  avg frame  tick→push p50/p99 ms   CPU %   RSS MiB',
  );
  console.log(
    `  bare ws broadcast    ${fmt(barePushes).padStart(10)} ${fmt(bare.measured.bytes / Math.max(1, bare.measured.pushes)).padStart(10)} B ${'—'.padStart(20)} ${fmt(bare.cpu).padStart(7)} ${fmt(bare.rss).padStart(9)}`,
  );
  console.log(
    `  realtime monitor     ${fmt(pushes).padStart(10)} ${fmt(frameBytes).padStart(10)} B ${`${latency.p50} / ${latency.p99}`.padStart(20)} ${fmt(ours.cpu).padStart(7)} ${fmt(ours.rss).padStart(9)}`,
  );
  const ratio = pushes / barePushes;
  console.log(
    `  pushes delivered ${fmt(ratio, 2)}× the bare broadcast's (target ≥ 0.7): ${ratio >= 0.7 ? 'met' : 'NOT met'}; latency counts the ${PUSH_MS} ms coalescing (${fmt(latency.count)} samples)`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
