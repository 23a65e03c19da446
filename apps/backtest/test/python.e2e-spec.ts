import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStrategy } from '@qautlra/strategies';
import { runBacktest, RunRequest } from '../src/runs/run-backtest';

const ROOT = join(__dirname, '../../..');
const EXAMPLE = join(ROOT, 'examples/strategies/ma_cross.py');

const request: RunRequest = {
  source: 'sim',
  instruments: ['SHFE.rb888', 'DCE.m888'],
  from: '2026-01-05',
  to: '2026-01-30',
  frequency: '1m',
  params: { fast: 5, slow: 20 },
};

const facts = (result: Awaited<ReturnType<typeof runBacktest>>) => ({
  trades: result.trades.map((trade) => [
    trade.instrument_id,
    trade.direction,
    trade.offset,
    trade.volume,
    trade.price,
    trade.trade_date_time,
  ]),
  balance: result.summary.accounts[0]!.finalBalance,
});

/** Python strategies in the backtest engine, through the bridge (Debian's python3). */
describe('Python strategies in backtests', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'qautlra-pybt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('read-ahead batching gives the very trades of one bar at a time, and the TypeScript twin’s', async () => {
    // The same file with batch = 1 (one request per bar).
    const single = join(dir, 'ma_cross_single.py');
    writeFileSync(
      single,
      readFileSync(EXAMPLE, 'utf8')
        .replace('name = "py-ma-cross"', 'name = "py-ma-cross-single"')
        .replace('batch = 2000', 'batch = 1'),
    );
    const batched = await runBacktest(loadStrategy(EXAMPLE), request);
    const unbatched = await runBacktest(loadStrategy(single), request);
    expect(batched.trades.length).toBeGreaterThan(20);
    expect(facts(batched)).toEqual(facts(unbatched));
    const typescript = await runBacktest(
      loadStrategy(join(ROOT, 'examples/strategies/ma-cross.ts')),
      request,
    );
    expect(facts(batched)).toEqual(facts(typescript));
  });

  it('a Python exception fails the run with its traceback', async () => {
    const broken = join(dir, 'broken.py');
    writeFileSync(
      broken,
      [
        'from qautlra.strategy import Strategy',
        'class Broken(Strategy):',
        '    name = "broken"',
        '    batch = 50',
        '    def on_bar(self, bar, ctx):',
        '        if bar["close"] > 0 and len(ctx.bars(bar["instrument"])) == 30:',
        '            raise KeyError("no such column")',
        '',
      ].join('\n'),
    );
    await expect(runBacktest(loadStrategy(broken), { ...request, params: {} })).rejects.toThrow(
      /the Python strategy failed: KeyError: 'no such column'[\s\S]*Traceback[\s\S]*broken\.py/,
    );
  });

  it('a Python strategy writing an endless line is stopped, not read into memory', async () => {
    const flood = join(dir, 'flood.py');
    writeFileSync(
      flood,
      [
        'import sys',
        'from qautlra.strategy import Strategy',
        'class Flood(Strategy):',
        '    name = "flood"',
        '    def on_start(self, ctx):',
        '        while True:',
        '            sys.stderr.write("x" * 1048576)',
        '',
      ].join('\n'),
    );
    await expect(runBacktest(loadStrategy(flood), { ...request, params: {} })).rejects.toThrow(
      /wrote a line of over 16 MiB/,
    );
  });

  it('a file that is not a strategy is refused when loaded', () => {
    const wrong = join(dir, 'wrong.py');
    writeFileSync(wrong, 'x = 1\n');
    expect(() => loadStrategy(wrong)).toThrow(/exactly one subclass of qautlra.strategy.Strategy/);
  });
});
