import { join } from 'node:path';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import {
  AppProcess,
  freePort,
  gatewayProcess,
  launchChromium,
  realtimeProcess,
  TestDatabase,
  tradeServerProcess,
  waitFor,
} from '@qautlra/testing';
import { startWebApp } from './support/web-app';

const ROOT = join(__dirname, '../../..');
const DOCS = join(ROOT, 'docs/images');
const USER = 'mnweb';
const TOKEN = 'web-monitor-token';

/**
 * The Monitor view against the real apps (gateway, trade server, realtime monitor) through the
 * web server's `/rt` proxy: sign in, buy, see the account's balance, risk and positions move with
 * the market, and a factor chart drawn.
 */
describe('web: risk monitor view', () => {
  jest.setTimeout(120_000);
  let database: TestDatabase;
  const apps: AppProcess[] = [];
  let web: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;
  let instrument: string;
  let tradePort: number;
  let tsdb: Server;

  beforeAll(async () => {
    // A double of the tsdb's bars (the factor room's warm-up): 30 one-minute bars before now.
    tsdb = createServer((request, response) => {
      const now = Math.floor(Date.now() / 60_000) * 60_000;
      const rows = Array.from({ length: 30 }, (_, i) => ({
        datetime: new Date(now - (30 - i) * 60_000).toISOString(),
        trading_day: new Date(now).toISOString().slice(0, 10),
        open: 3300 + (i % 7),
        high: 3310 + (i % 7),
        low: 3290 + (i % 7),
        close: 3300 + ((i * 5) % 11),
        volume: 100,
      }));
      response.setHeader('content-type', 'application/json');
      response.end(request.url?.startsWith('/api/v1/bars') ? JSON.stringify(rows) : '[]');
    });
    await new Promise<void>((resolve) => tsdb.listen(0, '127.0.0.1', resolve));
    const [mdPort, realtimePort] = [await freePort(), await freePort()];
    tradePort = await freePort();
    database = await TestDatabase.create('web_monitor');
    const gateway = gatewayProcess(mdPort, {
      type: 'sim',
      ticks_per_second: 8,
      seed: 7,
      always_open: true,
    });
    apps.push(gateway);
    await gateway.start();
    instrument = (
      (await (await fetch(`http://127.0.0.1:${mdPort}/api/instruments`)).json()) as {
        id: string;
        product: string;
      }[]
    ).find((item) => item.product === 'RB')!.id;
    const trade = tradeServerProcess({
      port: tradePort,
      marketPort: mdPort,
      databaseUrl: database.url,
      user: USER,
      password: 'pw',
      env: { TRADE_MONITOR_TOKEN: TOKEN },
    });
    apps.push(trade);
    await trade.start();
    const realtime = realtimeProcess({
      port: realtimePort,
      tradePort,
      marketPort: mdPort,
      token: TOKEN,
      dataDir: mkdtempSync(join(tmpdir(), 'qautlra-webmn-')),
      env: {
        REALTIME_TSDB_URL: `http://127.0.0.1:${(tsdb.address() as AddressInfo).port}`,
        DATABASE_URL: database.url,
      },
    });
    apps.push(realtime);
    await realtime.start();
    ({ web, base } = await startWebApp({
      marketUrl: `http://127.0.0.1:${mdPort}`,
      tradeUrl: `http://127.0.0.1:${tradePort}`,
      realtimeUrl: `http://127.0.0.1:${realtimePort}`,
      demoUser: USER,
      demoPassword: 'pw',
    }));
    browser = await launchChromium();
    page = await (
      await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US' })
    ).newPage();
    page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await Promise.all(apps.map((app) => app.kill('SIGTERM')));
    await database?.drop();
    tsdb?.close();
  });

  it('shows the account live with its positions, and draws a factor chart', async () => {
    // A position to watch: a buy at the limit-up price fills at the ask.
    const login = (await (
      await fetch(`http://127.0.0.1:${tradePort}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_name: USER, password: 'pw' }),
      })
    ).json()) as { token: string };
    const quote = (await (await fetch(`${base}/md/api/quotes/${instrument}`)).json()) as {
      upper_limit: number;
    };
    const [exchange, code] = instrument.split('.');
    const order = await fetch(`http://127.0.0.1:${tradePort}/api/accounts/${USER}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        exchange_id: exchange,
        instrument_id: code,
        direction: 'BUY',
        offset: 'OPEN',
        volume: 2,
        price_type: 'LIMIT',
        limit_price: quote.upper_limit,
      }),
    });
    expect(order.status).toBe(201);

    await page.goto(`${base}/#monitor`);
    await page.locator('input[name=password]').fill('pw');
    await page.locator('button[type=submit]').click();
    await page.getByTestId('monitor').waitFor();
    const card = page.getByTestId(`mn-card-${USER}`);
    await waitFor(async () => /\d/.test(await card.getByTestId('mn-balance').innerText()), {
      what: 'the balance on the account card',
    });
    await waitFor(async () => (await card.getByTestId('mn-risk').innerText()).includes('%'), {
      what: 'the risk ratio',
    });
    const positions = page.getByTestId('mn-positions');
    await waitFor(async () => (await positions.innerText()).includes(instrument), {
      what: 'the position in the table',
    });
    // The last price follows the market.
    const first = await positions.getByTestId('mn-last').first().innerText();
    await waitFor(
      async () => (await positions.getByTestId('mn-last').first().innerText()) !== first,
      { what: 'the position re-marked', timeoutMs: 30_000 },
    );
    await waitFor(
      async () => (await page.getByTestId(`mn-spark-${USER}`).locator('path').count()) === 1,
      {
        what: 'the balance sparkline',
      },
    );
    await page.locator('.mn-factor-form input').first().fill(instrument);
    await page.locator('.mn-factor-form input').nth(1).fill('MA(3)');
    await page.locator('.mn-factor-form button').click();
    await waitFor(
      async () =>
        (await page.getByTestId('mn-factor-room').innerText()).includes(
          `FACTOR:${instrument}:1m:MA(3)`,
        ),
      { what: 'the factor room joined' },
    );
    const line = page.getByTestId('mn-factor').locator('path.mn-value');
    await waitFor(
      async () => {
        if ((await line.count()) === 1 && ((await line.getAttribute('d')) ?? '').length > 20)
          return true;
        throw new Error(await page.getByTestId('mn-factor-room').innerText());
      },
      { what: 'the factor chart drawn (closes and the MA)' },
    );
    mkdirSync(DOCS, { recursive: true });
    writeFileSync(join(DOCS, 'web-monitor.png'), await page.screenshot());
  });

  it('proxies the realtime monitor under /rt, which still asks for the trade server’s login', async () => {
    expect((await fetch(`${base}/rt/api/accounts/${USER}`)).status).toBe(401);
  });
});
