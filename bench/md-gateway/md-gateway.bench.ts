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
import { Worker } from 'node:worker_threads';
import { seededRandom } from '@qautlra/sim';
import { FromWorker, LATENCY_BUCKETS, ToWorker, WorkerInput } from './client-worker';
import { cpuSeconds, rssMiB } from './proc-stats';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1000);
const PER_CLIENT = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
/** Client worker threads (the clients are spread over them). */
const WORKERS = Number(process.env.BENCH_CLIENT_WORKERS ?? 2);
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

/** Latency quantile (ms) from per-millisecond counts. */
function quantile(counts: Float64Array, q: number): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let seen = 0;
  for (let ms = 0; ms < counts.length; ms += 1) {
    seen += counts[ms]!;
    if (seen >= q * total && seen > 0) return ms;
  }
  return NaN;
}

function maxOf(counts: Float64Array): number {
  for (let ms = counts.length - 1; ms >= 0; ms -= 1) if (counts[ms]) return ms;
  return NaN;
}

/** One client worker thread and a way to wait for its next message of a kind. */
class ClientWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<string, (message: FromWorker) => void>();

  constructor(port: number, sets: string[][]) {
    this.worker = new Worker(join(__dirname, 'client-worker.js'), {
      workerData: { port, sets } satisfies WorkerInput,
    });
    this.worker.on('message', (message: FromWorker) => {
      this.waiting.get(message.type)?.(message);
      this.waiting.delete(message.type);
    });
    this.worker.on('error', (error) => {
      console.error(error);
      process.exit(1);
    });
  }

  next<T extends FromWorker['type']>(type: T): Promise<Extract<FromWorker, { type: T }>> {
    return new Promise((resolve) =>
      this.waiting.set(type, resolve as (message: FromWorker) => void),
    );
  }

  send(message: ToWorker): void {
    this.worker.postMessage(message);
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
  // Every instrument gets CLIENTS × PER_CLIENT / instruments subscribers; the sets are drawn from a
  // seeded shuffle so they do not line up with the order the sim ticks instruments in.
  const shuffled = shuffle(ids, 42);
  const sets = Array.from({ length: CLIENTS }, (_, c) =>
    Array.from({ length: PER_CLIENT }, (_, k) => shuffled[(c * PER_CLIENT + k) % shuffled.length]!),
  );
  const workers = Array.from(
    { length: WORKERS },
    (_, w) =>
      new ClientWorker(
        port,
        sets.filter((_, c) => c % WORKERS === w),
      ),
  );
  // Connect everyone first, then subscribe everyone, so no client waits behind a loaded loop.
  await Promise.all(workers.map((worker) => worker.next('open')));
  for (const worker of workers) worker.send({ type: 'subscribe' });
  await sleep(WARMUP * 1000);

  const cpuStart = cpuSeconds(pid);
  const clientCpuStart = process.cpuUsage();
  const started = Date.now();
  for (const worker of workers) worker.send({ type: 'start' });
  let peakRss = rssMiB(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 500);
  await sleep(seconds * 1000);
  const measured = workers.map((worker) => worker.next('measured'));
  for (const worker of workers) worker.send({ type: 'stop' });
  const results = await Promise.all(measured);
  const elapsed = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuStart;
  const clientCpu = process.cpuUsage(clientCpuStart);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMiB(pid));
  const latency = new Float64Array(LATENCY_BUCKETS);
  for (const result of results) result.latency.forEach((count, ms) => (latency[ms]! += count));

  // Zero-loss check: stop the ticks, let everything drain, compare every client's merged state.
  child.stdin?.write('stop\n');
  await sleep(2_000);
  const finals: Quotes = {};
  for (let start = 0; start < ids.length; start += 100) {
    const batch = ids.slice(start, start + 100);
    Object.assign(
      finals,
      (await (await fetch(`${base}/api/quotes?ins=${batch.join(',')}`)).json()) as Quotes,
    );
  }
  const checked = workers.map((worker) => worker.next('checked'));
  for (const worker of workers) worker.send({ type: 'check', finals, fields: COMPARED });
  const inSync = (await Promise.all(checked)).reduce((sum, result) => sum + result.inSync, 0);
  for (const worker of workers) worker.send({ type: 'close' });
  child.kill();
  return {
    name,
    updatesPerSecond: results.reduce((sum, r) => sum + r.updates, 0) / elapsed,
    framesPerSecond: results.reduce((sum, r) => sum + r.frames, 0) / elapsed,
    p50: quantile(latency, 0.5),
    p99: quantile(latency, 0.99),
    max: maxOf(latency),
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
