import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AppProcess, freePort, launchChromium, TestDatabase, waitFor } from '@qautlra/testing';
import { startWebApp } from './support/web-app';

const ROOT = join(__dirname, '../../..');
/** Screenshots for docs/web.md (committed) and the test's own artefacts. */
const DOCS = join(ROOT, 'docs/images');
const ARTEFACTS = join(ROOT, 'test-output/web');
const USER = 'webdemo';

/**
 * The browser app against the real apps: the market-data gateway (sim source), the tsdb recording
 * it, the trade server on PostgreSQL (built apps in child processes, so the gateway can be killed)
 * and apps/web in this process; Debian's Chromium driven by playwright-core, in Chinese.
 */
describe('web front end in headless Chromium against the real apps', () => {
  jest.setTimeout(60_000);

  let database: TestDatabase;
  let gateway: AppProcess;
  let tsdb: AppProcess;
  let trade: AppProcess;
  let web: INestApplication;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let instrument: string;

  beforeAll(async () => {
    const [mdPort, tradePort, tsdbPort] = [await freePort(), await freePort(), await freePort()];
    database = await TestDatabase.create('web');
    gateway = new AppProcess(
      'md-gateway',
      [],
      {
        QAMDGATEWAY_CONFIG: JSON.stringify({
          websocket: { host: '127.0.0.1', port: mdPort, path: '/ws/market' },
          rest_api: { host: '127.0.0.1', port: mdPort },
          sources: [{ type: 'sim', ticks_per_second: 4, seed: 7, always_open: true }],
        }),
      },
      `http://127.0.0.1:${mdPort}/health`,
    );
    await gateway.start();
    const universe = (await (await fetch(`http://127.0.0.1:${mdPort}/api/instruments`)).json()) as {
      id: string;
      exchange: string;
    }[];
    instrument = universe.find((i) => i.exchange === 'SHFE')!.id;
    const data = mkdtempSync(join(tmpdir(), 'qautlra-web-'));
    tsdb = new AppProcess(
      'tsdb',
      [],
      {
        P_ADDR: `127.0.0.1:${tsdbPort}`,
        P_DATA_DIR: join(data, 'tsdb'),
        P_STAGING_DIR: join(data, 'staging'),
        QADB_WS_CLIENT_ENABLED: 'true',
        QADB_WS_CLIENT_PORT: String(mdPort),
        QADB_WS_CLIENT_INSTRUMENTS: instrument,
      },
      `http://127.0.0.1:${tsdbPort}/health`,
    );
    trade = new AppProcess(
      'trade-server',
      [],
      {
        TRADE_SERVER_ADDR: `127.0.0.1:${tradePort}`,
        DATABASE_URL: database.url,
        TRADE_MARKET_URL: `ws://127.0.0.1:${mdPort}/ws/market`,
        TRADE_DEMO: 'true',
        TRADE_DEMO_USER: USER,
        TRADE_DEMO_PASSWORD: 'pw',
        TRADE_SIM_ALWAYS_OPEN: 'true',
      },
      `http://127.0.0.1:${tradePort}/health`,
    );
    await Promise.all([tsdb.start(), trade.start()]);
    ({ web, base } = await startWebApp({
      marketUrl: `http://127.0.0.1:${mdPort}`,
      tradeUrl: `http://127.0.0.1:${tradePort}`,
      tsdbUrl: `http://127.0.0.1:${tsdbPort}`,
      demoUser: USER,
      demoPassword: 'pw',
    }));
    mkdirSync(DOCS, { recursive: true });
    mkdirSync(ARTEFACTS, { recursive: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await context.newPage();
    // Fail with Playwright's message before Jest's own timeout.
    page.setDefaultTimeout(15_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await Promise.all([gateway?.kill('SIGTERM'), tsdb?.kill('SIGTERM'), trade?.kill('SIGTERM')]);
    await database?.drop();
  });

  const shot = async (name: string, docs = false) => {
    const image = await page.screenshot();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(ARTEFACTS, `${name}.png`), image);
    if (docs) writeFileSync(join(DOCS, `web-${name}.png`), image);
  };
  const lastCell = () =>
    page.locator(`.watch tr[data-instrument="${instrument}"] td[data-field="last_price"]`);
  const status = (which: 'market' | 'trade') => page.getByTestId(`status-${which}`);

  it('serves the app and proxies the APIs under one origin; only the tsdb’s market-data reads are open', async () => {
    const config = (await (await fetch(`${base}/api/web/config`)).json()) as { demo: unknown };
    expect(config.demo).toEqual({ user: USER, password: 'pw' });
    expect((await fetch(`${base}/md/api/instruments`)).status).toBe(200);
    expect((await fetch(`${base}/trade/health`)).status).toBe(200);
    const write = await fetch(`${base}/tsdb/api/v1/flush`, { method: 'POST' });
    expect(write.status).toBe(405);
    // Only bars and latest: the tsdb's SQL is not open to the browser (it runs with the server's credentials).
    expect((await fetch(`${base}/tsdb/api/v1/query?query=SELECT%201`)).status).toBe(403);
    expect((await fetch(`${base}/tsdb/api/v1/latest?stream=market_data`)).status).toBe(200);
    const down = await fetch(`${base}/fund/api/products`);
    expect(down.status).toBe(502);
    expect(((await down.json()) as { message: string }).message).toContain('fund');
    const html = await (await fetch(`${base}/some/client/route`)).text();
    expect(html).toContain('<div id="root">');
  });

  it('logs in with the demo account shown on the login page and sees quotes update', async () => {
    await page.goto(base);
    await page.locator('.demo-hint').waitFor();
    expect(await page.locator('.demo-hint').innerText()).toContain(USER);
    await shot('login', true);
    await page.locator('input[name=password]').fill('wrong');
    await page.locator('button[type=submit]').click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('用户登录失败');
    await page.locator('input[name=password]').fill('pw');
    await page.locator('button[type=submit]').click();
    await page.locator('.watch').waitFor();
    await waitFor(async () => (await status('trade').getAttribute('data-state')) === 'ready', {
      what: 'trade connected',
    });
    await waitFor(
      async () => {
        // A pill that never turns says why in the timeout (it once stayed off in a full run).
        const state = await status('market').getAttribute('data-state');
        if (state !== 'connected')
          throw new Error(`the market pill shows ${state}: ${await status('market').innerText()}`);
        return true;
      },
      { what: 'market connected' },
    );
    // The default watch list holds the universe's first futures; put ours in front for the test.
    if ((await page.locator(`.watch tr[data-instrument="${instrument}"]`).count()) === 0) {
      await page.getByPlaceholder(/添加合约/).fill(instrument);
      await page.getByPlaceholder(/添加合约/).press('Enter');
    }
    await page.locator(`.watch tr[data-instrument="${instrument}"]`).click();
    const first = await lastCell().innerText();
    await waitFor(
      async () =>
        (await lastCell().innerText()) !== first && (await lastCell().innerText()) !== '–',
      {
        what: 'the last price to change',
        timeoutMs: 20_000,
      },
    );
  });

  it('opens a candle chart with bars from the tsdb, joined with live ticks', async () => {
    // Wait until the tsdb has recorded bars of the instrument (through the web server's proxy).
    let recorded = 0;
    await waitFor(
      async () => {
        const response = await fetch(
          `${base}/tsdb/api/v1/bars?stream=market_data&instrument=${instrument}&period=1m`,
        );
        const rows = response.ok ? ((await response.json()) as unknown[]) : [];
        recorded = Array.isArray(rows) ? rows.length : 0;
        return recorded > 0;
      },
      { what: 'tsdb bars', timeoutMs: 30_000 },
    );
    await page.getByRole('tab', { name: '5m', exact: true }).click();
    await page.getByRole('tab', { name: '1m', exact: true }).click();
    await waitFor(
      async () =>
        Number(await page.getByTestId('bar-count').getAttribute('data-count')) >= recorded,
      {
        what: 'the chart to hold the recorded bars',
      },
    );
    // lightweight-charts draws on canvases: the candle pane has a drawn canvas of real size.
    const box = await page.getByTestId('candle-chart').locator('canvas').first().boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(100);
  });

  it('places a marketable order: filled in orders, trades and positions; the account changes', async () => {
    const available = async () =>
      (await page.getByTestId('account-可用资金').locator('dd').innerText()).replace(/,/g, '');
    const before = Number(await available());
    expect(before).toBe(1_000_000);
    await page.getByTestId('ticket-buy').click();
    await page.getByTestId('ticket-open').click();
    // The ticket starts at the ask: a buy there crosses the book.
    await page.getByTestId('ticket-submit').click();
    await page.getByTestId('tab-orders').click();
    await waitFor(
      async () =>
        (await page.locator('[data-testid=orders] tr[data-status=FINISHED]').count()) === 1,
      {
        what: 'the order filled',
      },
    );
    await page.getByTestId('tab-trades').click();
    await waitFor(async () => (await page.locator('[data-testid=trades] tbody tr').count()) === 1, {
      what: 'a trade row',
    });
    await page.getByTestId('tab-positions').click();
    const row = page.locator(`[data-testid=positions] tr[data-instrument="${instrument}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(1).innerText()).toBe('1');
    await waitFor(async () => Number(await available()) < before, {
      what: 'available funds to drop (margin)',
    });
    // Float PnL follows the market.
    const pnl = row.locator('td[data-field=float_profit]');
    const seen = new Set<string>();
    await waitFor(
      async () => {
        seen.add(await pnl.innerText());
        return seen.size >= 2;
      },
      { what: 'float PnL to move with the market', timeoutMs: 30_000 },
    );
    await shot('trading', true);
  });

  it('cancels a resting order and shows a risk refusal in plain words', async () => {
    await page.getByTestId('ticket-buy').click();
    const priceInput = page.locator('input[name=price]');
    const ask = Number(await priceInput.inputValue());
    const lower = (await page.locator('.book .limits').innerText()).match(/跌停\s*([\d.]+)/);
    const resting = Math.max(Number(lower?.[1] ?? 0), ask * 0.97);
    await priceInput.fill(resting.toFixed(2));
    await priceInput.blur();
    await page.getByTestId('ticket-submit').click();
    await page.getByTestId('tab-orders').click();
    const alive = page.locator('[data-testid=orders] tr[data-status=ALIVE]');
    // Says what the orders table and the notices show when the order does not rest (once in a full run).
    await waitFor(
      async () => {
        if ((await alive.count()) > 0) return true;
        throw new Error(
          `no resting order at ${resting.toFixed(2)} (ask ${ask}); orders: ${await page.getByTestId('orders').innerText()}; notices: ${(await page.locator('[role=alert], .notice').allInnerTexts()).join(' | ')}`,
        );
      },
      { what: 'the resting order', timeoutMs: 15_000 },
    );
    await alive.getByRole('button', { name: '撤单' }).click();
    await waitFor(async () => (await alive.count()) === 0, { what: 'the order cancelled' });
    expect(await page.locator('[data-testid=orders] tr[data-status=FINISHED]').count()).toBe(2);
    // 5,000 lots are far above the trade server's per-order notional limit (10 million).
    await page.locator('input[name=volume]').fill('5000');
    await page.getByTestId('ticket-submit').click();
    const notice = page.locator('.notice.warning');
    await notice.waitFor();
    const text = await notice.innerText();
    // The rule is told in plain words (not its code), with the server's detail after it.
    expect(text).toContain('下单失败: 超过单笔委托金额上限。');
    expect(text).not.toContain('ORDER_NOTIONAL');
    await shot('risk-refusal', true);
    await page.locator('input[name=volume]').fill('1');
  });

  it('closes the position in one click from the positions table', async () => {
    await page.getByTestId('tab-positions').click();
    const row = page.locator(`[data-testid=positions] tr[data-instrument="${instrument}"]`);
    await row.getByTestId('close-position').click();
    // Today's lot on SHFE: sell, close today, 1 lot, at the bid.
    expect(await page.getByTestId('ticket-submit').innerText()).toMatch(/卖出 平今 1 @/);
    await page.getByTestId('ticket-submit').click();
    await waitFor(async () => (await row.count()) === 0, { what: 'the position closed' });
  });

  it('keeps working when the gateway restarts: shows the state, reconnects, resubscribes', async () => {
    await gateway.kill('SIGKILL');
    await waitFor(
      async () => (await status('market').getAttribute('data-state')) === 'reconnecting',
      {
        what: 'the market pill to show reconnecting',
      },
    );
    await shot('gateway-down');
    await gateway.start();
    await waitFor(async () => (await status('market').getAttribute('data-state')) === 'connected', {
      what: 'reconnected',
      timeoutMs: 30_000,
    });
    const after = await lastCell().innerText();
    await waitFor(async () => (await lastCell().innerText()) !== after, {
      what: 'quotes flowing again after resubscribing',
      timeoutMs: 20_000,
    });
    expect(await status('trade').getAttribute('data-state')).toBe('ready');
  });

  it('re-logs in by itself when the trade server restarts; the account comes back from its store', async () => {
    await page.getByTestId('tab-orders').click();
    const orders = await page.locator('[data-testid=orders] tbody tr').count();
    expect(orders).toBeGreaterThan(0);
    await trade.kill('SIGKILL');
    await waitFor(
      async () => (await status('trade').getAttribute('data-state')) === 'reconnecting',
      {
        what: 'the trade pill to show reconnecting',
      },
    );
    await trade.start();
    await waitFor(async () => (await status('trade').getAttribute('data-state')) === 'ready', {
      what: 'signed in again',
      timeoutMs: 30_000,
    });
    await waitFor(
      async () => (await page.locator('[data-testid=orders] tbody tr').count()) === orders,
      {
        what: 'the orders restored',
      },
    );
  });

  it('the ticket takes any instrument of the universe; the view follows it', async () => {
    const universe = (await (await fetch(`${base}/md/api/instruments`)).json()) as { id: string }[];
    const other = universe.find((i) => i.id !== instrument && i.id.startsWith('DCE.'))!.id;
    const field = page.locator('input[name=instrument]');
    await field.fill(other);
    await field.press('Enter');
    await page.locator('.view .card-head h2', { hasText: other }).waitFor();
    // It is subscribed while shown: its book fills in.
    await waitFor(async () => /\d/.test(await page.getByTestId('book-last').innerText()), {
      what: `a quote of ${other}`,
    });
    await page.locator(`.watch tr[data-instrument="${instrument}"]`).click();
  });

  it('light theme, English labels, and a phone-width layout', async () => {
    await page.getByRole('button', { name: 'language' }).click();
    await page
      .getByRole('button', { name: '主题' })
      .or(page.getByRole('button', { name: 'Theme' }))
      .click();
    expect(await page.evaluate<string | undefined>('document.documentElement.dataset.theme')).toBe(
      'light',
    );
    expect(await page.getByTestId('tab-positions').innerText()).toContain('Positions');
    await shot('light-en', true);
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(DOCS, 'web-phone.png'), fullPage: false });
  });
});
