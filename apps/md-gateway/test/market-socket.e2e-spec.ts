import { INestApplication } from '@nestjs/common';
import { waitFor } from '@qautlra/testing';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/main';
import { MarketClient, sortKeys, withoutNulls } from './support/market-client';

describe('md-gateway /ws/market (sim source)', () => {
  let app: INestApplication;
  let base: string;
  let ids: string[];

  beforeAll(async () => {
    const config = loadConfig({
      MD_GATEWAY_PORT: '0',
      MD_GATEWAY_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      MD_SIM_TICKS_PER_SECOND: '4',
      MD_SIM_ALWAYS_OPEN: 'true',
    });
    app = await bootstrap(config);
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const instruments = await request(app.getHttpServer()).get('/api/instruments').expect(200);
    ids = (instruments.body as { id: string }[]).map((instrument) => instrument.id);
  });

  afterAll(async () => {
    await app.close();
  });

  it('lists the sim universe: futures on six exchanges and A-shares/ETFs/indices', () => {
    const exchanges = new Set(ids.map((id) => id.split('.')[0]));
    expect([...exchanges].sort()).toEqual([
      'CFFEX',
      'CZCE',
      'DCE',
      'GFEX',
      'INE',
      'SHFE',
      'SSE',
      'SZSE',
    ]);
    expect(ids.length).toBeGreaterThanOrEqual(70);
  });

  it('sends a full snapshot, then only changed fields; merged state equals GET /api/quotes', async () => {
    const client = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await client.opened;
    const [future, stock] = [ids.find((id) => id.startsWith('SHFE.au'))!, 'SSE.600000'];
    const bare = future.split('.')[1]!;
    client.send({ aid: 'subscribe_quote', ins_list: `${bare},${stock}` });
    await client.next((message) => message.aid === 'rsp_subscribe_quote');
    expect(client.messages[0]).toMatchObject({
      type: 'system',
      payload: {
        message: expect.stringMatching(
          /^Connected to QAMD Gateway WebSocket\. Session ID: [0-9a-f-]{36}$/,
        ),
      },
    });
    expect(client.messages).toContainEqual({
      type: 'system',
      payload: { message: 'Subscribed to 2 instruments' },
    });
    expect(client.messages).toContainEqual({
      aid: 'rsp_subscribe_quote',
      ins_list: `${bare},${stock}`,
    });

    // The first quote of each instrument is the full wire snapshot, keyed by the id as subscribed.
    await waitFor(() => (client.quotes[bare] && client.quotes[stock] ? true : undefined));
    const firstFrame = client.frames().find((frame) => frame.data[0].quotes[bare])!;
    expect(Object.keys(firstFrame.data[0].quotes[bare]).length).toBe(37);
    expect(firstFrame.data[0].quotes[bare].instrument_id).toBe(bare);
    // Later frames carry only what changed.
    const count = client.frames().length;
    const partial = await client.next(
      (message) => message.aid === 'rtn_data' && message.data[0].quotes[bare] !== undefined,
      client.messages.indexOf(client.frames()[count - 1]!) + 1,
    );
    expect(Object.keys(partial.data[0].quotes[bare]).length).toBeLessThan(37);
    expect(partial.data[0].quotes[bare].instrument_id).toBe(bare);

    // Merged client state (RFC 7396: null removes a field) equals the gateway's latest snapshot.
    await waitFor(
      async () => {
        const rest = await request(app.getHttpServer()).get(`/api/quotes?ins=${bare},${stock}`);
        const same = [bare, stock].every(
          (id) =>
            JSON.stringify(withoutNulls(rest.body[id])) ===
            JSON.stringify(sortKeys(client.quotes[id]!)),
        );
        return same ? true : undefined;
      },
      { timeoutMs: 10_000, what: 'merged state to equal /api/quotes' },
    );
    client.close();
  });

  it('replace semantics, unsubscribe_quote, peek_message and legacy messages', async () => {
    const client = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await client.opened;
    const [a, b, c] = ids;
    client.send({ aid: 'subscribe_quote', ins_list: `${a},${b}` });
    client.send({ aid: 'subscribe_quote', ins_list: `${b},${c}` });
    client.send({ aid: 'peek_message' });
    const peek = await client.next((message) => message.aid === 'rsp_peek_message');
    expect(peek.ins_list.split(',').sort()).toEqual([b, c].sort());

    let mark = client.messages.length;
    client.send({ aid: 'unsubscribe_quote', ins_list: c });
    await client.next((message) => message.aid === 'rsp_unsubscribe_quote', mark);
    expect(client.messages.slice(mark)).toContainEqual({
      type: 'system',
      payload: { message: 'Unsubscribed from 1 instruments' },
    });
    client.send({ type: 'subscriptions' });
    const listed = await client.next((message) => message.type === 'subscriptions', mark);
    expect(listed.payload.instruments).toEqual([b]);

    // Only b flows now.
    mark = client.messages.length;
    await waitFor(() =>
      client.messages.slice(mark).filter((message) => message.aid === 'rtn_data').length >= 3
        ? true
        : undefined,
    );
    const later = client.messages.slice(mark).filter((message) => message.aid === 'rtn_data');
    for (const frame of later) expect(Object.keys(frame.data[0].quotes)).toEqual([b]);

    client.send({ type: 'ping' });
    await client.next((message) => message.type === 'pong', mark);
    client.close();
  });

  it('answers bad input in the original error shapes and keeps the connection', async () => {
    const client = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await client.opened;
    client.send('{not json');
    client.send({ aid: 'no_such_aid' });
    client.send({ aid: 'subscribe_quote', ins_list: '' });
    client.send({ aid: 'subscribe_quote', ins_list: 'XYZ.nope,SSE.600000' });
    client.send({ type: 'auth', payload: { token: 't' } });
    client.send({ type: 'ping' });
    await client.next((message) => message.type === 'pong');
    const errors = client.messages
      .filter((message) => message.type === 'error')
      .map((message) => String(message.payload.message));
    expect(errors[0]).toMatch(/^Invalid message format: /);
    expect(errors.slice(1)).toEqual([
      'Unknown message type',
      'No instruments specified',
      'Unknown instrument: XYZ.nope',
    ]);
    expect(client.messages).toContainEqual({ aid: 'rsp_subscribe_quote', ins_list: '' });
    expect(client.messages).toContainEqual({
      type: 'system',
      payload: { message: 'Subscribed to 1 instruments' },
    });
    expect(client.messages).toContainEqual({
      type: 'system',
      payload: { message: 'Authentication not implemented' },
    });
    client.close();
  });

  it('unknown instruments are refused in one capped error and never echoed as subscribed (issue 16 §15)', async () => {
    const market = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await market.opened;
    const unknown = Array.from({ length: 10_000 }, (_, i) => `XYZ.nope${i}`);
    market.send({ aid: 'subscribe_quote', ins_list: ['SSE.600000', ...unknown].join(',') });
    const answer = await market.next((message) => message.aid === 'rsp_subscribe_quote');
    expect(answer.ins_list).toBe('SSE.600000');
    const errors = market.messages.filter((message) => message.type === 'error');
    expect(errors).toHaveLength(1);
    expect(String(errors[0]?.payload.message)).toMatch(
      /^Unknown instruments \(10000\): XYZ\.nope0,.*\(\+9950 more\)$/,
    );
    market.close();

    const hub = new MarketClient(`${base.replace('http', 'ws')}/ws/marketdata`);
    await hub.opened;
    hub.send({ op: 'subscribe', symbols: ['XYZ.nope'] });
    hub.send({ op: 'unsubscribe', symbols: ['XYZ.nope'] });
    await hub.next((message) => message.topic === 'unsubscribe');
    expect(hub.messages).toEqual([
      { data: 'Unknown instrument: XYZ.nope', topic: 'error', code: 400 },
      { data: 'Unsubscribed', topic: 'unsubscribe', code: 200 },
    ]);
    hub.close();
  });

  it('/ws/marketdata speaks the core hub protocol', async () => {
    const client = new MarketClient(`${base.replace('http', 'ws')}/ws/marketdata`);
    await client.opened;
    const bare = ids.find((id) => id.startsWith('SHFE.au'))!.split('.')[1]!;
    client.send('{oops');
    client.send({ symbols: ['x'] });
    client.send({ op: 'list' });
    client.send({ op: 'subscribe', symbols: [] });
    client.send({ op: 'subscribe', symbols: [bare] });
    const data = await client.next((message) => message.topic === 'marketdata');
    expect(client.messages[0]).toMatchObject({
      topic: 'error',
      code: 400,
      data: expect.any(String),
    });
    expect(client.messages.slice(1, 4)).toEqual([
      { data: 'Missing operation', topic: 'error', code: 400 },
      { data: 'Unknown operation', topic: 'error', code: 400 },
      { data: 'Subscribed', topic: 'subscribe', code: 200 },
    ]);
    expect(Object.keys(data.data)).toEqual([
      'trading_day',
      'instrument_id',
      'exchange_id',
      'exchange_inst_id',
      'last_price',
      'pre_settlement_price',
      'pre_close_price',
      'pre_open_interest',
      'open_price',
      'highest_price',
      'lowest_price',
      'volume',
      'turnover',
      'open_interest',
      'upper_limit_price',
      'lower_limit_price',
      'update_time',
      'update_millisec',
      'bid_price1',
      'bid_volume1',
      'ask_price1',
      'ask_volume1',
    ]);
    expect(data).toMatchObject({
      code: 200,
      data: { instrument_id: bare, exchange_id: 'SHFE', exchange_inst_id: bare },
    });
    expect(data.data.update_time).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    const mark = client.messages.length;
    client.send({ op: 'unsubscribe', symbols: [bare] });
    await client.next((message) => message.topic === 'unsubscribe', mark);
    client.close();
  });

  it('REST: subscriptions, status with real counts, quotes, errors', async () => {
    const server = app.getHttpServer();
    const subscribed = await request(server)
      .post('/api/subscribe')
      .send({ instruments: ['SZSE.000001'] })
      .expect(200);
    expect(subscribed.body).toEqual({ instruments: ['SZSE.000001'] });
    await waitFor(async () =>
      (await request(server).get('/api/quotes/SZSE.000001')).status === 200 ? true : undefined,
    );
    expect(
      (await request(server).get('/api/subscriptions').expect(200)).body.instruments,
    ).toContain('SZSE.000001');
    // Without `ins`: the latest quote of every instrument subscribed upstream.
    const all = (await request(server).get('/api/quotes').expect(200)).body as Record<
      string,
      { instrument_id: string; last_price: number }
    >;
    expect(all['SZSE.000001']).toMatchObject({ instrument_id: 'SZSE.000001' });
    expect(typeof all['SZSE.000001']!.last_price).toBe('number');
    const active = (await request(server).get('/api/subscriptions')).body as {
      instruments: string[];
    };
    expect(Object.keys(all).every((id) => active.instruments.includes(id))).toBe(true);
    const status = await request(server).get('/api/status').expect(200);
    expect(status.body).toMatchObject({
      status: 'connected',
      sources: [{ name: 'sim', state: 'connected' }],
    });
    expect(status.body.ticks_in).toBeGreaterThan(0);
    // Rates over the last whole second.
    const rated = await waitFor(async () => {
      const body = (await request(server).get('/api/status')).body as {
        ticks_in_per_second: number;
        frames_out_per_second: number;
        last_tick_age_ms: number;
      };
      return body.ticks_in_per_second > 0 && body.frames_out_per_second >= 0 ? body : undefined;
    });
    expect(rated.last_tick_age_ms).toBeLessThan(5_000);
    expect(status.body.active_subscriptions).toBeGreaterThanOrEqual(1);
    await request(server)
      .post('/api/unsubscribe')
      .send({ instruments: ['SZSE.000001'] })
      .expect(200, { instruments: [] });
    const missing = await request(server)
      .post('/api/subscriptions')
      .send({ instruments: ['XYZ.nope'] })
      .expect(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'unknown instrument: XYZ.nope',
    });
    await request(server).post('/api/subscriptions').send({ nope: 1 }).expect(400);
    await request(server).get('/health').expect(200);
  });
});
