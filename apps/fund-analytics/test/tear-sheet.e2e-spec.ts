import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@qautlra/testing';
import { startFundApp, upload } from './support/fund-app';

const ROOT = join(__dirname, '../../..');
const SHOTS = join(ROOT, 'test-output/fund-analytics');
const WORKBOOK = join(__dirname, '../examples/demo-funds.xlsx');

const json = async (response: Response): Promise<any> => {
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
};

interface Layout {
  title: string;
  text: string;
  charts: number;
  productLineWidth: number;
  benchmarkLineWidth: number;
  drawdownWidth: number;
  overflow: number;
  scripts: number;
  kpis: string[];
  heatCells: number;
  rows: string[][];
}

/**
 * What the rendered page shows, read in the browser after layout. Page code is a string: the
 * project's type check has no DOM types (adding them would change Node's `fetch` types everywhere).
 */
const LAYOUT_SCRIPT = `(() => {
  const all = (selector, root = document) => Array.from(root.querySelectorAll(selector));
  const widest = (colour) => Math.max(0, ...all('svg path[stroke="' + colour + '"]').map((p) => p.getBoundingClientRect().width));
  return {
    title: document.title,
    text: document.body.innerText,
    charts: all('svg').filter((svg) => svg.getBoundingClientRect().width > 300).length,
    productLineWidth: widest('#1f6feb'),
    benchmarkLineWidth: widest('#8c959f'),
    drawdownWidth: widest('#cf222e'),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    scripts: document.scripts.length,
    kpis: all('.kpi').map((kpi) => kpi.textContent),
    heatCells: all('table.heat td[style*="rgba"]').length,
    rows: all('tbody tr').map((row) => all('td', row).map((cell) => cell.textContent.trim())),
  };
})()`;

const layout = (page: Page) => page.evaluate<Layout>(LAYOUT_SCRIPT);

describe('fund analytics: bundled workbook → metrics → compare → HTML tear sheets in headless Chromium (real PostgreSQL)', () => {
  let fund: Awaited<ReturnType<typeof startFundApp>>;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    fund = await startFundApp('fundsheet');
    base = fund.base;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await fund?.stop();
  });

  it('the bundled example workbook imports cleanly (daily and weekly sheets, several products side by side)', async () => {
    const { status, body } = await upload(base, readFileSync(WORKBOOK), 'demo-funds.xlsx');
    expect(status).toBe(201);
    expect(body.products.map((p: { code: string; added: number }) => [p.code, p.added])).toEqual([
      ['IDX300', 780],
      ['QD0001', 780],
      ['CTA002', 780],
      ['WJ0003', 156],
      ['ZX0004', 156],
    ]);
  });

  it('metrics carry the probabilistic, smart and rolling statistics under the stated convention', async () => {
    const result = await json(
      await fetch(`${base}/api/products/QD0001/metrics?benchmark=IDX300&rolling=true`),
    );
    expect(result.convention.name).toBe('quantstats');
    for (const key of [
      'smart_sharpe',
      'probabilistic_sharpe_ratio',
      'smart_sortino',
      'expected_return',
      'serenity_index',
      'outlier_win_ratio',
      'rar',
      'beta',
    ])
      expect(typeof result.metrics[key]).toBe('number');
    expect(result.metrics.probabilistic_sharpe_ratio).toBeGreaterThan(0);
    expect(result.metrics.probabilistic_sharpe_ratio).toBeLessThanOrEqual(1);
    expect(result.rolling.window).toBe(126);
    expect(result.rolling.dates).toHaveLength(result.observations - 125);
    expect(result.calendar.quarter.win_rate).toBeGreaterThan(0);
    // Weekly products get 52 periods a year, inferred from their dates.
    const weekly = await json(await fetch(`${base}/api/products/WJ0003/metrics`));
    expect(weekly.convention).toMatchObject({ name: 'quantstats+overrides', periods_per_year: 52 });
  });

  it('the product tear sheet renders: charts drawn, KPIs equal the API, every report group, no overflow', async () => {
    const metrics = await json(await fetch(`${base}/api/products/QD0001/metrics?benchmark=IDX300`));
    const response = await page.goto(`${base}/api/products/QD0001/report?benchmark=IDX300`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
    const shown = await layout(page);
    writeFileSync(join(SHOTS, 'QD0001.png'), await page.screenshot({ fullPage: true }));
    expect(shown.title).toBe('量化多头一号 — tear sheet');
    // cumulative, drawdown, 2 rolling, yearly bars
    expect(shown.charts).toBe(5);
    expect(shown.productLineWidth).toBeGreaterThan(900); // the cumulative line spans the wide card
    expect(shown.benchmarkLineWidth).toBeGreaterThan(900);
    expect(shown.drawdownWidth).toBeGreaterThan(900);
    expect(shown.overflow).toBeLessThanOrEqual(0);
    expect(shown.kpis[2]).toContain(`Sharpe${metrics.metrics.sharpe.toFixed(2)}`);
    expect(shown.kpis[3]).toContain(`${(metrics.metrics.max_drawdown * 100).toFixed(2)}%`);
    for (const group of [
      'Risk-adjusted ratios',
      'Expected returns and tail risk',
      'Trade-quality ratios',
      'Period returns',
      'Averages and win rates by period',
      'Benchmark',
      'Worst drawdowns',
      'Monthly returns',
    ])
      expect(shown.text).toContain(group);
    const row = (label: string) => shown.rows.find((cells) => cells[0] === label);
    expect(row('Prob. Sharpe Ratio')?.[1]).toBe(
      `${(metrics.metrics.probabilistic_sharpe_ratio * 100).toFixed(2)}%`,
    );
    expect(row('Beta')).toEqual(['Beta', metrics.metrics.beta.toFixed(2), '–']);
    expect(row('Daily Value-at-Risk')?.[1]).toBe(
      `${(-Math.abs(metrics.metrics.value_at_risk) * 100).toFixed(2)}%`,
    );
    // 3 years × 12 months + 3 yearly totals, coloured by sign
    expect(shown.heatCells).toBe(39);
    expect(statSync(join(SHOTS, 'QD0001.png')).size).toBeGreaterThan(100_000);
  });

  it('lang=zh: the sheets in Chinese, gains in red; an unknown language is a 400', async () => {
    const metrics = await json(await fetch(`${base}/api/products/QD0001/metrics?benchmark=IDX300`));
    const response = await page.goto(`${base}/api/products/QD0001/report?benchmark=IDX300&lang=zh`);
    expect(response?.status()).toBe(200);
    const shown = await layout(page);
    writeFileSync(join(SHOTS, 'QD0001-zh.png'), await page.screenshot({ fullPage: true }));
    expect(shown.title).toBe('量化多头一号 — 业绩报告');
    expect(shown.charts).toBe(5);
    for (const text of [
      '主要业绩指标',
      '风险调整收益',
      '月度收益',
      '最大的几次回撤',
      '滚动夏普比率',
    ])
      expect(shown.text).toContain(text);
    const row = (label: string) => shown.rows.find((cells) => cells[0] === label);
    expect(row('夏普比率')?.[1]).toBe(metrics.metrics.sharpe.toFixed(2));
    expect(row('日风险价值（VaR）')?.[1]).toBe(
      `${(-Math.abs(metrics.metrics.value_at_risk) * 100).toFixed(2)}%`,
    );
    expect(shown.kpis[0]).toContain(`累计收益${(metrics.metrics.comp * 100).toFixed(2)}%`);
    // A gain is red, a loss green (QD0001 gained; its max drawdown is a loss).
    const colour = (selector: string) =>
      page.evaluate<string>(
        `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).color`,
      );
    expect(metrics.metrics.comp).toBeGreaterThan(0);
    await expect(colour('.kpi:nth-child(1) .value')).resolves.toBe('rgb(207, 34, 46)');
    await expect(colour('.kpi:nth-child(4) .value')).resolves.toBe('rgb(26, 127, 55)');
    const comparison = await fetch(
      `${base}/api/compare/report?codes=QD0001,CTA002&benchmark=IDX300&rank_by=sharpe&lang=zh`,
    );
    expect(comparison.status).toBe(200);
    const html = await comparison.text();
    expect(html).toContain('<title>2 个产品对比 — 业绩报告</title>');
    expect(html).toContain('收益相关性');
    const bad = await fetch(`${base}/api/products/QD0001/report?lang=fr`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('lang must be one of');
  });

  it('the comparison tear sheet ranks as /api/compare does and shows the correlation matrix', async () => {
    const body = {
      codes: ['QD0001', 'CTA002', 'WJ0003', 'ZX0004'],
      benchmark: 'IDX300',
      rank_by: 'sharpe',
    };
    const comparison = await json(
      await fetch(`${base}/api/compare`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
    // The weekly products set the common dates: Fridays, 52 periods a year.
    expect(comparison.convention.periods_per_year).toBe(52);
    expect(comparison.computed).toBe('inline');
    const response = await fetch(`${base}/api/compare/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    await page.setContent(await response.text());
    const shown = await layout(page);
    writeFileSync(join(SHOTS, 'comparison.png'), await page.screenshot({ fullPage: true }));
    expect(shown.title).toBe('Comparison of 4 products — tear sheet');
    expect(shown.charts).toBe(4); // cumulative, drawdown, rolling Sharpe, rolling volatility
    const names = new Map<string, string>(
      (comparison.products as { code: string; name: string }[]).map((p) => [p.code, p.name]),
    );
    const ranked = shown.rows
      .filter((cells) => /^[1-4]$/.test(cells[0] ?? ''))
      .map((cells) => cells[1]);
    expect(ranked).toEqual(
      comparison.ranking.codes.map((code: string) => `${names.get(code)} ${code}`),
    );
    expect(shown.text).toContain('Correlation of returns');
    expect(shown.overflow).toBeLessThanOrEqual(0);
    // The browser link form gives the same page.
    const link = await fetch(
      `${base}/api/compare/report?codes=${body.codes.join(',')}&benchmark=IDX300&rank_by=sharpe`,
    );
    expect(link.status).toBe(200);
    expect((await link.text()).length).toBeGreaterThan(50_000);
  });

  it('names from an imported file are text, never markup', async () => {
    const csv = [
      '产品代码,产品名称,日期,单位净值',
      ...Array.from(
        { length: 30 },
        (_, i) =>
          `XSS001,<img src=x onerror=alert(1)><script>alert(2)</script>,2024-01-${String(i + 1).padStart(2, '0')},${(1 + 0.01 * Math.sin(i)).toFixed(4)}`,
      ),
    ].join('\n');
    expect((await upload(base, Buffer.from(csv), 'x.csv')).status).toBe(201);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${base}/api/products/XSS001/report`);
    const shown = await layout(page);
    expect(shown.scripts).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(shown.text).toContain('<img src=x onerror=alert(1)><script>alert(2)</script>');
    expect(dialogs).toEqual([]);
  });

  it('bad requests get the REST error shape', async () => {
    const missing = await fetch(`${base}/api/products/NOPE/report`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404, message: 'no product NOPE' });
    const bad = await fetch(`${base}/api/compare/report?codes=QD0001`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'INVALID_REQUEST',
      details: [{ field: 'codes', problems: ['codes must contain at least 2 elements'] }],
    });
  });
});
