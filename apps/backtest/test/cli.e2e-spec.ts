import { analyseNav, resolveConvention } from '@qautlra/analytics';
import { CHINA_TRADE_CALENDAR, toIsoDate } from '@qautlra/calendar';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '@qautlra/testing';

const root = join(__dirname, '../../..');
const cli = join(root, 'dist/apps/backtest/src/cli.js');

const backtest = (args: string[]) => runNode(cli, args, { cwd: root });

interface Output {
  summary: {
    trading_days: number;
    accounts: {
      init_cash: number;
      final_balance: number;
      close_profit: number;
      position_profit: number;
      commission: number;
      trades: number;
    }[];
  };
  statistics: { metrics: Record<string, number | null>; observations: number };
  trades: { commission: number; price: number; volume: number }[];
  daily: {
    trading_day: string;
    balance: number;
    close_profit: number;
    position_profit: number;
    commission: number;
  }[];
}

describe('npm run backtest (the README example)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backtest-cli-'));

  it('runs the ma-cross example on the sim and writes consistent results', async () => {
    const out = join(dir, 'out.json');
    const { code, stdout, stderr } = await backtest([
      '--strategy',
      'examples/strategies/ma-cross.ts',
      '--instruments',
      'SHFE.rb2705',
      '--from',
      '2026-01-05',
      '--to',
      '2026-03-31',
      '--freq',
      '1m',
      '--source',
      'sim',
      '--json',
      out,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/total return\s+-?\d+\.\d\d%/);
    expect(stdout).toMatch(/Sharpe\s+-?\d+\.\d\d/);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Output;
    const account = result.summary.accounts[0]!;
    expect(result.summary.trading_days).toBe(
      CHINA_TRADE_CALENDAR.tradeRange('2026-01-05', '2026-03-31').length,
    );
    expect(account.trades).toBeGreaterThan(100);
    // balance change = Σ close profit + Σ position profit − Σ commission
    expect(account.final_balance - account.init_cash).toBeCloseTo(
      account.close_profit + account.position_profit - account.commission,
      4,
    );
    // Σ commission of the trades = the account's
    expect(result.trades.reduce((sum, t) => sum + t.commission, 0)).toBeCloseTo(
      account.commission,
      4,
    );
    // The days chain: each balance = the previous + the day's profits − commission.
    let balance = account.init_cash;
    for (const day of result.daily) {
      balance += day.close_profit + day.position_profit - day.commission;
      expect(day.balance).toBeCloseTo(balance, 4);
    }
    // The statistics are libs/analytics' on the daily NAV.
    const dates = [
      CHINA_TRADE_CALENDAR.previousTradeDate('2026-01-05'),
      ...result.daily.map((d) => toIsoDate(d.trading_day)),
    ];
    const navs = [1, ...result.daily.map((d) => d.balance / account.init_cash)];
    const expected = analyseNav(dates, navs, resolveConvention('quantstats'));
    expect(result.statistics.observations).toBe(expected.observations);
    for (const name of ['sharpe', 'max_drawdown', 'cagr', 'volatility', 'sortino'])
      expect([name, result.statistics.metrics[name]]).toEqual([name, expected.metrics[name]]);
  });

  it('takes parameters, and says what is wrong with a bad request', async () => {
    const base = [
      '--strategy',
      'examples/strategies/ma-cross.ts',
      '--instruments',
      'SHFE.rb2705',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-06',
    ];
    const tuned = await backtest([
      ...base,
      '--param',
      'fast=3',
      '--param',
      'slow=10',
      '--freq',
      '5m',
    ]);
    expect(tuned.code).toBe(0);
    expect(tuned.stdout).toContain('{"fast":3,"slow":10,"lots":1}');
    const unknown = await backtest([...base, '--param', 'speed=3']);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('ma-cross has no parameter speed');
    const range = await backtest([...base, '--param', 'fast=1']);
    expect(range.stderr).toContain('parameter fast must be ≥ 2');
    const missing = await backtest([...base.slice(0, 1), 'nope.ts', ...base.slice(2)]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('nope.ts: no such file');
    const instrument = await backtest([...base.slice(0, 3), 'XXX.zz1', ...base.slice(4)]);
    expect(instrument.code).not.toBe(0);
    expect(instrument.stderr).toMatch(/XXX\.zz1/);
    const usage = await backtest(['--strategy', 'examples/strategies/ma-cross.ts']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--instruments is required');
  });

  it('reports a strategy that throws with the callback, the time and its stack', async () => {
    const file = join(dir, 'broken.ts');
    writeFileSync(
      file,
      `import { defineStrategy } from '@qautlra/execution';
export default defineStrategy({ name: 'broken', parameters: {}, create: () => ({
  onBar(bar) { if (bar.close > 0) throw new Error('boom'); },
}) });
`,
    );
    const { code, stderr } = await backtest([
      '--strategy',
      file,
      '--instruments',
      'DCE.m2609',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-03',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /broken\.onBar failed at 2026-0[23]-\d\dT[\d:.]+Z \(trading day 2026030\d\): boom/,
    );
    expect(stderr).toContain('broken.ts');
  });

  it('says a CSV that does not parse does not parse', async () => {
    const file = join(dir, 'broken.csv');
    writeFileSync(file, 'datetime,open\n"2026-03-02 09:00,1\n');
    const { code, stderr } = await backtest([
      '--strategy',
      'examples/strategies/ma-cross.ts',
      '--instruments',
      'DCE.m2609',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-06',
      '--source',
      'csv',
      '--file',
      file,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('backtest: the CSV does not parse');
  });

  it('replays bars from a CSV file', async () => {
    const file = join(dir, 'bars.csv');
    const rows = ['datetime,open,high,low,close,volume'];
    for (let day = 2; day <= 6; day += 1)
      for (let minute = 0; minute < 60; minute += 1) {
        const price = 3000 + Math.round(20 * Math.sin((day * 60 + minute) / 9));
        rows.push(
          `2026-03-0${day} 09:${String(minute).padStart(2, '0')},${price},${price + 2},${price - 2},${price + 1},100`,
        );
      }
    writeFileSync(file, rows.join('\n'));
    const { code, stdout, stderr } = await backtest([
      '--strategy',
      'examples/strategies/ma-cross.ts',
      '--instruments',
      'DCE.m2609',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-06',
      '--source',
      'csv',
      '--file',
      file,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('300 1m bars');
    expect(stdout).toMatch(/orders \/ trades\s+[1-9]\d* \/ [1-9]\d*/);
  });
});
