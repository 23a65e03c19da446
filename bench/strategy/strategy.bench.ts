/**
 * `npm run bench:strategy` — strategies in Python and live (issue 19):
 *  (a) bar-events/s of a Python strategy through the bridge against the same strategy in
 *      TypeScript, in the same run: the double-MA cross (`examples/strategies/ma-cross.ts` and its
 *      twin `ma_cross.py`) over BENCH_DAYS (120) trading days of sim minute bars of two futures,
 *      Python with whole batches (its `batch = 2000`, `reads_state = False`), with read-ahead up to
 *      each order (`reads_state = True`) and one bar a request (batch 1). Target: the
 *      batched bridge ≥ 0.2× TypeScript. Timings are the best of BENCH_REPEAT (3).
 *  (b) live tick → strategy → order sent on the DIFF socket, p50 / p99, for a TypeScript and a
 *      Python strategy in the runtime that order on every tick, against a bare DIFF client in this
 *      process that sends an order on each tick of the same gateway (the same-run floor), over
 *      BENCH_LIVE_SECONDS (20) of the sim at BENCH_TICKS_PER_SECOND (10).
 */
import { simBars } from '@qautlra/backtest';
import { DiffTradeClient, MarketDataClient } from '@qautlra/clients';
import type { MarketBar } from '@qautlra/execution';
import { loadStrategy } from '@qautlra/strategies';
import { TestDatabase } from '@qautlra/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayEvents } from '../../apps/backtest/src/runs/run-backtest';
import { freePort, percentile, rest, sleep, startApp, stopChild } from '../support';

const ROOT = join(__dirname, '../../..');
const DAYS = Number(process.env.BENCH_DAYS ?? 120);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const TICKS_PER_SECOND = Number(process.env.BENCH_TICKS_PER_SECOND ?? 10);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(3)} ms`;

async function bars(): Promise<void> {
  const instruments = ['SHFE.rb888', 'DCE.m888'];
  const from = '2025-06-02';
  const days: string[] = [];
  const { CHINA_TRADE_CALENDAR } = await import('@qautlra/calendar');
  for (let day = from; days.length < DAYS; day = CHINA_TRADE_CALENDAR.nextTradeDate(day))
    days.push(day);
  const to = days[days.length - 1]!;
  const events: MarketBar[] = [...simBars({ instruments, from, to, frequency: '1m', seed: 7 })];
  const dir = mkdtempSync(join(tmpdir(), 'qautlra-bench-strategy-'));
  const single = join(dir, 'ma_cross_single.py');
  writeFileSync(
    single,
    readFileSync(join(ROOT, 'examples/strategies/ma_cross.py'), 'utf8')
      .replace('name = "py-ma-cross"', 'name = "py-ma-cross-single"')
      .replace('batch = 2000', 'batch = 1'),
  );
  const exact = join(dir, 'ma_cross_exact.py');
  writeFileSync(
    exact,
    readFileSync(join(ROOT, 'examples/strategies/ma_cross.py'), 'utf8')
      .replace('name = "py-ma-cross"', 'name = "py-ma-cross-exact"')
      .replace('reads_state = False', 'reads_state = True'),
  );
  const strategies = {
    typescript: loadStrategy(join(ROOT, 'examples/strategies/ma-cross.ts')),
    python: loadStrategy(join(ROOT, 'examples/strategies/ma_cross.py')),
    pythonUnbatched: loadStrategy(single),
    pythonExact: loadStrategy(exact),
  };
  const request = { instruments, params: { fast: 10, slow: 30 } };
  const timed = async (name: keyof typeof strategies, repeat: number) => {
    let fastest = Infinity;
    let trades = 0;
    for (let i = 0; i < repeat; i += 1) {
      const started = performance.now();
      const result = await replayEvents(strategies[name], request, events);
      fastest = Math.min(fastest, performance.now() - started);
      trades = result.trades.length;
    }
    return { ms: fastest, perSecond: (events.length / fastest) * 1000, trades };
  };
  await timed('typescript', 1); // warm-up (JIT)
  const typescript = await timed('typescript', REPEAT);
  const python = await timed('python', REPEAT);
  const unbatched = await timed('pythonUnbatched', 1);
  const readAhead = await timed('pythonExact', 1);
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `\n(a) ${fmt(events.length)} minute bars (${DAYS} trading days × 2 futures), double-MA cross`,
  );
  console.log(
    `  TypeScript                 ${fmt(typescript.perSecond).padStart(12)} bar-events/s  (${fmt(typescript.ms)} ms, ${typescript.trades} trades)`,
  );
  console.log(
    `  Python, batched (2,000)    ${fmt(python.perSecond).padStart(12)} bar-events/s  (${fmt(python.ms)} ms, ${python.trades} trades)`,
  );
  console.log(
    `  Python, one bar a request  ${fmt(unbatched.perSecond).padStart(12)} bar-events/s  (${fmt(unbatched.ms)} ms, ${unbatched.trades} trades)`,
  );
  console.log(
    `  Python, read-ahead to the first order (reads_state = True) ${fmt(readAhead.perSecond)} bar-events/s (${fmt(readAhead.ms)} ms, ${readAhead.trades} trades)`,
  );
  console.log(
    `  ratio Python batched / TypeScript: ${(python.perSecond / typescript.perSecond).toFixed(3)}× (target ≥ 0.2×)`,
  );
  console.log(
    `  ratio Python one-by-one / TypeScript: ${(unbatched.perSecond / typescript.perSecond).toFixed(3)}×`,
  );
  if (
    python.trades !== typescript.trades ||
    unbatched.trades !== typescript.trades ||
    readAhead.trades !== typescript.trades
  )
    throw new Error('the Python twin did not make the same trades');
}

async function live(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qautlra-bench-live-'));
  const database = await TestDatabase.create('strategy_bench');
  const [mdPort, tradePort, runtimePort] = [await freePort(), await freePort(), await freePort()];
  const children = [];
  try {
    const gateway = await startApp({
      app: 'md-gateway',
      port: mdPort,
      env: {
        QAMDGATEWAY_CONFIG: JSON.stringify({
          websocket: { host: '127.0.0.1', port: mdPort, path: '/ws/market' },
          rest_api: { host: '127.0.0.1', port: mdPort },
          sources: [
            { type: 'sim', ticks_per_second: TICKS_PER_SECOND, seed: 3, always_open: true },
          ],
        }),
      },
    });
    children.push(gateway.child);
    const instrument = (
      (await (await fetch(`${gateway.base}/api/instruments`)).json()) as {
        id: string;
        product: string;
      }[]
    ).find((item) => item.product === 'RB')!.id;
    const trade = await startApp({
      app: 'trade-server',
      port: tradePort,
      env: {
        TRADE_SERVER_ADDR: `127.0.0.1:${tradePort}`,
        DATABASE_URL: database.url,
        TRADE_MARKET_URL: `ws://127.0.0.1:${mdPort}/ws/market`,
        TRADE_SIM_ALWAYS_OPEN: 'true',
        TRADE_DEMO: 'true',
        TRADE_DEMO_USER: 'bench-admin',
        TRADE_DEMO_PASSWORD: 'bench-admin',
      },
    });
    children.push(trade.child);
    const token = (
      await rest(trade.base, 'POST', '/api/auth/login', undefined, {
        user_name: 'bench-admin',
        password: 'bench-admin',
      })
    ).token as string;
    for (const account of ['bare', 'ts', 'py']) {
      await rest(trade.base, 'POST', '/api/admin/users', token, {
        user_name: account,
        password: 'pw',
      });
      await rest(trade.base, 'POST', '/api/admin/accounts', token, {
        account_cookie: account,
        user_name: account,
        cash: 100_000_000,
        risk_limits: { maxOrdersPerSecond: 10_000, maxOrdersPerDay: 10_000_000 },
      });
    }
    const runtime = await startApp({
      app: 'strategy',
      port: runtimePort,
      env: {
        STRATEGY_ADDR: `127.0.0.1:${runtimePort}`,
        STRATEGY_DATA_DIR: join(dir, 'strategy'),
        STRATEGY_DIRS: join(ROOT, 'apps/strategy/test/fixtures'),
        STRATEGY_MARKET_URL: `ws://127.0.0.1:${mdPort}/ws/market`,
        STRATEGY_TRADE_URL: `ws://127.0.0.1:${tradePort}/ws/trade`,
        STRATEGY_TSDB_URL: `http://127.0.0.1:${await freePort()}`,
        STRATEGY_API_TOKEN: 'bench',
      },
    });
    children.push(runtime.child);

    // The floor: a bare DIFF client here, an order on every tick.
    const bareLatencies: number[] = [];
    const session = new DiffTradeClient(
      {
        url: `ws://127.0.0.1:${tradePort}/ws/trade`,
        account: 'bare',
        password: 'pw',
        broker: 'sim',
        pingGapMs: 0,
      },
      { onFrame: () => undefined, onReady: () => undefined },
    );
    session.start();
    while (!session.ready) await sleep(20);
    let sequence = 0;
    let lastDatetime: unknown;
    const market = new MarketDataClient(
      { url: `ws://127.0.0.1:${mdPort}/ws/market` },
      {
        onQuote: (_id, quote, patch) => {
          if (!('datetime' in patch) || patch.datetime === lastDatetime) return;
          const arrived = performance.now();
          lastDatetime = patch.datetime;
          const [exchange, code] = instrument.split('.');
          sequence += 1;
          session.send({
            aid: 'insert_order',
            user_id: 'bare',
            order_id: `bare${sequence}`,
            exchange_id: exchange!,
            instrument_id: code!,
            direction: sequence % 2 === 0 ? 'SELL' : 'BUY',
            offset: 'OPEN',
            volume: 1,
            price_type: 'ANY',
            volume_condition: 'ANY',
            time_condition: 'IOC',
          });
          bareLatencies.push(performance.now() - arrived);
          void quote;
        },
      },
    );
    market.subscribe([instrument]);
    market.start();

    const create = async (strategy: string, account: string) =>
      (
        await rest(runtime.base, 'POST', '/api/instances', 'bench', {
          strategy,
          params: { every: 1 },
          account,
          password: 'pw',
          instruments: [instrument],
          frequency: 'tick',
          limits: { max_position: 1_000, max_orders_per_minute: 100_000, max_daily_loss: 0 },
        })
      ).id as string;
    const ids = {
      ts: await create('tick-flipper', 'ts'),
      py: await create('py-tick-flipper', 'py'),
    };
    await sleep(LIVE_SECONDS * 1000);
    market.stop();
    await session.stop();
    const view = async (id: string) =>
      (await rest(runtime.base, 'GET', `/api/instances/${id}`, 'bench')) as {
        tick_to_order_ms: { count: number; p50: number; p99: number } | null;
        holds: unknown[];
      };
    const ts = await view(ids.ts);
    const py = await view(ids.py);
    const bare = [...bareLatencies].sort((a, b) => a - b);
    const floor = { count: bare.length, p50: percentile(bare, 50), p99: percentile(bare, 99) };
    console.log(
      `\n(b) live tick → order sent on the DIFF socket, ${LIVE_SECONDS} s of the sim at ${TICKS_PER_SECOND} ticks/s`,
    );
    console.log(
      `  bare DIFF client (floor)   p50 ${ms(floor.p50)}  p99 ${ms(floor.p99)}  (${floor.count} orders)`,
    );
    for (const [name, result] of [
      ['TypeScript strategy', ts],
      ['Python strategy', py],
    ] as const) {
      const latency = result.tick_to_order_ms;
      if (!latency) {
        console.log(`  ${name.padEnd(26)} no order (holds: ${JSON.stringify(result.holds)})`);
        continue;
      }
      console.log(
        `  ${name.padEnd(26)} p50 ${ms(latency.p50)}  p99 ${ms(latency.p99)}  (${latency.count} orders)  ratio to the floor p50 ${(latency.p50 / floor.p50).toFixed(1)}×, p99 ${(latency.p99 / floor.p99).toFixed(1)}×`,
      );
    }
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void (async () => {
  console.log('bench:strategy — Python bridge throughput and live tick → order latency');
  await bars();
  await live();
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
