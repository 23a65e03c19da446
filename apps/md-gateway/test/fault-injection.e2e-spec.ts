import { INestApplication } from '@nestjs/common';
import { waitFor } from '@qautlra/testing';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/main';
import { DistributorService } from '../src/distributor/distributor.service';
import { MarketClient, Message } from './support/market-client';
import { QuoteHttpDouble } from './support/quote-http-double';

const wsUrl = (app: INestApplication) =>
  app
    .getUrl()
    .then((url) => `${url.replace('http', 'ws').replace('[::1]', '127.0.0.1')}/ws/market`);

function gateway(config: Record<string, unknown>): Promise<INestApplication> {
  return bootstrap(
    loadConfig({
      QAMDGATEWAY_CONFIG: JSON.stringify({
        rest_api: { host: '127.0.0.1', port: 0 },
        subscription: { unsubscribe_grace_ms: 0 },
        ...config,
      }),
      LOG_LEVEL: 'silent',
    }),
  );
}

const statusOf = (message: Message, name: string, state: string) =>
  message.type === 'status' && message.payload.name === name && message.payload.state === state;

describe('fault injection: upstream killed and restored', () => {
  const clients: MarketClient[] = [];
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  it('relay gateway: clients see the upstream drop and recover, data resumes without resubscribing', async () => {
    let upstream = await gateway({
      sources: [{ type: 'sim', ticks_per_second: 10, always_open: true }],
    });
    const port = Number(new URL(await upstream.getUrl()).port);
    const relay = await gateway({ sources: [{ type: 'upstream', url: await wsUrl(upstream) }] });
    try {
      const client = new MarketClient(await wsUrl(relay));
      clients.push(client);
      await client.opened;
      const listed = await request(upstream.getHttpServer()).get('/api/instruments').expect(200);
      const pair = (listed.body as { id: string }[]).slice(0, 2).map((info) => info.id);
      await waitFor(async () => {
        const relayed = await request(relay.getHttpServer()).get('/api/instruments');
        return (relayed.body as unknown[]).length === (listed.body as unknown[]).length;
      });
      client.send({ aid: 'subscribe_quote', ins_list: pair.join(',') });
      await waitFor(() => pair.every((id) => client.quotes[id]?.last_price !== undefined));

      await upstream.close();
      const down = await client.next((message) => statusOf(message, 'upstream', 'disconnected'));
      expect(down.payload.detail).toMatch(/reconnecting in/);
      const status = await request(relay.getHttpServer()).get('/api/status').expect(200);
      expect(status.body.status).toBe('degraded');
      expect(status.body.sources).toContainEqual(
        expect.objectContaining({ name: 'upstream', state: 'disconnected' }),
      );

      upstream = await bootstrap(
        loadConfig({
          QAMDGATEWAY_CONFIG: JSON.stringify({
            rest_api: { host: '127.0.0.1', port },
            sources: [{ type: 'sim', ticks_per_second: 10, always_open: true, seed: 99 }],
          }),
          LOG_LEVEL: 'silent',
        }),
      );
      const mark = client.messages.length;
      await client.next((message) => statusOf(message, 'upstream', 'connected'), mark);
      // The client never resubscribed: quotes for both instruments flow again.
      await waitFor(
        () =>
          pair.every((id) =>
            client.messages
              .slice(mark)
              .some((message) => message.aid === 'rtn_data' && message.data[0].quotes[id]),
          ),
        { timeoutMs: 15_000, what: 'relayed quotes after the upstream came back' },
      );
      expect(client.messages.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      await relay.close();
      await upstream.close();
    }
  });

  it('keeps an instrument subscribed upstream for the grace period after its last subscriber', async () => {
    const upstream = await gateway({
      sources: [{ type: 'sim', ticks_per_second: 5, always_open: true }],
    });
    const relay = await gateway({
      subscription: { unsubscribe_grace_ms: 800 },
      sources: [{ type: 'upstream', url: await wsUrl(upstream) }],
    });
    try {
      const upstreamSubscriptions = async () =>
        (
          (await request(upstream.getHttpServer()).get('/api/subscriptions')).body as {
            instruments: string[];
          }
        ).instruments;
      const client = new MarketClient(await wsUrl(relay));
      clients.push(client);
      await client.opened;
      await waitFor(
        async () => (await request(relay.getHttpServer()).get('/api/instruments')).body.length > 0,
      );
      client.send({ aid: 'subscribe_quote', ins_list: 'SSE.600000' });
      await waitFor(() => client.quotes['SSE.600000']);
      expect(await upstreamSubscriptions()).toEqual(['SSE.600000']);

      // Leave and come back within the grace period: the upstream never sees an unsubscribe.
      client.send({ aid: 'unsubscribe_quote', ins_list: 'SSE.600000' });
      await client.next((message) => message.aid === 'rsp_unsubscribe_quote');
      const unsubscribedAt = Date.now();
      expect(await upstreamSubscriptions()).toEqual(['SSE.600000']);
      client.send({ aid: 'subscribe_quote', ins_list: 'SSE.600000' });
      // Watch the upstream until the grace period has certainly run out: never released.
      const seen: string[][] = [];
      await waitFor(
        async () => {
          seen.push(await upstreamSubscriptions());
          return Date.now() - unsubscribedAt > 1_200 || undefined;
        },
        { intervalMs: 100, what: 'the grace period to pass' },
      );
      expect(seen.filter((subscriptions) => subscriptions.length !== 1)).toEqual([]);

      // Leave for good: still held right after, released once the grace period ends.
      client.close();
      await waitFor(
        () => relay.get(DistributorService).distributor.activeInstruments().length === 0,
      );
      expect(await upstreamSubscriptions()).toEqual(['SSE.600000']);
      await waitFor(async () => (await upstreamSubscriptions()).length === 0);
    } finally {
      await relay.close();
      await upstream.close();
    }
  });

  it('sina source: the HTTP double dies and comes back; status is pushed and data resumes', async () => {
    const double = new QuoteHttpDouble();
    await double.start();
    const app = await gateway({
      sources: [
        {
          type: 'sina',
          sina_url: double.sinaUrl,
          tencent_url: double.tencentUrl,
          poll_interval_ms: 100,
          timeout_ms: 500,
          failover: false,
        },
      ],
    });
    try {
      const client = new MarketClient(await wsUrl(app));
      clients.push(client);
      await client.opened;
      client.send({ aid: 'subscribe_quote', ins_list: 'sh600000,sz002074' });
      await waitFor(() => client.quotes.sh600000 && client.quotes.sz002074);
      expect(client.quotes.sh600000).toMatchObject({ last_price: 11.56, pre_close: 11.49 });

      const port = double.port;
      await double.stop();
      const down = await client.next((message) => statusOf(message, 'sina', 'disconnected'));
      expect(down.payload.detail).toMatch(/^sina: ECONNREFUSED \(retry in \d+ s\)$/);

      double.setSinaLast('sh600000', '11.600');
      await double.start(port);
      const mark = client.messages.length;
      await client.next((message) => statusOf(message, 'sina', 'connected'), mark);
      await waitFor(() => client.quotes.sh600000?.last_price === 11.6, { timeoutMs: 15_000 });
      expect((await request(app.getHttpServer()).get('/api/status')).body.status).toBe('connected');
    } finally {
      await app.close();
      await double.stop();
    }
  });
});
