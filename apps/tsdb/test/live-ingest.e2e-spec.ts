import { INestApplication } from '@nestjs/common';
import { waitFor } from '@qautlra/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import WebSocket from 'ws';
import { loadConfig as loadGatewayConfig } from '../../md-gateway/src/config';
import { DistributorService } from '../../md-gateway/src/distributor/distributor.service';
import { bootstrap as bootstrapGateway } from '../../md-gateway/src/main';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/main';
import { queryRows } from './support/start-tsdb';
import { TsdbService } from '../src/tsdb.service';

describe('tsdb live ingest from the gateway (sim source)', () => {
  let gateway: INestApplication;
  let tsdb: INestApplication;
  let root: string;
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'qadb-live-'));
    gateway = await bootstrapGateway(
      loadGatewayConfig(
        {
          QAMDGATEWAY_CONFIG: JSON.stringify({
            rest_api: { host: '127.0.0.1', port: 0 },
            sources: [{ type: 'sim', ticks_per_second: 5, always_open: true }],
          }),
          LOG_LEVEL: 'silent',
        },
        [],
      ),
    );
    const port = new URL(await gateway.getUrl()).port;
    tsdb = await bootstrap(
      loadConfig(
        {
          P_ADDR: '127.0.0.1:0',
          P_DATA_DIR: join(root, 'data'),
          P_STAGING_DIR: join(root, 'staging'),
          QADB_WS_CLIENT_ENABLED: 'true',
          QADB_WS_CLIENT_HOST: '127.0.0.1',
          QADB_WS_CLIENT_PORT: port,
          QADB_WS_CLIENT_PATH: '/ws/market',
          QADB_WS_CLIENT_STREAM: 'futures_market',
          QADB_WEBSOCKET_ENABLED: 'true',
          QADB_WEBSOCKET_ADDRESS: '127.0.0.1',
          QADB_WEBSOCKET_PORT: '0',
          LOG_LEVEL: 'silent',
        },
        [],
      ),
    );
  });
  afterAll(async () => {
    await tsdb.close();
    await gateway.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('pushes live ticks to /ws subscribers ({type, stream, data}), answers queries, refuses bad auth', async () => {
    const port = tsdb.get(TsdbService).push!.port;
    const refused = new WebSocket(`ws://127.0.0.1:${port}/ws?username=admin&password=nope`);
    const refusedCode = await new Promise<string>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(String(res.statusCode))),
    );
    expect(refusedCode).toBe('401');

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: auth } });
    const messages: { type: string; stream?: string; data: Record<string, any> }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8'))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(
      JSON.stringify({
        type: 'subscribe',
        stream: 'futures_market',
        data: { instruments: ['sh600000'] },
      }),
    );
    await waitFor(() => messages.find((m) => m.type === 'subscribe'));
    expect(messages.find((m) => m.type === 'subscribe')).toEqual({
      type: 'subscribe',
      stream: 'futures_market',
      data: { instruments: ['SSE.600000'] },
    });
    await waitFor(() => messages.filter((m) => m.type === 'marketData').length >= 3);
    const pushed = messages.filter((m) => m.type === 'marketData');
    for (const message of pushed) {
      expect(message.stream).toBe('futures_market');
      expect(message.data.instrument_id).toBe('SSE.600000');
      expect(typeof message.data.last_price).toBe('number');
    }
    ws.send(
      JSON.stringify({
        type: 'query',
        stream: 'futures_market',
        data: { query: 'SELECT 1 AS one' },
      }),
    );
    await waitFor(() => messages.find((m) => m.type === 'query'));
    expect(messages.find((m) => m.type === 'query')?.data).toEqual({ rows: [{ one: 1 }] });
    ws.send('{nope');
    ws.send(JSON.stringify({ type: 'query', data: { query: "COPY (SELECT 1) TO '/tmp/x'" } }));
    ws.send(JSON.stringify({ type: 'fly' }));
    await waitFor(() => messages.filter((m) => m.type === 'error').length >= 3);
    const errors = messages.filter((m) => m.type === 'error').map((m) => String(m.data.message));
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^invalid JSON/),
        'only SELECT queries are allowed (got COPY)',
        'unknown message type "fly"',
      ]),
    );
    ws.close();
  });

  it('stores every update the gateway pushed, as full tick rows', async () => {
    const server = tsdb.getHttpServer();
    await waitFor(async () => {
      const status = await request(server).get('/api/v1/status').set('Authorization', auth);
      return status.body.recorder?.rows_written > 500;
    });
    // Stop the ticks, let the last frames arrive and be written, then compare counts.
    for (const source of gateway.get(DistributorService).sources) await source.stop();
    // Settled when two polls in a row see the same count (the batch window is 10 ms).
    let previous = -1;
    const gatewayStatus = await waitFor(
      async () => {
        const status = (await request(gateway.getHttpServer()).get('/api/status')).body as {
          updates_out: number;
        };
        const settled = status.updates_out === previous;
        previous = status.updates_out;
        return settled ? status : undefined;
      },
      { intervalMs: 150 },
    );
    const recorder = tsdb.get(TsdbService).recorder!;
    await waitFor(() => recorder.status.updates_received === gatewayStatus.updates_out);
    await recorder.drain();
    const [counted] = await queryRows(
      server,
      auth,
      'SELECT count(*)::INTEGER AS n, count(DISTINCT instrument_id)::INTEGER AS k FROM futures_market',
    );
    expect(counted?.n).toBe(gatewayStatus.updates_out);
    expect(counted?.k).toBeGreaterThan(70);

    // Full rows: every row of an instrument has all its fields, though the wire sent only changes.
    expect(
      await queryRows(
        server,
        auth,
        'SELECT count(*)::INTEGER AS n FROM futures_market WHERE last_price IS NULL OR volume IS NULL OR upper_limit IS NULL OR datetime IS NULL',
      ),
    ).toEqual([{ n: 0 }]);
    const latest = await request(server)
      .get('/api/v1/latest?stream=futures_market&instruments=SSE.600000')
      .set('Authorization', auth)
      .expect(200);
    const quote = (await request(gateway.getHttpServer()).get('/api/quotes/SSE.600000')).body;
    expect(latest.body[0]).toMatchObject({
      last_price: quote.last_price,
      volume: quote.volume,
      datetime: quote.datetime,
    });
  });
});
