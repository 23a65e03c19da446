import request from 'supertest';
import { startTsdb, TestTsdb } from './support/start-tsdb';

/** Issue 16 §1, §8: no request can stop a later start; empty bodies are refused. */
describe('tsdb: requests that must not brick the store', () => {
  let tsdb: TestTsdb;
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const http = () => request(tsdb.app.getHttpServer());
  const tick = { instrument_id: 'SHFE.au2512', datetime: '2025-03-28T01:30:00Z', last_price: 600 };

  beforeAll(async () => {
    tsdb = await startTsdb();
  });
  afterAll(() => tsdb.close());

  it.each(['_qadb_streams', '_qadb_fields', 'duckdb_tables', 'information_schema', 'main'])(
    'X-P-Stream: %s → 400 naming the rule, nothing registered',
    async (stream) => {
      const refused = await http()
        .post('/api/v1/ingest')
        .set('Authorization', auth)
        .set('X-P-Stream', stream)
        .send(tick)
        .expect(400);
      expect(refused.body).toMatchObject({ statusCode: 400, code: 'TSDB_INVALID_STREAM' });
      expect(refused.body.message).toContain('letters, digits');
      const list = await http().get('/api/v1/logstream').set('Authorization', auth).expect(200);
      expect(list.body).not.toContainEqual({ name: stream });
    },
  );

  it('a stream named like a staged table works, and the store starts again after it', async () => {
    await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'market_data')
      .send(tick)
      .expect(200, { ingested: 1 });
    await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'stage_market_data')
      .send([tick, tick])
      .expect(200, { ingested: 2 });
    await tsdb.stop();
    tsdb = await startTsdb({}, tsdb.root);
    const status = await http().get('/api/v1/status').set('Authorization', auth).expect(200);
    expect(status.body).toMatchObject({
      streams: ['market_data', 'stage_market_data'],
      failed_streams: [],
    });
    const rows = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .send({
        query:
          'SELECT (SELECT count(*) FROM market_data) AS a, (SELECT count(*) FROM stage_market_data) AS b',
      })
      .expect(200);
    expect(rows.body).toEqual([{ a: 1, b: 2 }]);
    await http()
      .get('/health')
      .expect(200, /"status":"ok"/);
  });

  it.each([
    ['an empty array', []],
    ['an empty object', {}],
  ])('%s is a 400, not {"ingested":1}', async (_label, body) => {
    const refused = await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'empty_bodies')
      .send(body)
      .expect(400);
    expect(refused.body).toMatchObject({ code: 'TSDB_INVALID_EVENT' });
    const list = await http().get('/api/v1/logstream').set('Authorization', auth).expect(200);
    expect(list.body).not.toContainEqual({ name: 'empty_bodies' });
  });

  it('a 20,000-field event and a 100,000-deep one get a 400 naming the limit', async () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`f${i}`, i]));
    const tooWide = await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'wide')
      .send(wide)
      .expect(400);
    expect(tooWide.body.message).toContain('more than 1000 fields');
    const deep = `{"v":${'{"v":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    const tooDeep = await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'deep')
      .set('Content-Type', 'application/json')
      .send(deep)
      .expect(400);
    expect(tooDeep.body).toMatchObject({ statusCode: 400 });
    expect(tooDeep.body.message).toMatch(/deeper than 32 levels|nest/);
    const list = await http().get('/api/v1/logstream').set('Authorization', auth).expect(200);
    expect(list.body).not.toContainEqual({ name: 'wide' });
    expect(list.body).not.toContainEqual({ name: 'deep' });
  });

  it('GET / says what the app is and links its docs (was 404)', async () => {
    const home = await http().get('/').expect(200);
    expect(home.text).toContain('time-series DB');
    expect(home.text).toContain('href="/api/docs"');
    const json = await http().get('/').set('Accept', 'application/json').expect(200);
    expect(json.body.links).toMatchObject({ 'API docs (Swagger UI)': '/api/docs' });
  });
});
