import { INestApplication } from '@nestjs/common';
import { connectAmqp } from '@qautlra/platform';
import { dropAmqpConnections, serviceUrls, waitFor } from '@qautlra/testing';
import { randomUUID } from 'node:crypto';
import { TsdbService } from '../src/tsdb.service';
import { queryRows, startTsdb, TestTsdb } from './support/start-tsdb';

describe('tsdb queued ingest from RabbitMQ (real broker)', () => {
  let app: INestApplication;
  let tsdb: TestTsdb;
  const queue = `qadb.ingest.test.${randomUUID()}`;
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

  beforeAll(async () => {
    tsdb = await startTsdb({
      QADB_AMQP_URL: serviceUrls.amqp,
      QADB_AMQP_QUEUE: queue,
      QADB_AMQP_STREAM: 'queued',
    });
    app = tsdb.app;
  });
  afterAll(async () => {
    await tsdb.close();
    const model = await connectAmqp(serviceUrls.amqp);
    const channel = await model.createChannel();
    await channel.deleteQueue(queue);
    await model.close();
  });

  it('ingests published batches, routes by x-p-stream, rejects bad messages without blocking', async () => {
    const model = await connectAmqp(serviceUrls.amqp);
    const channel = await model.createChannel();
    const publish = (body: string, headers: Record<string, string> = {}) =>
      channel.sendToQueue(queue, Buffer.from(body), { persistent: true, headers });
    publish(
      JSON.stringify([
        { instrument_id: 'SSE.600000', last_price: 10 },
        { instrument_id: 'SSE.600000', last_price: 11 },
      ]),
    );
    publish('{not json');
    publish(JSON.stringify({ instrument_id: 'SSE.600000', last_price: 'x' }));
    publish(JSON.stringify({ instrument_id: 'SZSE.000001', last_price: 12 }));
    publish(JSON.stringify({ a: 1 }), { 'x-p-stream': 'other' });
    await channel.close();
    await model.close();

    const status = service().amqp!.status;
    await waitFor(() => status.messages + status.rejected === 5, {
      what: 'all five messages handled',
    });
    expect(status).toMatchObject({ state: 'consuming', messages: 3, rows: 4, rejected: 2 });
    const rows = await queryRows(
      app.getHttpServer(),
      auth,
      'SELECT instrument_id, last_price FROM queued ORDER BY last_price',
    );
    expect(rows).toEqual([
      { instrument_id: 'SSE.600000', last_price: 10 },
      { instrument_id: 'SSE.600000', last_price: 11 },
      { instrument_id: 'SZSE.000001', last_price: 12 },
    ]);
    expect(await queryRows(app.getHttpServer(), auth, 'SELECT a FROM other')).toEqual([{ a: 1 }]);
  });

  it('consumes again after the broker drops the connection (amqp-connection-manager)', async () => {
    const status = service().amqp!.status;
    const before = status.messages;
    expect(await dropAmqpConnections(`qautlra-tsdb ${queue}`)).toBe(1);
    await waitFor(() => status.state === 'disconnected' || undefined, { what: 'the drop seen' });
    await waitFor(() => status.state === 'consuming' || undefined, {
      what: 'consuming again',
      timeoutMs: 30_000,
    });
    const model = await connectAmqp(serviceUrls.amqp);
    const channel = await model.createChannel();
    channel.sendToQueue(
      queue,
      Buffer.from(JSON.stringify({ instrument_id: 'SSE.600000', last_price: 13 })),
      { persistent: true },
    );
    await channel.close();
    await model.close();
    await waitFor(() => status.messages === before + 1, { what: 'the message after the drop' });
  }, 60_000);

  const service = () => app.get(TsdbService);
});
