import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { AppProcess, freePort, launchChromium, waitFor } from '@qautlra/testing';
import { startWebApp } from './support/web-app';

const ROOT = join(__dirname, '../../..');
const DOCS = join(ROOT, 'docs/images');

/**
 * Issue 22 §5: the web terminal's Factors view against the real backtest service (built, PGlite, worker
 * threads) through the web server's `/backtest` proxy: a factor study with its IC table equal to the API's,
 * the IC and cumulative charts, quantile bars and the tear sheet; a parameter sweep with progress, ranking
 * and a heat map over two parameters.
 */
describe('web factors view in headless Chromium against the backtest service', () => {
  jest.setTimeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'web-factors-'));
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
      await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' })
    ).newPage();
    page.setDefaultTimeout(60_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await service?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('studies a factor: the IC table equals the API, charts, quantile bars and the tear sheet', async () => {
    await page.goto(`${base}/#factors`);
    await page.getByTestId('fc-run').waitFor();
    await page.getByTestId('fc-expression').fill('rank(ts_mean(close, 5) / close)');
    await page.getByTestId('fc-from').fill('2025-09-01');
    await page.getByTestId('fc-to').fill('2026-01-30');
    await page.getByTestId('fc-periods').fill('1,5');
    await page.getByTestId('fc-run').click();
    const report = page.locator('[data-testid=fc-report]');
    await report.waitFor();
    const api = (await (
      await fetch(`${serviceBase}/api/factors/analysis`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          instruments: [
            'SSE.600000',
            'SSE.600036',
            'SSE.601318',
            'SSE.600519',
            'SSE.601988',
            'SSE.600030',
            'SZSE.000001',
            'SZSE.000002',
            'SZSE.000858',
            'SZSE.300750',
          ],
          from: '2025-09-01',
          to: '2026-01-30',
          periods: [1, 5],
          quantiles: 5,
          expression: 'rank(ts_mean(close, 5) / close)',
        }),
      })
    ).json()) as { horizons: { period: number; rank_ic_summary: { mean: number } }[] };
    for (const h of api.horizons)
      await expect(
        page
          .locator(`[data-testid=fc-summary] tr[data-period="${h.period}"] [data-metric=rank-ic]`)
          .textContent(),
      ).resolves.toBe(h.rank_ic_summary.mean.toFixed(3));
    await page.locator('[data-testid=fc-ic] canvas').first().waitFor();
    await page.locator('[data-testid=fc-cumulative] canvas').first().waitFor();
    await expect(page.locator('[data-testid=fc-quantiles] [data-quantile]').count()).resolves.toBe(
      5,
    );
    await page.getByTestId('fc-sheet-open').click();
    const sheet = page.frameLocator('[data-testid=fc-sheet]');
    await sheet.locator('text=IC decay: mean IC and rank IC by horizon').waitFor();
    await page.screenshot({ path: join(DOCS, 'web-factors.png') });
  });

  it('says what is wrong with a factor in words', async () => {
    await page.getByTestId('fc-expression').fill('ts_mean(close)');
    await page.getByTestId('fc-run').click();
    await expect(page.getByTestId('fc-error').textContent()).resolves.toContain(
      'ts_mean takes 2 arguments, not 1',
    );
  });

  it('sweeps two parameters: progress, ranking and a heat map', async () => {
    await page.goto(`${base}/#factors`);
    await page.locator('[data-testid=sw-strategy] option[value=ma-cross]').waitFor({ state: 'attached' });
    await page.getByTestId('sw-strategy').selectOption('ma-cross');
    await page.getByTestId('sw-param-a').selectOption('fast');
    await page.getByTestId('sw-values-a').fill('3,5');
    await page.getByTestId('sw-param-b').selectOption('slow');
    await page.getByTestId('sw-values-b').fill('20,30');
    await page.getByTestId('sw-from').fill('2026-03-02');
    await page.getByTestId('sw-to').fill('2026-03-13');
    await page.getByTestId('sw-run').click();
    const progress = page.getByTestId('sw-progress');
    await waitFor(
      async () => {
        if (!(await progress.count())) return false;
        return (
          (await progress.getAttribute('data-done')) === '4' &&
          (await progress.getAttribute('data-total')) === '4'
        );
      },
      { what: 'the sweep done', timeoutMs: 90_000, intervalMs: 250 },
    );
    const sweepId = await page.getByTestId('sw-view').getAttribute('data-sweep');
    const view = (await (await fetch(`${serviceBase}/api/sweeps/${sweepId}`)).json()) as {
      ranking: { params: { fast: number; slow: number }; value: number | null }[];
    };
    await expect(page.locator('[data-testid=sw-ranking] tbody tr').count()).resolves.toBe(4);
    for (const row of view.ranking)
      await expect(
        page
          .locator(
            `[data-testid=sw-heat] td[data-a="${row.params.fast}"][data-b="${row.params.slow}"]`,
          )
          .textContent(),
      ).resolves.toBe(row.value === null ? '–' : row.value.toFixed(3));
  });
});
