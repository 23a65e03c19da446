import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, waitFor } from '@qautlra/testing';
import { startFundApp } from '../../fund-analytics/test/support/fund-app';
import { startWebApp } from './support/web-app';

const ROOT = join(__dirname, '../../..');
const DOCS = join(ROOT, 'docs/images');
const ARTEFACTS = join(ROOT, 'test-output/web');
const WORKBOOK = join(ROOT, 'apps/fund-analytics/examples/demo-funds.xlsx');

interface MetricsBody {
  metrics: Record<string, number | null>;
}

/**
 * The funds view of the browser app against the real fund-analytics service (PostgreSQL), through
 * the web server's `/fund` proxy: NAV import from the page (a good workbook, a broken file), the
 * statistics table equal to the API under each convention, sorting, the product and comparison
 * tear sheets in the frame. No trading apps run: the view works without signing in.
 */
describe('web funds view in headless Chromium against fund analytics', () => {
  jest.setTimeout(60_000);

  let fund: Awaited<ReturnType<typeof startFundApp>>;
  let web: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fund = await startFundApp('webfunds');
    ({ web, base } = await startWebApp({ fundUrl: fund.base }));
    mkdirSync(DOCS, { recursive: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    browser = await launchChromium();
    page = await (
      await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    ).newPage();
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await fund?.stop();
  });

  const api = async (path: string): Promise<any> => {
    const response = await fetch(`${fund.base}${path}`);
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return response.json();
  };
  // Read in one go: the rows re-sort while statistics arrive.
  const rowCodes = (): Promise<string[]> =>
    page
      .locator('[data-testid=fund-table] tbody tr')
      .evaluateAll((rows: { getAttribute(name: string): string | null }[]) =>
        rows.map((row) => row.getAttribute('data-code') ?? ''),
      );
  const cell = (code: string, metric: string) =>
    page.locator(`[data-testid=fund-table] tr[data-code="${code}"] td[data-metric="${metric}"]`);
  const pct = (value: number | null) => (value === null ? '–' : `${(value * 100).toFixed(2)}%`);

  it('starts empty, imports the demo workbook from the page, and lists every product', async () => {
    await page.goto(`${base}/#funds`);
    await page.getByText('暂无产品').waitFor();
    await page.getByTestId('fund-file').setInputFiles(WORKBOOK);
    await page.getByTestId('fund-outcome').getByText('已导入').waitFor();
    const listed = (await api('/api/products')) as { code: string }[];
    expect(listed.length).toBe(5);
    await page.locator('[data-testid=fund-table] tbody tr').nth(4).waitFor();
    expect((await rowCodes()).sort()).toEqual(listed.map((p) => p.code).sort());
  });

  it('shows the API’s statistics under the chosen convention, sorted by the clicked column', async () => {
    const codes = await rowCodes();
    const stats = async (preset: string) =>
      Object.fromEntries(
        await Promise.all(
          codes.map(async (code) => [
            code,
            ((await api(`/api/products/${code}/metrics?preset=${preset}`)) as MetricsBody).metrics,
          ]),
        ),
      ) as Record<string, MetricsBody['metrics']>;
    const quantstats = await stats('quantstats');
    for (const code of codes) {
      await expect(cell(code, 'sharpe').textContent()).resolves.toBe(
        quantstats[code]!.sharpe!.toFixed(2),
      );
      await expect(cell(code, 'max_drawdown').textContent()).resolves.toBe(
        pct(quantstats[code]!.max_drawdown!),
      );
    }
    // Sorted by Sharpe, best first, by default.
    const bySharpe = codes.slice().sort((a, b) => quantstats[b]!.sharpe! - quantstats[a]!.sharpe!);
    expect(await rowCodes()).toEqual(bySharpe);
    // Nothing picked yet: the frame shows the first row's tear sheet.
    await waitFor(
      async () =>
        ((await page.getByTestId('fund-sheet').getAttribute('src')) ?? '').includes(
          `/fund/api/products/${bySharpe[0]}/report?`,
        ),
      { what: 'the best product’s sheet in the frame' },
    );
    // Volatility ranks the calmest first.
    await page.locator('th[data-sort=volatility]').click();
    expect(await rowCodes()).toEqual(
      codes.slice().sort((a, b) => quantstats[a]!.volatility! - quantstats[b]!.volatility!),
    );
    // Another convention: the table follows (tqsdk: 250 days, rf 2.5 %, population std).
    const tqsdk = await stats('tqsdk');
    const first = codes[0]!;
    expect(tqsdk[first]!.sharpe).not.toBeCloseTo(quantstats[first]!.sharpe!, 4);
    await page.getByTestId('fund-preset').selectOption('tqsdk');
    const want = tqsdk[first]!.sharpe!.toFixed(2);
    await waitFor(async () => (await cell(first, 'sharpe').textContent()) === want, {
      what: 'the tqsdk Sharpe in the table',
    });
    // Back to quantstats: its figures are shown again without being asked for again (a request
    // for them would come before those of the next convention, empyrical).
    const asked: string[] = [];
    const record = (request: { url(): string }) => {
      if (request.url().includes('/metrics?')) asked.push(request.url());
    };
    page.on('request', record);
    await page.getByTestId('fund-preset').selectOption('quantstats');
    await waitFor(
      async () =>
        (await cell(first, 'sharpe').textContent()) === quantstats[first]!.sharpe!.toFixed(2),
    );
    await page.getByTestId('fund-preset').selectOption('empyrical');
    await waitFor(
      () => asked.filter((url) => url.includes('preset=empyrical')).length === codes.length,
      {
        what: 'the empyrical statistics asked for',
      },
    );
    page.off('request', record);
    expect(asked.filter((url) => url.includes('preset=quantstats'))).toEqual([]);
    await page.getByTestId('fund-preset').selectOption('quantstats');
  });

  it('shows a product’s tear sheet and a comparison against a benchmark in the frame', async () => {
    const products = (await api('/api/products')) as { code: string; name: string }[];
    const fundCodes = products.map((p) => p.code).filter((code) => code !== 'IDX300');
    const [a, b] = [
      products.find((p) => p.code === fundCodes[0])!,
      products.find((p) => p.code === fundCodes[1])!,
    ];
    await page.getByTestId('fund-benchmark').selectOption('IDX300');
    await page
      .locator(`[data-testid=fund-table] tr[data-code="${a.code}"] td[data-metric=sharpe]`)
      .click();
    const frame = page.frameLocator('[data-testid=fund-sheet]');
    await frame.locator('h1').getByText(a.name).waitFor();
    await frame.getByText('沪深300').first().waitFor(); // the benchmark's name on the sheet
    await frame.getByText('主要业绩指标').waitFor(); // the sheet in the page's language
    expect(await page.getByTestId('fund-sheet').getAttribute('src')).toContain(
      `/fund/api/products/${a.code}/report?preset=quantstats&benchmark=IDX300&lang=zh`,
    );
    await expect(page.getByTestId('fund-compare').isDisabled()).resolves.toBe(true);
    for (const code of [a.code, b.code])
      await page.locator(`tr[data-code="${code}"] input[type=checkbox]`).check();
    await page.getByTestId('fund-compare').click();
    await waitFor(
      async () =>
        ((await page.getByTestId('fund-sheet').getAttribute('src')) ?? '').includes(
          '/fund/api/compare/report?',
        ),
      { what: 'the comparison in the frame' },
    );
    await frame.getByText(a.name).first().waitFor();
    await frame.getByText(b.name).first().waitFor();
    writeFileSync(join(ARTEFACTS, 'funds.png'), await page.screenshot());
    // For the docs, the view alone: the trading pills are red here, as no trading app runs.
    writeFileSync(join(DOCS, 'web-funds.png'), await page.getByTestId('funds').screenshot());
  });

  it('fits a phone: the table scrolls inside its card, the page does not scroll sideways', async () => {
    const phone = await page.context().newPage();
    // Remembered choices that no longer hold: a deleted benchmark, an unknown convention.
    await phone.addInitScript(
      "localStorage.setItem('qautlra.fund.benchmark', 'GONE'); localStorage.setItem('qautlra.fund.preset', 'bogus');",
    );
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${base}/#funds`);
    await phone.locator('[data-testid=fund-table] tbody tr').nth(4).waitFor();
    await phone.getByTestId('fund-sheet').waitFor();
    const src = (await phone.getByTestId('fund-sheet').getAttribute('src')) ?? '';
    expect(src).toContain('report?preset=quantstats');
    expect(src).not.toContain('benchmark=');
    const overflow = await phone.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    writeFileSync(join(ARTEFACTS, 'funds-phone.png'), await phone.screenshot());
    await phone.close();
  });

  it('a broken file imports nothing and the page lists each problem with its place', async () => {
    const broken = join(tmpdir(), `qautlra-broken-${process.pid}.csv`);
    writeFileSync(broken, '日期,单位净值\n2024-01-05,1.01\n2024-01-12,abc\n2024-13-40,1.02\n');
    await page.getByTestId('fund-file').setInputFiles(broken);
    const problems = page.locator('[data-testid=fund-problems] tbody tr');
    await problems.first().waitFor();
    const rows: string[][] = [];
    for (let i = 0; i < (await problems.count()); i += 1)
      rows.push((await problems.nth(i).locator('td').allTextContents()).map((t) => t.trim()));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // Each problem has its row and column; the rows are the file's lines 3 and 4.
    expect(rows.map((r) => r[1]).sort()).toEqual(['3', '4']);
    expect(rows.every((r) => r[2] !== '' && r[3] !== '')).toBe(true);
    await page.getByTestId('fund-outcome').getByText('未导入').waitFor();
    expect(((await api('/api/products')) as unknown[]).length).toBe(5);
  });

  it('says so when fund analytics is down', async () => {
    await fund.stop();
    const other = await page.context().newPage();
    await other.goto(`${base}/#funds`);
    await other.getByTestId('fund-failure').waitFor();
    expect(await other.getByTestId('fund-failure').textContent()).toContain('基金分析服务不可用');
    await other.close();
    fund = undefined as never;
  });
});
