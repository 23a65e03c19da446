import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { AppProcess, freePort, launchChromium, waitFor } from '@qautlra/testing';
import { startWebApp } from './support/web-app';

const ROOT = join(__dirname, '../../..');
const DOCS = join(ROOT, 'docs/images');

interface Run {
  id: string;
  status: string;
  summary: { accounts: { total_return: number; trades: number }[] } | null;
  statistics: { metrics: Record<string, number | null> } | null;
}

/**
 * Issue 17 §7: the backtests view of the browser app against the real backtest service (built,
 * PGlite, worker threads) through the web server's `/backtest` proxy: pick a strategy and its
 * parameters, run, watch the progress, the run's statistics equal to the API, its price chart with
 * trades and equity curve, the report link, and two runs compared.
 */
describe('web backtests view in headless Chromium against the backtest service', () => {
  jest.setTimeout(90_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'web-backtests-'));
  let service: AppProcess;
  let serviceBase: string;
  let web: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const port = await freePort();
    serviceBase = `http://127.0.0.1:${port}`;
    service = new AppProcess(
      'backtest',
      [],
      {
        BACKTEST_ADDR: `127.0.0.1:${port}`,
        BACKTEST_DATA_DIR: dataDir,
        DATABASE_URL: '',
        BACKTEST_THREADS: '2',
      },
      `${serviceBase}/health`,
    );
    await service.start();
    ({ web, base } = await startWebApp({ backtestUrl: serviceBase }));
    mkdirSync(DOCS, { recursive: true });
    browser = await launchChromium();
    page = await (
      await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'en-US' })
    ).newPage();
    page.setDefaultTimeout(30_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await service?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${serviceBase}${path}`);
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  async function runFromPage(fast: number, slow: number): Promise<Run> {
    await page.getByTestId('bt-param-fast').fill(String(fast));
    await page.getByTestId('bt-param-slow').fill(String(slow));
    const before = (await api<Run[]>('/api/runs')).length;
    await page.getByTestId('bt-run').click();
    const run = await waitFor(
      async () => {
        const runs = await api<Run[]>('/api/runs');
        return runs.length > before && runs[0]!.status === 'done' ? runs[0] : undefined;
      },
      { what: 'the run to finish', timeoutMs: 60_000 },
    );
    await page
      .locator(`[data-testid=bt-runs] tr[data-run="${run.id}"][data-status=done]`)
      .waitFor();
    return run;
  }

  it('lists the strategies and their parameters', async () => {
    await page.goto(`${base}/#backtests`);
    await page.getByTestId('bt-strategy').waitFor();
    const options = await page.locator('[data-testid=bt-strategy] option').allTextContents();
    expect(options.sort()).toEqual(['ma-cross', 'py-ma-cross', 'rebalancer', 'rsi-reversion']);
    await page.getByTestId('bt-strategy').selectOption('ma-cross');
    await expect(page.getByTestId('bt-param-fast').inputValue()).resolves.toBe('5');
  });

  it('runs a strategy, shows its statistics, price chart with trades, equity curve and report', async () => {
    await page.getByTestId('bt-instruments').fill('SHFE.rb888');
    await page.getByTestId('bt-from').fill('2026-02-02');
    await page.getByTestId('bt-to').fill('2026-03-13');
    await page.getByTestId('bt-frequency').selectOption('15m');
    const run = await runFromPage(3, 12);
    await page.locator(`[data-testid=bt-runs] tr[data-run="${run.id}"]`).click();
    const detail = page.locator(`[data-testid=bt-detail][data-run="${run.id}"]`);
    await detail.waitFor();
    const sharpe = run.statistics!.metrics.sharpe!;
    await expect(detail.locator('[data-metric=sharpe]').textContent()).resolves.toBe(
      sharpe.toFixed(2),
    );
    await expect(detail.locator('[data-metric=trades]').textContent()).resolves.toBe(
      String(run.summary!.accounts[0]!.trades),
    );
    // Both charts drew (lightweight-charts renders into canvases).
    await detail.locator('[data-testid=bt-price] canvas').first().waitFor();
    await detail.locator('[data-testid=bt-equity] canvas').first().waitFor();
    const href = await detail.getByTestId('bt-report').getAttribute('href');
    expect(href).toBe(`/backtest/api/runs/${run.id}/report?lang=en`);
    const report = await fetch(`${base}${href}`);
    expect(report.headers.get('content-type')).toContain('text/html');
    await page.screenshot({ path: join(DOCS, 'web-backtests.png') });
  });

  it('shows a refused request in words, and compares two runs', async () => {
    await page.getByTestId('bt-param-fast').fill('1');
    await page.getByTestId('bt-run').click();
    await expect(page.getByTestId('bt-error').textContent()).resolves.toContain(
      'parameter fast must be ≥ 2',
    );
    const second = await runFromPage(5, 20);
    const runs = await api<Run[]>('/api/runs');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (const run of runs.slice(0, 2))
      await page
        .locator(`[data-testid=bt-runs] tr[data-run="${run.id}"] input[type=checkbox]`)
        .check();
    const compare = page.getByTestId('bt-compare');
    await compare.waitFor();
    await compare.locator('canvas').first().waitFor();
    expect(await compare.locator('thead th').count()).toBe(3);
    expect(second.status).toBe('done');
  });
});
