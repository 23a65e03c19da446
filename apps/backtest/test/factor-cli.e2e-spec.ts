import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNode } from '@qautlra/testing';

const root = join(__dirname, '../../..');
const cli = join(root, 'dist/apps/backtest/src/factor-cli.js');

const factor = (args: string[]) => runNode(cli, args, { cwd: root });

const INSTRUMENTS =
  'SSE.600000,SSE.600036,SSE.601318,SSE.600519,SZSE.000001,SZSE.000002,SZSE.000858,SZSE.300750';

/** Issue 22 §5: `npm run factor` (built). */
describe('npm run factor', () => {
  it('prints the study and writes it as JSON: IC by horizon, rows dropped by reason, a top-quantile backtest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'factor-cli-'));
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const groups = join(dir, 'groups.json');
    writeFileSync(
      groups,
      JSON.stringify(
        Object.fromEntries(INSTRUMENTS.split(',').map((id, i) => [id, i % 2 ? 'a' : 'b'])),
      ),
    );
    const out = await factor([
      '--builtin',
      'reversal',
      '--window',
      '3',
      '--instruments',
      INSTRUMENTS,
      '--from',
      '2025-09-01',
      '--to',
      '2025-12-31',
      '--periods',
      '1,5',
      '--quantiles',
      '4',
      '--winsorize',
      'mad',
      '--groups',
      groups,
      '--neutralize',
      '--backtest',
      '--json',
      json,
      '--html',
      html,
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^factor reversal\(3\): 8 instruments × \d+ dates/);
    expect(out.stdout).toMatch(/rows: \d+ of \d+ kept .*warm_up 24, horizon_end 40/);
    expect(out.stdout).toMatch(/^ +1D .*\n +5D /m);
    expect(out.stdout).toMatch(/backtest \(top quantile\): return -?\d+\.\d+%/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      horizons: { period: number; rank_ic_summary: { count: number } }[];
      groups: { group: string }[];
      rows: { dropped: Record<string, number> };
    };
    expect(report.horizons.map((h) => h.period)).toEqual([1, 5]);
    expect(report.groups.map((g) => g.group)).toEqual(['a', 'b']);
    expect(report.rows.dropped).toMatchObject({ warm_up: 24, horizon_end: 40 });
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>reversal(3) — factor tear sheet</title>');
    expect(page).toContain('IC decay: mean IC and rank IC by horizon');
    expect(page).toContain('Backtest of the quantile held');
    expect((page.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(page).not.toMatch(/<script/);
  }, 120_000);

  it('says what is wrong: usage errors exit 2, bad factors exit 1', async () => {
    const missing = await factor(['--builtin', 'momentum']);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, '--instruments is required']);
    const help = await factor(['--help']);
    expect(help.code).toBe(2);
    expect(help.stderr).toMatch(/npm run factor -- \(--expression TEXT/);
    const bad = await factor([
      '--expression',
      'ts_mean(close)',
      '--instruments',
      INSTRUMENTS,
      '--from',
      '2025-09-01',
      '--to',
      '2025-10-31',
    ]);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, 'factor: ts_mean takes 2 arguments, not 1']);
  }, 60_000);
});
