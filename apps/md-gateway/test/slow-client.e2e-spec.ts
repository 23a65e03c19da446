import { INestApplication } from '@nestjs/common';
import { waitFor } from '@qautlra/testing';
import type { Socket } from 'node:net';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/main';
import { MarketClient, sortKeys, withoutNulls } from './support/market-client';

describe('a slow /ws/market client', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await bootstrap(
      loadConfig({
        QAMDGATEWAY_CONFIG: JSON.stringify({
          rest_api: { host: '127.0.0.1', port: 0 },
          sources: [{ type: 'sim', instruments: 1000, ticks_per_second: 10, always_open: true }],
        }),
        LOG_LEVEL: 'silent',
      }),
    );
  });
  afterAll(() => app.close());

  it('gets coalesced latest state instead of a growing buffer, and catches up without loss', async () => {
    const server = app.getHttpServer();
    const url = (await app.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1');
    const listed = await request(server).get('/api/instruments').expect(200);
    const ids = (listed.body as { id: string }[]).map((info) => info.id);
    const client = new MarketClient(`${url}/ws/market`);
    await client.opened;
    client.send({ aid: 'subscribe_quote', ins_list: ids.join(',') });
    await client.next((message) => message.aid === 'rtn_data');

    // Stop reading: the kernel buffers fill, then the gateway's send buffer passes 1 MiB.
    const raw = (client as unknown as { socket: { _socket: Socket } }).socket._socket;
    raw.pause();
    const slow = await waitFor(
      async () => {
        const status = (await request(server).get('/api/status')).body as {
          slow_clients: number;
          ticks_in: number;
          frames_out: number;
          connected_clients: number;
          max_client_buffered_bytes: number;
        };
        return status.slow_clients === 1 ? status : undefined;
      },
      { timeoutMs: 25_000, what: 'the gateway to mark the client slow' },
    );
    expect(slow.connected_clients).toBe(1);
    // While slow, more ticks arrive, but the client is neither closed nor buffered without bound.
    const framesWhileSlow = slow.frames_out;
    const still = await waitFor(
      async () => {
        const status = (await request(server).get('/api/status')).body as typeof slow;
        return status.ticks_in > slow.ticks_in + 100 && status.frames_out > framesWhileSlow
          ? status
          : undefined;
      },
      { what: 'more ticks and frames while the client is slow' },
    );
    expect(still.slow_clients).toBe(1);
    expect(still.ticks_in).toBeGreaterThan(slow.ticks_in);
    // Coalesced: the distributor still produces frames, but the session holds one merged backlog
    // and the socket's queue stays near the 1 MiB threshold instead of growing with every tick.
    expect(still.frames_out).toBeGreaterThan(framesWhileSlow);
    expect(slow.max_client_buffered_bytes).toBeGreaterThan(1024 * 1024);
    expect(still.max_client_buffered_bytes).toBeLessThan(2 * 1024 * 1024);

    raw.resume();
    await waitFor(async () => (await request(server).get('/api/status')).body.slow_clients === 0, {
      timeoutMs: 20_000,
    });
    // Keep one instrument and check the merged state converges to the gateway's.
    const keep = ids[0]!;
    client.send({ aid: 'subscribe_quote', ins_list: keep });
    await waitFor(
      async () => {
        const rest = await request(server).get(`/api/quotes?ins=${keep}`);
        return (
          JSON.stringify(withoutNulls(rest.body[keep])) ===
          JSON.stringify(sortKeys(client.quotes[keep]!))
        );
      },
      { timeoutMs: 15_000, what: 'the caught-up client state to equal /api/quotes' },
    );
    expect(client.messages.some((message) => message.type === 'error')).toBe(false);
    client.close();
  });
});
