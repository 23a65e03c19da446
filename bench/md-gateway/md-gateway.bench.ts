/**
 * `npm run bench:md-gateway` — the gateway's fan-out under load against a bare `ws` server in the
 * same run. Each server runs in its own process; the clients run here:
 *
 *   sim source at BENCH_TICKS_PER_INSTRUMENT (10) ticks/s × BENCH_INSTRUMENTS (1,000) = 10,000
 *   ticks/s; BENCH_CLIENTS (1,000) WebSocket clients × 10 instruments each (every instrument has
 *   10 subscribers); BENCH_SECONDS (30) of measurement after BENCH_WARMUP_SECONDS (3).
 *
 * Reports delivered instrument updates/s, tick → client latency (p50/p99, from each update's
 * `datetime` to its arrival; ms resolution), server CPU (% of one core) and peak RSS, and after
 * stopping the ticks whether every client's merged state equals the server's final state
 * (zero loss). Linux only (/proc).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { seededRandom } from '../../apps/md-gateway/src/sources/sim-market';
import { cpuSeconds, rssMiB } from './proc-stats';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const PER_CLIENT = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const COMPARED = ['datetime', 'last_price', 'volume', 'amount', 'bid_price1', 'ask_price1'];

type Quotes = Record<string, Record<string, unknown>>;

interface Result {
  name: string;
  updatesPerSecond: number;
  framesPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  cpuPercent: number;
  clientCpuPercent: number;
  peakRssMiB: number;
  clientsInSync: number;
}

function startServer(
  script: string,
  ticksPerInstrument: number,
): Promise<{ child: ChildProcess; port: number }> {
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, join(__dirname, script)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_TICKS_PER_INSTRUMENT: String(ticksPerInstrument) },
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout?.on('data', (data: Buffer) => {
      const match = /READY (\d+)/.exec(data.toString());
      if (match) resolve({ child, port: Number(match[1]) });
    });
  });
}

class Histogram {
  private readonly counts = new Float64Array(60_001); // 0–60 s in ms
  total = 0;
  record(ms: number): void {
    this.counts[Math.min(60_000, Math.max(0, Math.round(ms)))]! += 1;
    this.total += 1;
  }
  quantile(q: number): number {
    let seen = 0;
    const target = q * this.total;
    for (let ms = 0; ms < this.counts.length; ms += 1) {
      seen += this.counts[ms]!;
      if (seen >= target && seen > 0) return ms;
    }
    return NaN;
  }
  maxValue(): number {
    for (let ms = this.counts.length - 1; ms >= 0; ms -= 1) if (this.counts[ms]) return ms;
    return NaN;
  }
}

async function run(
  name: string,
  script: string,
  ticksPerInstrument: number,
  seconds: number,
): Promise<Result> {
  const { child, port } = await startServer(script, ticksPerInstrument);
  const pid = child.pid as number;
  const base = `http://127.0.0.1:${port}`;
  const ids = ((await (await fetch(`${base}/api/instruments`)).json()) as { id: string }[]).map(
    (info) => info.id,
  );
  const shuffled = shuffle(ids, 42);
  const histogram = new Histogram();
  let measuring = false;
  let updates = 0;
  let frames = 0;
  const states: Quotes[] = [];
  const wanted: string[][] = [];
  const sockets: WebSocket[] = [];
  const opening: Promise<void>[] = [];
  for (let c = 0; c < CLIENTS; c += 1) {
    // Every instrument gets CLIENTS × PER_CLIENT / instruments subscribers; the sets are drawn from
    // a seeded shuffle so they do not line up with the order the sim ticks instruments in.
    const mine = Array.from(
      { length: PER_CLIENT },
      (_, k) => shuffled[(c * PER_CLIENT + k) % shuffled.length]!,
    );
    wanted.push(mine);
    const state: Quotes = {};
    states.push(state);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/market`, { skipUTF8Validation: true });
    sockets.push(ws);
    ws.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as {
        aid?: string;
        data?: { quotes: Quotes }[];
      };
      if (message.aid !== 'rtn_data') return;
      const now = Date.now();
      if (measuring) frames += 1;
      for (const part of message.data ?? []) {
        for (const id in part.quotes) {
          const patch = part.quotes[id]!;
          Object.assign((state[id] ??= {}), patch);
          if (!measuring) continue;
          updates += 1;
          if (typeof patch.datetime === 'string')
            histogram.record(now - Date.parse(patch.datetime));
        }
      }
    });
    opening.push(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      }),
    );
  }
  // Connect everyone first, then subscribe everyone, so no client waits behind a loaded loop.
  await Promise.all(opening);
  sockets.forEach((ws, c) =>
    ws.send(JSON.stringify({ aid: 'subscribe_quote', ins_list: wanted[c]!.join(',') })),
  );
  await sleep(WARMUP * 1000);
  const cpuStart = cpuSeconds(pid);
  const clientCpuStart = process.cpuUsage();
  const started = Date.now();
  measuring = true;
  let peakRss = rssMiB(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 500);
  await sleep(seconds * 1000);
  measuring = false;
  const elapsed = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuStart;
  const clientCpu = process.cpuUsage(clientCpuStart);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMiB(pid));

  // Zero-loss check: stop the ticks, let everything drain, compare every client's merged state.
  child.stdin?.write('stop\n');
  await sleep(2_000);
  let inSync = 0;
  const finals = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < ids.length; start += 100) {
    const batch = ids.slice(start, start + 100);
    const body = (await (
      await fetch(`${base}/api/quotes?ins=${batch.join(',')}`)
    ).json()) as Quotes;
    for (const [id, quote] of Object.entries(body)) finals.set(id, quote);
  }
  for (let c = 0; c < CLIENTS; c += 1) {
    const ok = wanted[c]!.every((id) =>
      COMPARED.every((field) => states[c]![id]?.[field] === finals.get(id)?.[field]),
    );
    if (ok) inSync += 1;
  }
  for (const ws of sockets) ws.terminate();
  child.kill();
  return {
    name,
    updatesPerSecond: updates / elapsed,
    framesPerSecond: frames / elapsed,
    p50: histogram.quantile(0.5),
    p99: histogram.quantile(0.99),
    max: histogram.maxValue(),
    cpuPercent: (cpu / elapsed) * 100,
    clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1e6 / elapsed) * 100,
    peakRssMiB: peakRss,
    clientsInSync: inSync,
  };
}

/** Fisher–Yates with a fixed seed (mulberry32), so both servers get the same client sets. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function printTable(results: Result[]): void {
  const header = [
    'server'.padEnd(16),
    'updates/s'.padStart(10),
    'frames/s'.padStart(10),
    'p50 ms'.padStart(6),
    'p99 ms'.padStart(6),
    'max ms'.padStart(6),
    'CPU %'.padStart(6),
    'clients CPU %',
    'RSS MiB'.padStart(7),
    'in sync'.padStart(11),
  ];
  console.log(header.join('  '));
  for (const r of results)
    console.log(
      [
        r.name.padEnd(16),
        r.updatesPerSecond.toFixed(0).padStart(10),
        r.framesPerSecond.toFixed(0).padStart(10),
        `${r.p50}`.padStart(6),
        `${r.p99}`.padStart(6),
        `${r.max}`.padStart(6),
        r.cpuPercent.toFixed(0).padStart(6),
        r.clientCpuPercent.toFixed(0).padStart(13),
        r.peakRssMiB.toFixed(0).padStart(7),
        `${r.clientsInSync}/${CLIENTS}`.padStart(11),
      ].join('  '),
    );
}

async function main(): Promise<void> {
  const instruments = Number(process.env.BENCH_INSTRUMENTS ?? 1000);
  const full = Number(process.env.BENCH_TICKS_PER_INSTRUMENT ?? 10);
  const light = Number(process.env.BENCH_LIGHT_TICKS_PER_INSTRUMENT ?? 1);
  const lightSeconds = Number(process.env.BENCH_LIGHT_SECONDS ?? 10);
  const setup = `${CLIENTS} WebSocket clients × ${PER_CLIENT} instruments over ${instruments} instruments; loopback`;

  console.log(
    `1. Full load: ${instruments * full} ticks/s; ${setup}; ${SECONDS} s after ${WARMUP} s warm-up`,
  );
  const bare = await run('bare ws server', 'bare-server.js', full, SECONDS);
  const gateway = await run('md-gateway', 'gateway-server.js', full, SECONDS);
  printTable([bare, gateway]);
  console.log(
    `ratio: md-gateway delivers ${(gateway.updatesPerSecond / bare.updatesPerSecond).toFixed(2)}× ` +
      `the bare server's updates/s (target ≥ 0.70); clients with zero loss ` +
      `${gateway.clientsInSync}/${CLIENTS} (bare ${bare.clientsInSync}/${CLIENTS})`,
  );

  console.log(
    `\n2. Latency at light load: ${instruments * light} ticks/s; ${setup}; ${lightSeconds} s after ${WARMUP} s warm-up`,
  );
  const bareLight = await run('bare ws server', 'bare-server.js', light, lightSeconds);
  const gatewayLight = await run('md-gateway', 'gateway-server.js', light, lightSeconds);
  printTable([bareLight, gatewayLight]);
  console.log(
    `p99 tick → client: md-gateway ${gatewayLight.p99} ms at light load, ${gateway.p99} ms at full load ` +
      `(target ≤ 20 ms); bare ws server ${bareLight.p99} / ${bare.p99} ms`,
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
