/**
 * `npm run bench:backtest` — the QARS backtest engine (issue 17):
 *  (a) BENCH_BARS (1,000,000) one-minute bars of one futures contract, a double-MA cross with fills
 *      and account marking, through the whole engine (execution core, QIFI accounts, strategy
 *      runner); floors in the same run: a bare loop over Float64Array doing the same signal and
 *      position arithmetic, and (with python3-numpy) the same signal and PnL vectorised in numpy;
 *  (b) BENCH_INSTRUMENTS (500) A-shares × BENCH_DAYS (250) daily bars, equal-weight monthly
 *      rebalance;
 *  (c) indicators alone over BENCH_VALUES (1,000,000) values: batch and streaming, against numpy's
 *      vectorised forms of the same indicators in the same run.
 * Prints bar-events/s, peak RSS and the ratios. Timings are the best of BENCH_REPEAT (5) runs after
 * two warm-up runs (the engine runs: best of 2, no warm-up); numpy's the best of as many.
 */
import { BacktestEngine } from '@qautlra/backtest';
import { defineStrategy, MarketBar } from '@qautlra/execution';
import * as indicators from '@qautlra/indicators';
import { seededRandom } from '@qautlra/sim';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareLoop, closes, MA_FAST, MA_SLOW, maCross, minuteBars, tradingDays } from './workloads';

const BARS = Number(process.env.BENCH_BARS ?? 1_000_000);
const INSTRUMENTS = Number(process.env.BENCH_INSTRUMENTS ?? 500);
const DAYS = Number(process.env.BENCH_DAYS ?? 250);
const VALUES = Number(process.env.BENCH_VALUES ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Best of `REPEAT` timings, ms, after one untimed warm-up run (the JIT's tiers). */
function best(run: () => void, repeat = REPEAT, warmUp = true): number {
  if (warmUp) {
    run();
    run();
  }
  let fastest = Infinity;
  for (let i = 0; i < repeat; i += 1) {
    const t0 = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  return fastest;
}

/** Runs a numpy script with the given arrays saved as float64 files; its JSON answer, or undefined. */
function numpy(
  script: string,
  arrays: Record<string, Float64Array>,
): Record<string, number> | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'bench-numpy-'));
  try {
    for (const [name, values] of Object.entries(arrays))
      writeFileSync(
        join(dir, `${name}.f64`),
        Buffer.from(values.buffer, values.byteOffset, values.byteLength),
      );
    const out = execFileSync('python3', ['-c', script, dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as Record<string, number>;
  } catch (error) {
    const message = (error as { stderr?: string }).stderr ?? (error as Error).message;
    console.log(`  (numpy baseline not run: ${message.trim().split('\n').pop()})`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const NUMPY_PRELUDE = `
import json, sys, time
import numpy as np
d = sys.argv[1]
load = lambda name: np.fromfile(f"{d}/{name}.f64", dtype=np.float64)
def best(fn, repeat=${REPEAT}):
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter(); fn(); t = min(t, time.perf_counter() - t0)
    return t * 1000
def sma(x, n):
    c = np.cumsum(np.insert(x, 0, 0.0))
    out = np.full(len(x), np.nan); out[n - 1:] = (c[n:] - c[:-n]) / n
    return out
`;

function benchA(): void {
  console.log(
    `\n(a) ${fmt(BARS)} one-minute bars, one instrument, double MA(${MA_FAST}/${MA_SLOW}) cross, fills at the next open, accounts marked every bar`,
  );
  const bars = minuteBars(BARS);
  const open = Float64Array.from(bars, (bar) => bar.open);
  const close = closes(bars);
  let trades = 0;
  let balance = 0;
  const engineMs = best(
    () => {
      const result = new BacktestEngine(maCross, {}).run(bars);
      trades = result.trades.length;
      balance = result.summary.accounts[0]!.finalBalance;
    },
    Math.min(REPEAT, 2),
    false,
  );
  let floorTrades = 0;
  const floorMs = best(() => {
    floorTrades = bareLoop(open, close, 10, 0).trades;
  });
  const py = numpy(
    `${NUMPY_PRELUDE}
o = load("open"); c = load("close")
def run():
    f = sma(c, ${MA_FAST}); s = sma(c, ${MA_SLOW})
    sig = np.sign(f - s); sig[np.isnan(sig)] = 0
    # a zero difference keeps the previous position
    idx = np.where(sig != 0, np.arange(len(sig)), 0); np.maximum.accumulate(idx, out=idx)
    pos = sig[idx]
    held = np.concatenate([[0.0], pos[:-1]])
    change = np.diff(np.concatenate([[0.0], held]))
    cash = -np.cumsum(change * o * 10)
    equity = cash + held * c * 10
    return equity[-1], int(np.count_nonzero(change))
ms = best(run)
print(json.dumps({"ms": ms}))`,
    { open, close },
  );
  const rate = (BARS / engineMs) * 1000;
  console.log(
    `  engine:    ${engineMs.toFixed(0)} ms, ${fmt(rate)} bar-events/s, ${fmt(trades)} trades, final balance ${balance.toFixed(2)}, peak RSS ${peakRssMiB().toFixed(0)} MiB`,
  );
  console.log(
    `  bare loop: ${floorMs.toFixed(2)} ms, ${fmt((BARS / floorMs) * 1000)} bars/s (${fmt(floorTrades)} position changes)`,
  );
  if (py)
    console.log(`  numpy:     ${py.ms!.toFixed(2)} ms, ${fmt((BARS / py.ms!) * 1000)} bars/s`);
  console.log(
    `  ratio: engine / bare-loop floor = ${(engineMs / floorMs).toFixed(0)}× the time (aim: within 10×)${py ? `; engine / numpy = ${(engineMs / py.ms!).toFixed(0)}×` : ''}`,
  );
  console.log(
    `  aim ≥ 1,000,000 bar-events/s: ${rate >= 1_000_000 ? 'met' : `NOT met (${fmt(rate)})`}`,
  );
}

/** (b)'s strategy: equal weight across every instrument seen, rebalanced after a month's first day. */
const monthly = defineStrategy<{ invested: number }>({
  name: 'bench-rebalance',
  parameters: { invested: { default: 0.95 } },
  create: ({ invested }) => {
    const last = new Map<string, number>();
    let month = '';
    return {
      onBar(bar) {
        last.set(bar.instrument, bar.close);
      },
      onDay(day, context) {
        if (day.slice(0, 6) === month) return;
        month = day.slice(0, 6);
        const budget = (context.account().balance * invested) / last.size;
        for (const [instrument, price] of last) {
          const target = Math.floor(budget / price / 100) * 100;
          const held = context.position(instrument);
          context.targetPosition(instrument, Math.max(target, held.net - held.longYesterday));
        }
      },
    };
  },
});

function benchB(): void {
  console.log(`\n(b) ${INSTRUMENTS} A-shares × ${DAYS} daily bars, equal-weight monthly rebalance`);
  const days = tradingDays(DAYS, '2024-01-02');
  const random = seededRandom(17);
  const prices = Array.from({ length: INSTRUMENTS }, () => 5 + random() * 45);
  const bars: MarketBar[] = [];
  for (const day of days) {
    const startMs = Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6, 8), 1, 30);
    for (let i = 0; i < INSTRUMENTS; i += 1) {
      const open = prices[i]!;
      const close = Math.max(1, Math.round(open * (1 + (random() - 0.5) * 0.04) * 100) / 100);
      prices[i] = close;
      bars.push({
        instrument: `SSE.${600000 + i}`,
        frequency: '1d',
        startMs,
        endMs: startMs + 5.5 * 3_600_000,
        tradingDay: day,
        open,
        high: Math.max(open, close) * 1.01,
        low: Math.min(open, close) * 0.99,
        close,
        volume: 1e7,
      });
    }
  }
  let trades = 0;
  let balance = 0;
  const ms = best(
    () => {
      const result = new BacktestEngine(
        monthly,
        {},
        { accounts: [{ name: 'fund', initCash: 100_000_000 }] },
      ).run(bars);
      trades = result.trades.length;
      balance = result.summary.accounts[0]!.finalBalance;
    },
    Math.min(REPEAT, 2),
    false,
  );
  console.log(
    `  engine: ${ms.toFixed(0)} ms, ${fmt((bars.length / ms) * 1000)} bar-events/s, ${fmt(trades)} trades, final balance ${balance.toFixed(2)}, peak RSS ${peakRssMiB().toFixed(0)} MiB`,
  );
}

function benchC(): void {
  console.log(
    `\n(c) indicators over ${fmt(VALUES)} values: batch and streaming vs numpy (best of ${REPEAT})`,
  );
  const random = seededRandom(5);
  const close = new Float64Array(VALUES);
  let price = 3500;
  for (let i = 0; i < VALUES; i += 1) close[i] = price += Math.round((random() - 0.5) * 8);
  const high = close.map((x) => x + 2);
  const low = close.map((x) => x - 2);
  const ours: [string, () => unknown, () => unknown][] = [
    ['sma20', () => indicators.sma(close, 20), () => stream(new indicators.MovingAverage(20))],
    ['std20', () => indicators.std(close, 20), () => stream(new indicators.Std(20))],
    ['boll20', () => indicators.boll(close, 20, 2), () => stream(new indicators.Boll(20, 2))],
    ['roc10', () => indicators.roc(close, 10), () => stream(new indicators.Roc(10))],
    ['hhv20', () => indicators.hhv(high, 20), () => stream(new indicators.Hhv(20), high)],
    ['llv20', () => indicators.llv(low, 20), () => stream(new indicators.Llv(20), low)],
    ['ema12', () => indicators.ema(close, 12), () => stream(new indicators.Ema(12))],
    ['macd', () => indicators.macd(close), () => stream(new indicators.Macd())],
    ['rsi14', () => indicators.rsi(close, 14), () => stream(new indicators.Rsi(14))],
  ];
  function stream(
    indicator: indicators.Indicator<number, unknown>,
    values: Float64Array = close,
  ): void {
    for (let i = 0; i < values.length; i += 1) indicator.update(values[i]!);
  }
  const py = numpy(
    `${NUMPY_PRELUDE}
from numpy.lib.stride_tricks import sliding_window_view as win
c = load("close"); h = load("high"); l = load("low")
def std(x, n):
    c1 = np.cumsum(np.insert(x - x[0], 0, 0.0)); c2 = np.cumsum(np.insert((x - x[0]) ** 2, 0, 0.0))
    s1 = c1[n:] - c1[:-n]; s2 = c2[n:] - c2[:-n]
    out = np.full(len(x), np.nan); out[n - 1:] = np.sqrt(np.maximum(s2 / n - (s1 / n) ** 2, 0)); return out
def boll(x, n, k):
    m = sma(x, n); s = std(x, n); return m + k * s, m, m - k * s
def roc(x, n):
    out = np.full(len(x), np.nan); out[n:] = (x[n:] / x[:-n] - 1) * 100; return out
res = {"sma20": best(lambda: sma(c, 20)), "std20": best(lambda: std(c, 20)), "boll20": best(lambda: boll(c, 20, 2)),
       "roc10": best(lambda: roc(c, 10)), "hhv20": best(lambda: win(h, 20).max(axis=1)), "llv20": best(lambda: win(l, 20).min(axis=1))}
try:
    from scipy.signal import lfilter
    def ema(x, n):
        a = 2 / (n + 1); y, _ = lfilter([a], [1, a - 1], x[n - 1:], zi=[(1 - a) * x[:n].mean()]); return y
    res["ema12"] = best(lambda: ema(c, 12))
    def macd(x):
        f = ema(x, 12); s = ema(x, 26); d = f[14:] - s; return d, ema(d, 9)
    res["macd"] = best(lambda: macd(c))
except ImportError:
    pass
print(json.dumps(res))`,
    { close, high, low },
  );
  console.log('  indicator   batch ms   streaming ms   numpy ms   numpy / batch');
  let ourTotal = 0;
  let numpyTotal = 0;
  for (const [name, batch, streaming] of ours) {
    const batchMs = best(batch);
    const streamMs = best(streaming);
    const reference = py?.[name];
    if (reference !== undefined) {
      ourTotal += batchMs;
      numpyTotal += reference;
    }
    console.log(
      `  ${name.padEnd(10)} ${batchMs.toFixed(2).padStart(9)} ${streamMs.toFixed(2).padStart(14)} ${reference === undefined ? '         —' : reference.toFixed(2).padStart(10)}   ${reference === undefined ? '— (no vectorised numpy form)' : `${(reference / batchMs).toFixed(2)}×`}`,
    );
  }
  if (py)
    console.log(
      `  target: batch indicators ≥ 1.0× the numpy baseline (summed over the indicators numpy vectorises): ${(numpyTotal / ourTotal).toFixed(2)}× — ${numpyTotal / ourTotal >= 1 ? 'met' : 'NOT met'}`,
    );
}

function main(): void {
  console.log(
    `bench:backtest — node ${process.version}, best of ${REPEAT} (engine runs: best of ${Math.min(REPEAT, 2)})`,
  );
  if (process.env.BENCH_ONLY !== 'b' && process.env.BENCH_ONLY !== 'c') benchA();
  if (process.env.BENCH_ONLY !== 'a' && process.env.BENCH_ONLY !== 'c') benchB();
  if (process.env.BENCH_ONLY !== 'a' && process.env.BENCH_ONLY !== 'b') benchC();
}

main();
