import type { INestApplication } from '@nestjs/common';
import { startTsdb, TestTsdb } from '../../tsdb/test/support/start-tsdb';
import { startWebApp } from './support/web-app';

/** Issue 16 §7 and §13: the tsdb behind the web proxy — only the browser's stream, and its docs. */
describe('web proxy in front of the tsdb', () => {
  let tsdb: TestTsdb;
  let web: INestApplication;
  let base: string;

  beforeAll(async () => {
    tsdb = await startTsdb();
    const tsdbUrl = (await tsdb.app.getUrl()).replace('[::1]', '127.0.0.1');
    const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    for (const stream of ['market_data', 'private_orders'])
      await fetch(`${tsdbUrl}/api/v1/ingest`, {
        method: 'POST',
        headers: { authorization: auth, 'x-p-stream': stream, 'content-type': 'application/json' },
        body: JSON.stringify({
          instrument_id: 'SHFE.rb2601',
          datetime: '2025-03-28T01:30:00Z',
          last_price: 1,
          volume: 1,
        }),
      });
    ({ web, base } = await startWebApp({ tsdbUrl }));
  });
  afterAll(async () => {
    await web?.close();
    await tsdb?.close();
  });

  it('passes the configured market-data stream only; any other stream is 403', async () => {
    const latest = await fetch(`${base}/tsdb/api/v1/latest?stream=market_data`);
    expect(latest.status).toBe(200);
    expect(await latest.json()).toEqual([
      expect.objectContaining({ instrument_id: 'SHFE.rb2601' }),
    ]);
    for (const path of [
      '/tsdb/api/v1/latest?stream=private_orders',
      '/tsdb/api/v1/latest',
      '/tsdb/api/v1/bars?stream=private_orders&instrument=SHFE.rb2601',
      '/tsdb/api/v1/latest?stream=market_data&stream=private_orders',
      '/tsdb/api/v1/query?query=SELECT%201',
    ]) {
      const refused = await fetch(`${base}${path}`);
      expect([path, refused.status]).toEqual([path, 403]);
    }
  });

  it('the tsdb API docs open through the proxy (the web page links them)', async () => {
    const docs = await fetch(`${base}/tsdb/api/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    const json = await fetch(`${base}/tsdb/api/docs-json`);
    expect(json.status).toBe(200);
    expect(((await json.json()) as { info: { title: string } }).info.title).toContain(
      'time-series DB',
    );
    const config = (await (await fetch(`${base}/api/web/config`)).json()) as {
      docs: { tsdb: string };
    };
    expect((await fetch(`${base}${config.docs.tsdb}`)).status).toBe(200);
  });
});
