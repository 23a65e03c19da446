import { INestApplication } from '@nestjs/common';
import { waitFor } from '@qautlra/testing';
import request from 'supertest';
import { loadConfig as loadGatewayConfig } from '../../md-gateway/src/config';
import { bootstrap as bootstrapGateway } from '../../md-gateway/src/main';
import { MarketClient } from '../../md-gateway/test/support/market-client';
import { startTsdb, TestTsdb } from './support/start-tsdb';

/** A stored day drives the gateway: the `replay` source reads a tsdb stream and plays it back. */
describe('gateway replay source over a tsdb stream', () => {
  let tsdb: TestTsdb;
  let gateway: INestApplication;
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

  const tick = (i: number) => ({
    instrument_id: i % 2 ? 'SZSE.000001' : 'SSE.600000',
    datetime: new Date(Date.parse('2025-03-28T01:30:00Z') + i * 100).toISOString(),
    last_price: 10 + i / 100,
    volume: 100 * (i + 1),
    amount: 1000 * (i + 1),
    open: 10,
    highest: 11,
    lowest: 9,
    pre_close: 10,
    upper_limit: 11,
    lower_limit: 9,
    bid_price1: 9.99,
    bid_volume1: 100,
    ask_price1: 10.01,
    ask_volume1: 200,
    close: null,
    open_interest: null,
    pre_open_interest: null,
    pre_settlement: null,
    settlement: null,
    average: 10,
  });

  beforeAll(async () => {
    tsdb = await startTsdb();
    await request(tsdb.app.getHttpServer())
      .post('/api/v1/logstream/recorded')
      .set('Authorization', auth)
      .send(Array.from({ length: 20 }, (_, i) => tick(i)))
      .expect(200);
    const url = (await tsdb.app.getUrl()).replace('[::1]', '127.0.0.1');
    gateway = await bootstrapGateway(
      loadGatewayConfig(
        {
          QAMDGATEWAY_CONFIG: JSON.stringify({
            rest_api: { host: '127.0.0.1', port: 0 },
            sources: [{ type: 'replay', url, stream: 'recorded', speed: 10, page_size: 7 }],
          }),
          LOG_LEVEL: 'silent',
        },
        [],
      ),
    );
  });
  afterAll(async () => {
    await gateway.close();
    await tsdb.close();
  });

  it('plays the recorded ticks in order, paced, to a subscriber, and reports when done', async () => {
    const server = gateway.getHttpServer();
    await waitFor(
      async () => ((await request(server).get('/api/instruments')).body as unknown[]).length === 2,
    );
    const client = new MarketClient(
      `${(await gateway.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1')}/ws/market`,
    );
    await client.opened;
    const started = Date.now();
    client.send({ aid: 'subscribe_quote', ins_list: 'SSE.600000' });
    const done = await client.next(
      (m) => m.type === 'status' && String(m.payload.detail).startsWith('finished'),
    );
    const elapsed = Date.now() - started;
    expect(done.payload).toMatchObject({ name: 'replay', detail: 'finished: 20 ticks replayed' });
    // 1.9 s of recorded time at 10× ≈ 190 ms, not instantly.
    expect(elapsed).toBeGreaterThanOrEqual(150);
    const prices = client
      .frames()
      .flatMap((frame) =>
        Object.values(frame.data[0].quotes as Record<string, { last_price?: number }>),
      )
      .map((quote) => quote.last_price)
      .filter((price): price is number => price !== undefined);
    // In recorded order; ticks inside one 10 ms batch window may be merged (latest value wins).
    const recorded = Array.from(
      { length: 10 },
      (_, k) => Math.round((10 + (2 * k) / 100) * 100) / 100,
    );
    expect(prices.length).toBeGreaterThanOrEqual(5);
    expect(prices.every((price) => recorded.includes(price))).toBe(true);
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    expect(prices.at(-1)).toBe(10.18);
    expect(client.quotes['SSE.600000']).toMatchObject({
      last_price: 10.18,
      datetime: tick(18).datetime,
      volume: 1900,
    });
    client.close();
  });
});
