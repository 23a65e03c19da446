import { INestApplication } from '@nestjs/common';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { binaryBody, startTsdb, TestTsdb } from './support/start-tsdb';

describe('tsdb HTTP API (Parseable-compatible)', () => {
  let app: INestApplication;
  let root: string;
  const auth = `Basic ${Buffer.from('qa:secret').toString('base64')}`;
  const http = () => request(app.getHttpServer());

  let tsdb: TestTsdb;
  beforeAll(async () => {
    tsdb = await startTsdb({ P_USERNAME: 'qa', P_PASSWORD: 'secret', P_EXECUTION_BATCH_SIZE: '1' });
    app = tsdb.app;
    root = tsdb.root;
  });
  afterAll(() => tsdb.close());

  it('enforces basic auth', async () => {
    const denied = await http().get('/api/v1/logstream').expect(401);
    expect(denied.headers['www-authenticate']).toBe('Basic realm="qadb"');
    expect(denied.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    await http()
      .get('/api/v1/logstream')
      .set('Authorization', `Basic ${Buffer.from('qa:wrong').toString('base64')}`)
      .expect(401);
    await http().get('/health').expect(200);
  });

  it('create, ingest (object and array), schema evolution, conflict → 400 with nothing written, query', async () => {
    await http()
      .put('/api/v1/logstream/ticks')
      .set('Authorization', auth)
      .set('X-P-Partition-By', 'instrument_id')
      .expect(200, { name: 'ticks', partition_by: 'instrument_id' });
    await http().put('/api/v1/logstream/ticks').set('Authorization', auth).expect(400);
    await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'ticks')
      .send({ instrument_id: 'SHFE.au2512', datetime: '2025-03-28T01:30:00Z', last_price: 600 })
      .expect(200, { ingested: 1 });
    await http()
      .post('/api/v1/logstream/ticks')
      .set('Authorization', auth)
      .send([
        {
          instrument_id: 'SHFE.au2512',
          datetime: '2025-03-28T01:30:01Z',
          last_price: 601,
          volume: 3,
        },
        {
          instrument_id: 'SHFE.rb2510',
          datetime: '2025-03-28T01:30:01Z',
          last_price: 3300,
          volume: 5,
        },
      ])
      .expect(200, { ingested: 2 });
    const schema = await http().get('/api/v1/logstream/ticks/schema').set('Authorization', auth);
    expect(
      schema.body.fields.map(
        (f: { name: string; data_type: string }) => `${f.name}:${f.data_type}`,
      ),
    ).toEqual([
      'p_timestamp:Timestamp(Millisecond, None)',
      'p_date:Utf8',
      'instrument_id:Utf8',
      'datetime:Timestamp(Microsecond, None)',
      'last_price:Float64',
      'volume:Float64',
    ]);
    const conflict = await http()
      .post('/api/v1/logstream/ticks')
      .set('Authorization', auth)
      .send([{ instrument_id: 'SHFE.au2512', last_price: 602 }, { last_price: 'high' }])
      .expect(400);
    expect(conflict.body).toMatchObject({ code: 'TSDB_SCHEMA_CONFLICT', field: 'last_price' });
    expect(conflict.body.message).toContain('last_price');
    // datetime was inferred TIMESTAMP (RFC 3339 with a zone): text that is not one is a conflict.
    const notTime = await http()
      .post('/api/v1/logstream/ticks')
      .set('Authorization', auth)
      .send([{ instrument_id: 'SHFE.au2512', datetime: '2025-03-28 09:30:00', last_price: 603 }])
      .expect(400);
    expect(notTime.body).toMatchObject({ code: 'TSDB_SCHEMA_CONFLICT', field: 'datetime' });

    const rows = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .send({
        query: 'SELECT instrument_id, last_price FROM ticks ORDER BY datetime, instrument_id',
        startTime: '1h-ago',
        endTime: 'now',
      })
      .expect(200);
    expect(rows.body).toEqual([
      { instrument_id: 'SHFE.au2512', last_price: 600 },
      { instrument_id: 'SHFE.au2512', last_price: 601 },
      { instrument_id: 'SHFE.rb2510', last_price: 3300 },
    ]);
    const old = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .send({
        query: 'SELECT count(*)::INTEGER AS n FROM ticks',
        startTime: '2020-01-01T00:00:00Z',
        endTime: '2020-01-02T00:00:00Z',
      })
      .expect(200);
    expect(old.body).toEqual([{ n: 0 }]);

    // The original README's form, after a flush to Parquet (staged + stored rows look the same).
    await http().post('/api/v1/flush').set('Authorization', auth).expect(200, { flushed: 3 });
    const readme = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .send({
        stream: 'ticks',
        start_time: '1h-ago',
        end_time: 'now',
        limit: 10,
        filter: "instrument_id='SHFE.au2512'",
      })
      .expect(200);
    expect(readme.body.map((row: { last_price: number }) => row.last_price)).toEqual([600, 601]);
    expect(readme.body[0]).toMatchObject({
      p_date: '2025-03-28',
      datetime: '2025-03-28T01:30:00.000Z',
    });

    const list = await http().get('/api/v1/logstream').set('Authorization', auth).expect(200);
    expect(list.body).toEqual([{ name: 'ticks' }]);
  });

  it('answers in CSV, Arrow IPC (readable by apache-arrow) and Parquet; rolling_mean is there', async () => {
    const query = {
      query:
        'SELECT instrument_id, last_price, rolling_mean(last_price, datetime, n := 2) AS mean2 FROM ticks ' +
        "WHERE instrument_id = 'SHFE.au2512' ORDER BY datetime",
    };
    const csv = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .set('Accept', 'text/csv')
      .send(query)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toBe(
      'instrument_id,last_price,mean2\r\nSHFE.au2512,600,600\r\nSHFE.au2512,601,600.5\r\n',
    );
    const arrow = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .set('Accept', 'application/vnd.apache.arrow.stream')
      .buffer(true)
      .parse(binaryBody)
      .send(query)
      .expect(200);
    const table = tableFromIPC(arrow.body as Buffer);
    expect(table.numRows).toBe(2);
    expect(table.batches.map((batch) => batch.numRows)).toEqual([1, 1]); // P_EXECUTION_BATCH_SIZE=1
    expect(table.toArray().map((row: { toJSON(): unknown }) => row.toJSON())).toEqual([
      { instrument_id: 'SHFE.au2512', last_price: 600, mean2: 600 },
      { instrument_id: 'SHFE.au2512', last_price: 601, mean2: 600.5 },
    ]);
    const parquet = await http()
      .post('/api/v1/query?format=parquet')
      .set('Authorization', auth)
      .buffer(true)
      .parse(binaryBody)
      .send(query)
      .expect(200);
    const bytes = parquet.body as Buffer;
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const file = join(root, 'export.parquet');
    writeFileSync(file, bytes);
    const reader = await (await DuckDBInstance.create(':memory:')).connect();
    const back = await reader.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
    expect(back.getRowObjectsJson()).toEqual([
      { instrument_id: 'SHFE.au2512', last_price: 600, mean2: 600 },
      { instrument_id: 'SHFE.au2512', last_price: 601, mean2: 600.5 },
    ]);
    reader.closeSync();
  });

  it('counts per bin', async () => {
    await http()
      .post('/api/v1/ingest')
      .set('Authorization', auth)
      .set('X-P-Stream', 'events')
      .send([{ a: 1 }, { a: 2 }, { a: 3 }])
      .expect(200);
    const counts = await http()
      .post('/api/v1/counts')
      .set('Authorization', auth)
      .send({ stream: 'events', startTime: '1h-ago', endTime: 'now', numBins: 4 })
      .expect(200);
    expect(counts.body.fields).toEqual(['start_time', 'end_time', 'count']);
    expect(counts.body.records).toHaveLength(4);
    expect(
      counts.body.records.reduce((sum: number, r: { count: number }) => sum + r.count, 0),
    ).toBe(3);
    expect(counts.body.records.at(-1).count).toBe(3);
  });

  it.each([
    "COPY (SELECT 1) TO '/tmp/qadb-x.csv'",
    "ATTACH '/tmp/qadb-x.db'",
    'INSTALL httpfs',
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    'DELETE FROM ticks',
  ])('refuses %s with 400', async (sql) => {
    const response = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .send({ query: sql })
      .expect(400);
    expect(['TSDB_SQL_REFUSED', 'TSDB_SQL_ERROR']).toContain(response.body.code);
  });

  it('bad times, unknown streams and bodies get clear errors', async () => {
    const badTime = await http()
      .post('/api/v1/query')
      .set('Authorization', auth)
      .send({ query: 'SELECT 1', startTime: 'yesterday-ish' })
      .expect(400);
    expect(badTime.body).toMatchObject({ code: 'TSDB_INVALID_TIME', field: 'startTime' });
    await http().get('/api/v1/logstream/nope/schema').set('Authorization', auth).expect(404);
    await http()
      .post('/api/v1/logstream/ticks')
      .set('Authorization', auth)
      .send('7')
      .set('Content-Type', 'application/json')
      .expect(400);
    await http().put('/api/v1/logstream/bad name').set('Authorization', auth).expect(400);
  });
});
