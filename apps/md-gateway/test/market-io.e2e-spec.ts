import { INestApplication } from '@nestjs/common';
import { applyMergePatch } from '@qautlra/diff';
import { waitFor } from '@qautlra/testing';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/main';
import { MarketClient, sortKeys, withoutNulls } from './support/market-client';

describe('md-gateway Socket.IO /market, peek pacing, subscription cap', () => {
  let app: INestApplication;
  let base: string;
  let ids: string[];

  beforeAll(async () => {
    const config = loadConfig({
      QAMDGATEWAY_CONFIG: JSON.stringify({
        rest_api: { host: '127.0.0.1', port: 0, cors: { allowed_origins: ['http://app.test'] } },
        subscription: {
          max_per_client: 4,
          unsubscribe_grace_ms: 0,
          default_instruments: ['SSE.600000', 'DCE.nope'],
        },
        sources: [{ type: 'sim', ticks_per_second: 5, always_open: true }],
      }),
      LOG_LEVEL: 'silent',
    });
    app = await bootstrap(config);
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const listed = await request(app.getHttpServer()).get('/api/instruments').expect(200);
    ids = (listed.body as { id: string }[]).map((instrument) => instrument.id);
  });

  const opened: Socket[] = [];
  afterEach(() => {
    // Also on failure: a socket left open would keep reconnecting and hold the server open.
    for (const socket of opened.splice(0)) socket.disconnect();
  });
  afterAll(() => app.close());

  const statuses = new WeakMap<Socket, unknown[]>();

  function connect(): Promise<Socket> {
    const socket = io(`${base}/market`, { transports: ['websocket'], forceNew: true });
    opened.push(socket);
    const seen: unknown[] = [];
    statuses.set(socket, seen);
    socket.on('status', (status) => seen.push(status));
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('subscribe with ack → full snapshot then patches; merged state equals GET /api/quotes', async () => {
    const socket = await connect();
    const patches: Record<string, Record<string, unknown>>[] = [];
    let state: Record<string, Record<string, unknown>> = {};
    socket.on('quotes', (quotes: Record<string, Record<string, unknown>>) => {
      patches.push(quotes);
      state = applyMergePatch(state, quotes) as typeof state;
    });
    const [future, stock] = [ids.find((id) => id.startsWith('DCE.'))!, 'sz000001'];
    const ack = await socket.emitWithAck('subscribe', [future, stock]);
    expect(ack).toEqual({
      ok: true,
      subscribed: [future, stock],
      unknown: [],
      over_limit: [],
    });
    await waitFor(() => state[future] && state[stock]);
    const first = patches.find((patch) => patch[future])!;
    expect(Object.keys(first[future]!)).toHaveLength(37);
    await waitFor(() => patches.slice(patches.indexOf(first) + 1).find((patch) => patch[future]));
    const later = patches.slice(patches.indexOf(first) + 1).find((patch) => patch[future])!;
    expect(Object.keys(later[future]!).length).toBeLessThan(37);
    expect(statuses.get(socket)).toContainEqual(
      expect.objectContaining({ name: 'sim', state: 'connected' }),
    );

    await waitFor(
      async () => {
        const rest = await request(app.getHttpServer()).get(`/api/quotes?ins=${future},${stock}`);
        return [future, stock].every(
          (id) =>
            JSON.stringify(withoutNulls(rest.body[id])) === JSON.stringify(sortKeys(state[id]!)),
        );
      },
      { what: 'merged Socket.IO state to equal /api/quotes' },
    );

    const off = await socket.emitWithAck('unsubscribe', future);
    expect(off).toEqual({ ok: true, subscribed: [stock] });
    const mark = patches.length;
    await waitFor(() => patches.length >= mark + 3);
    for (const patch of patches.slice(mark + 1)) expect(Object.keys(patch)).toEqual([stock]);
    socket.disconnect();
  });

  it('bad payloads and unknown ids get an error ack; the connection stays', async () => {
    const socket = await connect();
    expect(await socket.emitWithAck('subscribe', { nope: true })).toMatchObject({
      ok: false,
      error: expect.stringContaining('expected an array'),
    });
    expect(await socket.emitWithAck('subscribe', 'XYZ.nope,SSE.600000')).toEqual({
      ok: false,
      subscribed: ['SSE.600000'],
      unknown: ['XYZ.nope'],
      over_limit: [],
      error: 'Unknown instrument: XYZ.nope',
    });
    socket.emit('no-such-event', 1);
    expect(socket.connected).toBe(true);
    expect(await socket.emitWithAck('unsubscribe', ['SSE.600000'])).toEqual({
      ok: true,
      subscribed: [],
    });
    socket.disconnect();
  });

  it('refuses subscriptions over the per-client cap, naming them', async () => {
    const socket = await connect();
    const six = ids.slice(0, 6);
    const ack = await socket.emitWithAck('subscribe', six);
    expect(ack.subscribed).toEqual(six.slice(0, 4));
    expect(ack.over_limit).toEqual(six.slice(4));
    expect(ack.error).toBe('Subscription limit of 4 reached');
    socket.disconnect();

    const client = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await client.opened;
    client.send({ aid: 'subscribe_quote', ins_list: six.join(',') });
    const error = await client.next((message) => message.type === 'error');
    expect(error.payload.message).toBe(
      `Subscription limit of 4 instruments reached; not subscribed: ${six.slice(4).join(',')}`,
    );
    client.close();
  });

  /** Waits until the gateway has taken in `count` more ticks (new data exists to be sent). */
  async function ticksIn(count: number): Promise<void> {
    const status = async () =>
      ((await request(app.getHttpServer()).get('/api/status')).body as { ticks_in: number })
        .ticks_in;
    const start = await status();
    await waitFor(async () => (await status()) >= start + count || undefined, {
      what: `${count} more ticks in`,
    });
  }

  it('/ws/market?pacing=peek sends one merged rtn_data per peek_message', async () => {
    const client = new MarketClient(`${base.replace('http', 'ws')}/ws/market?pacing=peek`);
    await client.opened;
    const pair = ids.slice(0, 2);
    client.send({ aid: 'subscribe_quote', ins_list: pair.join(',') });
    await client.next((message) => message.aid === 'rsp_subscribe_quote');
    // Ticks flow at 5/s per instrument, but nothing is sent before the first peek.
    await ticksIn(8);
    expect(client.frames()).toHaveLength(0);
    client.send({ aid: 'peek_message' });
    await waitFor(() => client.frames().length === 1);
    const first = client.frames()[0]!;
    // Everything that happened while waiting, merged: both instruments, full snapshots.
    expect(Object.keys(first.data[0].quotes).sort()).toEqual([...pair].sort());
    expect(Object.keys(first.data[0].quotes[pair[0]!])).toHaveLength(37);
    await ticksIn(4);
    expect(client.frames()).toHaveLength(1);
    expect(client.messages.some((message) => message.aid === 'rsp_peek_message')).toBe(false);
    client.send({ aid: 'peek_message' });
    await waitFor(() => client.frames().length === 2);
    client.close();
  });

  it('subscribes the default instruments at start, with no client', async () => {
    const server = app.getHttpServer();
    const listed = await request(server).get('/api/subscriptions').expect(200);
    expect(listed.body.instruments).toContain('SSE.600000');
    await waitFor(async () => (await request(server).get('/api/quotes/SSE.600000')).status === 200);
  });

  it('closes a connection that sends a frame over 1 MiB with 1009, and only that one', async () => {
    const big = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    const other = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await Promise.all([big.opened, other.opened]);
    const closed = new Promise<number>((resolve) =>
      (
        big as unknown as { socket: { once(e: string, f: (code: number) => void): void } }
      ).socket.once('close', resolve),
    );
    big.send({ aid: 'subscribe_quote', ins_list: 'x'.repeat(1024 * 1024 + 10) });
    expect(await closed).toBe(1009);
    other.send({ type: 'ping' });
    await other.next((message) => message.type === 'pong');
    other.close();
  });

  it('honours the cors block: listed origins only', async () => {
    const server = app.getHttpServer();
    const allowed = await request(server).get('/api/status').set('Origin', 'http://app.test');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://app.test');
    const other = await request(server).get('/api/status').set('Origin', 'http://evil.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const status = await request(server).get('/api/status').expect(200);
    expect(status.body.clients).toEqual({ websocket: 0, socket_io: expect.any(Number) });
  });
});
