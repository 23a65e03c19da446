import { INestApplication } from '@nestjs/common';
import { ctpTickToSnapshot, fakeLibrary } from '@qautlra/ctp';
import { waitFor } from '@qautlra/testing';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { bootstrap } from '../src/main';
import { MarketClient } from './support/market-client';

const TICK_1 =
  'LastPrice=3512 PreSettlementPrice=3500 PreClosePrice=3498 OpenPrice=3505 HighestPrice=3520 LowestPrice=3490 ' +
  'Volume=1200 Turnover=42144000 OpenInterest=150000 PreOpenInterest=140000 ClosePrice=MAX SettlementPrice=MAX ' +
  'UpperLimitPrice=3780 LowerLimitPrice=3220 UpdateTime=21:00:01 UpdateMillisec=500 BidPrice1=3511 BidVolume1=12 ' +
  'AskPrice1=3513 AskVolume1=7 AveragePrice=35120 TradingDay=20260106 ActionDay=20260105';

/**
 * The gateway's `ctp` source on native-ctp's fake front (the vendor ABI, a scripted front): quotes reach
 * `/ws/market` and Socket.IO `/market` as QAMD snapshots, the source's state (with the disconnect reason)
 * shows in `/api/status`, and after a disconnect the MdApi logs in and subscribes again in place, once.
 */
describe('md-gateway ctp source on the fake CTP front', () => {
  let app: INestApplication;
  let base: string;
  let journal: string;
  let release: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-ctp-'));
    journal = join(dir, 'journal.txt');
    release = join(dir, 'go');
    const script = join(dir, 'script.txt');
    writeFileSync(
      script,
      [
        `journal ${journal}`,
        'instruments rb2605 m2605',
        'trading_day 20260106',
        'connect',
        'wait_subscribed rb2605 60000',
        `tick rb2605 ${TICK_1}`,
        'wait_subscribed m2605 60000',
        'tick m2605 LastPrice=2890 Volume=10 UpdateTime=21:00:02 TradingDay=20260106 ActionDay=20260106',
        // Disconnect once the test says so (it waits for the file), then reconnect.
        `wait_file ${release} 60000`,
        'disconnect 4097',
        'sleep 50',
        'connect',
        'wait_subscribed rb2605 60000',
        'tick rb2605 LastPrice=3520 Volume=1300 UpdateTime=21:00:05 TradingDay=20260106 ActionDay=20260105',
      ].join('\n') + '\n',
    );
    const config = loadConfig({
      QAMDGATEWAY_CONFIG: JSON.stringify({
        rest_api: { host: '127.0.0.1', port: 0 },
        subscription: { unsubscribe_grace_ms: 0 },
        sources: [
          {
            type: 'ctp',
            front_addr: `script://${script}`,
            flow_path: join(dir, 'flow'),
            broker_id: '9999',
            user_id: 'demo',
            instruments: ['SHFE.rb2605', 'DCE.m2605'],
          },
        ],
      }),
      LOG_LEVEL: 'silent',
    });
    app = await bootstrap(config);
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app.close());

  const journalLines = (): string[] =>
    existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean) : [];

  it('lists the configured contracts and serves their ticks over /ws/market and Socket.IO, as QAMD snapshots', async () => {
    const instruments = await request(app.getHttpServer()).get('/api/instruments').expect(200);
    expect((instruments.body as { id: string }[]).map((i) => i.id)).toEqual([
      'SHFE.rb2605',
      'DCE.m2605',
    ]);

    const ws = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    await ws.opened;
    const socket: Socket = io(`${base}/market`, { transports: ['websocket'], forceNew: true });
    try {
      const browser: Record<string, Record<string, unknown>> = {};
      socket.on('quotes', (quotes: Record<string, Record<string, unknown>>) => {
        for (const [id, patch] of Object.entries(quotes))
          browser[id] = { ...browser[id], ...patch };
      });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      ws.send({ aid: 'subscribe_quote', ins_list: 'SHFE.rb2605' });
      socket.emit('subscribe', ['SHFE.rb2605', 'DCE.m2605']);
      await waitFor(() => ws.quotes['SHFE.rb2605']?.last_price === 3512, {
        what: 'the CTP tick on /ws/market',
      });
      await waitFor(() => browser['DCE.m2605']?.last_price === 2890, {
        what: 'the DCE tick on Socket.IO',
      });

      const fields = Object.fromEntries(
        TICK_1.split(' ').map((kv) => {
          const [k, v] = kv.split('=') as [string, string];
          return [
            k,
            v === 'MAX' ? undefined : /^[\d.]+$/.test(v) && !/Time|Day/.test(k) ? Number(v) : v,
          ];
        }),
      );
      const expected = ctpTickToSnapshot({ ...fields, InstrumentID: 'rb2605' }, 'SHFE')!;
      const quote = ws.quotes['SHFE.rb2605']!;
      for (const key of [
        'last_price',
        'volume',
        'amount',
        'open_interest',
        'upper_limit',
        'bid_price1',
        'ask_volume1',
        'average',
        'datetime',
      ] as const)
        expect([key, quote[key]]).toEqual([key, expected[key]]);
      expect(quote.datetime).toBe('2026-01-05T13:00:01.500Z');
      expect(quote.close).toBeUndefined(); // null in QAMD = deleted by the merge patch
      expect(quote.settlement).toBe('-');
      expect(browser['SHFE.rb2605']?.last_price).toBe(3512);

      const status = await request(app.getHttpServer()).get('/api/status').expect(200);
      expect(status.body.sources).toContainEqual(
        expect.objectContaining({
          name: 'ctp',
          state: 'connected',
          detail: 'trading day 20260106 (6.3.15 layout)',
        }),
      );

      // The front drops: the state says why; CTP reconnects, the MdApi logs in and subscribes again.
      const subscribedBefore = journalLines().filter((l) => l.startsWith('Subscribe')).length;
      writeFileSync(release, 'go');
      await waitFor(() => ws.quotes['SHFE.rb2605']?.last_price === 3520, {
        what: 'the tick after the reconnect',
      });
      const lines = journalLines();
      expect(lines.filter((l) => l === 'Connected')).toHaveLength(2);
      expect(lines.filter((l) => l.startsWith('ReqUserLogin'))).toEqual([
        'ReqUserLogin broker=9999 user=demo',
        'ReqUserLogin broker=9999 user=demo',
      ]);
      // Two clients wanted rb2605: one subscribe per connection, never a duplicate.
      expect(subscribedBefore).toBe(2);
      expect(lines.filter((l) => l === 'Subscribe rb2605')).toHaveLength(2);
      expect(lines.filter((l) => l === 'Subscribe m2605')).toHaveLength(2);
      const statuses = ws.messages.filter((m) => m.type === 'status');
      expect(JSON.stringify(statuses)).toContain('front disconnected: 4097 (network read failed)');
    } finally {
      ws.close();
      socket.disconnect();
    }
  });
});

describe('md-gateway ctp source on a 6.5.1-layout library (6.5.1 … 6.7.11)', () => {
  const start = async (layout?: string): Promise<INestApplication> => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-ctp651-'));
    const script = join(dir, 'script.txt');
    writeFileSync(
      script,
      [
        'instruments rb2605',
        'trading_day 20260106',
        'connect',
        'wait_subscribed rb2605 60000',
        `tick rb2605 ${TICK_1}`,
      ].join('\n') + '\n',
    );
    const config = loadConfig({
      QAMDGATEWAY_CONFIG: JSON.stringify({
        rest_api: { host: '127.0.0.1', port: 0 },
        sources: [
          {
            type: 'ctp',
            front_addr: `script://${script}`,
            library: fakeLibrary('md', '6.5.1'),
            flow_path: join(dir, 'flow'),
            instruments: ['SHFE.rb2605'],
            ...(layout ? { layout } : {}),
          },
        ],
      }),
      LOG_LEVEL: 'silent',
    });
    return bootstrap(config);
  };

  it('follows the library to the 6.5.1 layout: the same snapshots; a layout set against the library is refused in /api/status', async () => {
    const app = await start();
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const ws = new MarketClient(`${base.replace('http', 'ws')}/ws/market`);
    try {
      await ws.opened;
      ws.send({ aid: 'subscribe_quote', ins_list: 'SHFE.rb2605' });
      await waitFor(() => ws.quotes['SHFE.rb2605']?.last_price === 3512, {
        what: 'the tick of the 6.5.1 library',
      });
      expect(ws.quotes['SHFE.rb2605']).toMatchObject({
        volume: 1200,
        bid_price1: 3511,
        ask_volume1: 7,
        datetime: '2026-01-05T13:00:01.500Z',
      });
      const status = await request(app.getHttpServer()).get('/api/status').expect(200);
      expect(status.body.sources).toContainEqual(
        expect.objectContaining({
          name: 'ctp',
          state: 'connected',
          detail: 'trading day 20260106 (6.5.1 layout)',
        }),
      );
    } finally {
      ws.close();
      await app.close();
    }

    const wrong = await start('6.3.15');
    try {
      const status = await request(wrong.getHttpServer()).get('/api/status').expect(200);
      expect(status.body.sources).toContainEqual(
        expect.objectContaining({
          name: 'ctp',
          state: 'disconnected',
          detail: expect.stringMatching(/v6\.5\.1", which has the 6\.5\.1 layout.*set to 6\.3\.15/),
        }),
      );
    } finally {
      await wrong.close();
    }
    expect(() =>
      loadConfig({
        QAMDGATEWAY_CONFIG: JSON.stringify({
          sources: [
            { type: 'ctp', front_addr: 'tcp://127.0.0.1:1', library: '/x.so', layout: '6.6.7' },
          ],
        }),
      }),
    ).toThrow(/layout.*must be '6\.3\.15' or '6\.5\.1'/);
  });
});
