import { join } from 'node:path';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import {
  AppProcess,
  freePort,
  gatewayProcess,
  launchChromium,
  TestDatabase,
  tradeServerProcess,
  waitFor,
} from '@qautlra/testing';
import { startWebApp } from './support/web-app';

const ROOT = join(__dirname, '../../..');
const DOCS = join(ROOT, 'docs/images');
const USER = 'stweb';
const OTHER = 'stother';

/**
 * The Strategies view against the real apps (gateway, trade server, live runtime) through the web
 * server's `/strategy` gate: sign in, start a strategy live, pause it, read its log; another
 * user sees none of it.
 */
describe('web: live strategies view', () => {
  jest.setTimeout(90_000);
  let database: TestDatabase;
  const apps: AppProcess[] = [];
  let web: INestApplication;
  let base: string;
  let browser: Browser;
  let page: Page;
  let instrument: string;
  let tradePort: number;

  beforeAll(async () => {
    const [mdPort, runtimePort] = [await freePort(), await freePort()];
    tradePort = await freePort();
    database = await TestDatabase.create('web_strategies');
    const gateway = gatewayProcess(mdPort, {
      type: 'sim',
      ticks_per_second: 8,
      seed: 5,
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
    });
    apps.push(trade);
    await trade.start();
    const runtime = new AppProcess(
      'strategy',
      [],
      {
        STRATEGY_ADDR: `127.0.0.1:${runtimePort}`,
        STRATEGY_DATA_DIR: mkdtempSync(join(tmpdir(), 'qautlra-webst-')),
        STRATEGY_DIRS: join(ROOT, 'apps/strategy/test/fixtures'),
        STRATEGY_MARKET_URL: `ws://127.0.0.1:${mdPort}/ws/market`,
        STRATEGY_TRADE_URL: `ws://127.0.0.1:${tradePort}/ws/trade`,
        STRATEGY_TSDB_URL: `http://127.0.0.1:${await freePort()}`,
        STRATEGY_API_TOKEN: 'web-test-token',
      },
      `http://127.0.0.1:${runtimePort}/health`,
    );
    apps.push(runtime);
    await runtime.start();
    ({ web, base } = await startWebApp({
      marketUrl: `http://127.0.0.1:${mdPort}`,
      tradeUrl: `http://127.0.0.1:${tradePort}`,
      strategyUrl: `http://127.0.0.1:${runtimePort}`,
      strategyToken: 'web-test-token',
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
  });

  const login = async (user: string, password: string) => {
    const response = await fetch(`http://127.0.0.1:${tradePort}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: user, password }),
    });
    return ((await response.json()) as { token: string }).token;
  };

  it('keeps /strategy behind the trade server’s login', async () => {
    expect((await fetch(`${base}/strategy/api/instances`)).status).toBe(401);
    const bogus = await fetch(`${base}/strategy/api/instances`, {
      headers: { authorization: 'Bearer a.b.c' },
    });
    expect(bogus.status).toBe(401);
    const token = await login(USER, 'pw');
    const mine = await fetch(`${base}/strategy/api/instances`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(mine.status).toBe(200);
    // Not someone else's account.
    const foreign = await fetch(`${base}/strategy/api/instances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        strategy: 'tick-flipper',
        account: OTHER,
        password: 'x',
        instruments: [instrument],
      }),
    });
    expect(foreign.status).toBe(403);
  });

  it('starts a strategy live from the page, pauses it and shows its log', async () => {
    await page.goto(base);
    await page.locator('input[name=password]').fill('pw');
    await page.locator('button[type=submit]').click();
    await page.locator('.watch').waitFor();
    await page.locator('a[href="#strategies"]').click();
    await page.getByTestId('strategies').waitFor();
    await waitFor(
      async () => {
        const problem = await page.locator('.st-form .bt-error').allInnerTexts();
        if (problem.length > 0) throw new Error(problem.join(' '));
        return (await page.getByTestId('st-strategy').locator('option').count()) > 0;
      },
      { what: 'the strategies listed' },
    );
    await page.getByTestId('st-strategy').selectOption('tick-flipper');
    await page
      .locator('.st-form label', { hasText: 'Instruments' })
      .locator('input')
      .fill(instrument);
    await page
      .locator('.st-form label', { hasText: 'Bars' })
      .locator('select')
      .selectOption('tick');
    await page.getByTestId('st-create').click();
    const row = page.getByTestId('st-instances').locator('tr').first();
    await waitFor(async () => (await row.innerText()).includes('running'), {
      what: 'running in the list',
    });
    await waitFor(async () => Number((await row.locator('td').nth(4).innerText()).trim()) > 0, {
      what: 'fills shown',
      timeoutMs: 30_000,
    });
    await page.getByTestId('st-detail').waitFor();
    await waitFor(async () => (await page.getByTestId('st-logs').innerText()).includes('started'), {
      what: 'its log',
    });
    mkdirSync(DOCS, { recursive: true });
    writeFileSync(join(DOCS, 'web-strategies.png'), await page.screenshot());
    await row.getByRole('button', { name: 'Pause' }).click();
    await waitFor(async () => (await row.innerText()).includes('paused'), { what: 'paused' });
    await row.getByRole('button', { name: 'Stop & flatten' }).click();
    await waitFor(async () => (await row.innerText()).includes('stopped'), {
      what: 'stopped',
      timeoutMs: 30_000,
    });
    // Another user of the trade server sees none of it.
    const admin = await login(USER, 'pw');
    const rest = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${tradePort}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await rest('/api/admin/users', { user_name: OTHER, password: 'pw2' })).ok).toBe(true);
    const other = await login(OTHER, 'pw2');
    const theirs = (await (
      await fetch(`${base}/strategy/api/instances`, {
        headers: { authorization: `Bearer ${other}` },
      })
    ).json()) as unknown[];
    expect(theirs).toEqual([]);
    const mine = (await (
      await fetch(`${base}/strategy/api/instances`, {
        headers: { authorization: `Bearer ${admin}` },
      })
    ).json()) as { id: string }[];
    expect(mine).toHaveLength(1);
    const peek = await fetch(`${base}/strategy/api/instances/${mine[0]!.id}/logs`, {
      headers: { authorization: `Bearer ${other}` },
    });
    expect(peek.status).toBe(404);
  });
});
