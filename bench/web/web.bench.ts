/**
 * `npm run bench:web` — the browser app's production build size and first load in Debian's
 * Chromium (Navigation and Paint Timing, Lighthouse-style): BENCH_RUNS (10) cold loads of the login
 * page, each in a fresh browser context (empty cache), from apps/web on loopback.
 *
 * Baseline in the same run: the Swagger UI page the same server serves at /api/docs (a widely used
 * single-page app, loaded the same way), so the ratio places the app against a familiar page on the
 * same machine at the same moment. The APIs behind the proxies are not started (the login page only
 * needs /api/web/config to render).
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { freePort, launchChromium } from '@qautlra/testing';
import { loadWebConfig } from '../../apps/web/src/config';
import { bootstrap } from '../../apps/web/src/main';
import { percentile } from '../support';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const CLIENT = join(__dirname, '../../apps/web/client');

interface Timing {
  fcp: number;
  domContentLoaded: number;
  load: number;
  transferred: number;
}

const TIMING_SCRIPT = `(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    fcp: fcp ? fcp.startTime : NaN,
    domContentLoaded: nav.domContentLoadedEventEnd,
    load: nav.loadEventEnd,
    transferred: nav.transferSize + resources.reduce((total, r) => total + (r.transferSize || 0), 0),
  };
})()`;

function buildSizes() {
  const assets = join(CLIENT, 'assets');
  const files = readdirSync(assets).filter((name) => !name.endsWith('.map'));
  return files.map((name) => {
    const data = readFileSync(join(assets, name));
    return { name, bytes: statSync(join(assets, name)).size, gzip: gzipSync(data).length };
  });
}

async function main(): Promise<void> {
  const port = await freePort();
  const web = await bootstrap({
    ...loadWebConfig({}),
    host: '127.0.0.1',
    port,
    marketUrl: 'http://127.0.0.1:9',
    tradeUrl: 'http://127.0.0.1:9',
    tsdbUrl: 'http://127.0.0.1:9',
    fundUrl: 'http://127.0.0.1:9',
    demoUser: 'demo',
    demoPassword: 'demo',
    clientDir: CLIENT,
    logLevel: 'error',
  });
  const browser = await launchChromium();
  const measure = async (path: string, ready: string): Promise<Timing[]> => {
    const out: Timing[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}${path}`, { waitUntil: 'load' });
      await page.locator(ready).first().waitFor();
      // Paint entries land after the frame: read them on the next one.
      await page.waitForTimeout(50);
      out.push(await page.evaluate<Timing>(TIMING_SCRIPT));
      await context.close();
    }
    return out;
  };
  await measure('/', 'form.login-card'); // warm the server and Chromium's own start-up
  const baseline = await measure('/api/docs', '.swagger-ui .info');
  const app = await measure('/', 'form.login-card');
  await browser.close();
  await web.close();

  const sizes = buildSizes();
  const total = sizes.reduce((sum, file) => sum + file.bytes, 0);
  const totalGzip = sizes.reduce((sum, file) => sum + file.gzip, 0);
  console.log(`bench:web — production build (${join('dist/apps/web/client/assets')})`);
  console.log('| file | bytes | gzip |');
  console.log('|---|---|---|');
  for (const file of sizes)
    console.log(
      `| ${file.name} | ${file.bytes.toLocaleString()} | ${file.gzip.toLocaleString()} |`,
    );
  console.log(`| total | ${total.toLocaleString()} | ${totalGzip.toLocaleString()} |`);
  const p = (values: number[], q: number) =>
    percentile(
      [...values].sort((a, b) => a - b),
      q,
    );
  const row = (name: string, timings: Timing[]) =>
    console.log(
      `| ${name} | ${p(
        timings.map((t) => t.fcp),
        50,
      ).toFixed(0)} ms | ${p(
        timings.map((t) => t.domContentLoaded),
        50,
      ).toFixed(0)} ms | ${p(
        timings.map((t) => t.load),
        50,
      ).toFixed(0)} ms | ${p(
        timings.map((t) => t.load),
        90,
      ).toFixed(0)} ms | ${Math.round(
        p(
          timings.map((t) => t.transferred),
          50,
        ) / 1024,
      )} KiB |`,
    );
  console.log(
    `\nfirst load, ${RUNS} cold loads each (fresh context, empty cache), loopback, Chromium headless`,
  );
  console.log('| page | FCP p50 | DOMContentLoaded p50 | load p50 | load p90 | transferred |');
  console.log('|---|---|---|---|---|---|');
  row('Swagger UI at /api/docs (same-run baseline)', baseline);
  row('the app: login page ready', app);
  const ratio =
    p(
      app.map((t) => t.fcp),
      50,
    ) /
    p(
      baseline.map((t) => t.fcp),
      50,
    );
  console.log(`FCP ratio app / baseline: ${ratio.toFixed(2)}×`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
