import { INestApplication } from '@nestjs/common';
import { serviceUrls, waitFor } from '@qautlra/testing';
import { connect } from 'nats';
import { randomUUID } from 'node:crypto';
import { TsdbService } from '../src/tsdb.service';
import { queryRows, startTsdb, TestTsdb } from './support/start-tsdb';

describe('tsdb queued ingest from NATS JetStream (real server)', () => {
  let tsdb: TestTsdb;
  let app: INestApplication;
  const tag = randomUUID().slice(0, 8);
  const jetStream = `QADB_TEST_${tag}`;
  const prefix = `qadb.test.${tag}`;
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

  beforeAll(async () => {
    tsdb = await startTsdb({
      QADB_NATS_URL: serviceUrls.nats,
      QADB_NATS_STREAM: jetStream,
      QADB_NATS_SUBJECT_PREFIX: prefix,
    });
    app = tsdb.app;
  });
  afterAll(async () => {
    await tsdb.close();
    const connection = await connect({ servers: serviceUrls.nats });
    await (await connection.jetstreamManager()).streams.delete(jetStream);
    await connection.close();
  });

  it('ingests published batches into the stream named by the subject; bad messages are terminated', async () => {
    const connection = await connect({ servers: serviceUrls.nats });
    const js = connection.jetstream();
    await js.publish(
      `${prefix}.ticks`,
      JSON.stringify([
        { instrument_id: 'SSE.600000', last_price: 10 },
        { instrument_id: 'SSE.600000', last_price: 11 },
      ]),
    );
    await js.publish(`${prefix}.ticks`, '{broken');
    await js.publish(
      `${prefix}.ticks`,
      JSON.stringify({ instrument_id: 'SSE.600000', last_price: 'x' }),
    );
    await js.publish(`${prefix}.other`, JSON.stringify({ a: 1 }));
    await connection.close();

    const status = app.get(TsdbService).nats!.status;
    await waitFor(() => status.messages + status.rejected === 4, {
      what: 'all four messages handled',
    });
    expect(status).toMatchObject({ state: 'consuming', messages: 2, rows: 3, rejected: 2 });
    expect(
      await queryRows(
        app.getHttpServer(),
        auth,
        'SELECT last_price FROM ticks ORDER BY last_price',
      ),
    ).toEqual([{ last_price: 10 }, { last_price: 11 }]);
    expect(await queryRows(app.getHttpServer(), auth, 'SELECT a FROM other')).toEqual([{ a: 1 }]);
  });
});
