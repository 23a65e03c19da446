import { parseIndicator } from '@qautlra/indicators';
import { waitFor } from '@qautlra/testing';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealtimeStack, TopicClient } from './support/realtime-stack';

const RB = 'SHFE.rb2601';
const MINUTE = 60_000;
const BEIJING = 8 * 3_600_000;
const beijingText = (ms: number) =>
  new Date(ms + BEIJING).toISOString().replace('T', ' ').replace('Z', '');

/** A double of the tsdb's `GET /api/v1/bars` (the history a factor room is warmed with). */
function tsdbDouble(rows: Record<string, unknown>[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://tsdb');
    if (url.pathname !== '/api/v1/bars' || url.searchParams.get('instrument') !== RB) {
      response.statusCode = 404;
      response.end('[]');
      return;
    }
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(rows));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('realtime factor rooms: live bars and libs/indicators values, tick by tick', () => {
  jest.setTimeout(120_000);
  let stack: RealtimeStack;
  let tsdb: { server: Server; url: string };
  let url: string;
  let token: string;
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
  const history = Array.from({ length: 12 }, (_, i) => {
    const close = 3300 + ((i * 7) % 11) - 5;
    return {
      datetime: new Date(start + i * MINUTE).toISOString(),
      trading_day: '2026-12-08',
      open: close - 1,
      high: close + 2,
      low: close - 3,
      close,
      volume: 10 + i,
    };
  });

  beforeAll(async () => {
    tsdb = await tsdbDouble(history);
    stack = await RealtimeStack.start([RB]);
    token = await stack.newUser('rtfactor');
    ({ url } = await stack.addRealtime({ REALTIME_TSDB_URL: tsdb.url }));
  });

  afterAll(async () => {
    await stack?.close();
    tsdb?.server.close();
  });

  it('warms from the tsdb, then keeps the indicator equal to its batch form over the same bars on every tick', async () => {
    const client = await TopicClient.open(url);
    await client.ask({ topic: 'auth', key: token }, 'auth_result');
    const sub = await client.ask(
      { topic: 'realtime_sub', room: 'factor:shfe.RB2601:1min:macd(3,5,2)' },
      'realtime_sub_result',
    );
    const room = 'FACTOR:SHFE.rb2601:1m:MACD(3,5,2)';
    expect(sub).toMatchObject({ code: 200, room });
    await waitFor(() => client.rooms.get(room)?.warmup === '12 bars of history', {
      what: 'the factor room warmed from the tsdb',
    });
    const spec = parseIndicator('MACD(3,5,2)');
    let volume = 0;
    const liveStart = start + 15 * MINUTE;
    const ticks = [0, 10, 40, 61, 75, 119, 121, 150, 185].map((second, i) => ({
      at: liveStart + second * 1_000,
      price: 3300 + ((i * 5) % 13) - 6,
    }));
    for (const tick of ticks) {
      volume += 3;
      stack.market.quote(RB, {
        datetime: beijingText(tick.at),
        last_price: tick.price,
        volume,
        bid_price1: tick.price - 1,
        ask_price1: tick.price + 1,
      });
      await waitFor(
        () => {
          const state = client.rooms.get(room);
          const last = state?.data?.[String(state.last_id)];
          return (
            last?.close === tick.price &&
            last?.volume > 0 &&
            state.data[String(state.last_id)].datetime ===
              beijingText(Math.floor(tick.at / MINUTE) * MINUTE).slice(0, 19)
          );
        },
        { what: `the tick at ${beijingText(tick.at)} in the room` },
      );
      const state = client.rooms.get(room);
      const ids = Object.keys(state.data)
        .map(Number)
        .sort((a, b) => a - b);
      const bars = ids.map(
        (id) =>
          state.data[String(id)] as {
            high: number;
            low: number;
            close: number;
            volume: number;
            value?: Record<string, number>;
          },
      );
      const batch = spec.batch({
        high: Float64Array.from(bars, (b) => b.high),
        low: Float64Array.from(bars, (b) => b.low),
        close: Float64Array.from(bars, (b) => b.close),
        volume: Float64Array.from(bars, (b) => b.volume),
      }) as Record<string, Float64Array>;
      bars.forEach((bar, i) => {
        for (const key of ['dif', 'dea', 'histogram']) {
          const expected = batch[key]![i]!;
          if (Number.isNaN(expected)) expect(bar.value?.[key]).toBeUndefined();
          else expect(bar.value?.[key]).toBeCloseTo(expected, 9);
        }
      });
      expect(state.value).toEqual(bars.at(-1)?.value);
    }
    // 12 bars of history and the live ones (15th, 16th, 17th, 18th minute).
    const finalState = client.rooms.get(room);
    expect(Object.keys(finalState.data)).toHaveLength(12 + 4);
    client.close();
  });

  it('ranks an indicator across instruments in a RANK room and refuses bad names', async () => {
    const client = await TopicClient.open(url);
    await client.ask({ topic: 'auth', key: token }, 'auth_result');
    for (const bad of [
      'FACTOR:SHFE.rb2601:7min:MA(3)',
      'FACTOR:SHFE.rb2601:1m:FOO(1)',
      'RANK:1m:MA(3):',
      'nothing',
    ])
      expect(
        await client.ask({ topic: 'realtime_sub', room: bad }, 'realtime_sub_result'),
      ).toMatchObject({ code: 400 });
    const sub = await client.ask(
      { topic: 'realtime_sub', room: `RANK:1m:ROC(2):${RB}` },
      'realtime_sub_result',
    );
    expect(sub.code).toBe(200);
    await waitFor(() => client.rooms.get(sub.room)?.ranking?.length === 1, {
      what: 'the ranking',
    });
    expect(client.rooms.get(sub.room).ranking[0]).toMatchObject({ instrument: RB, rank: 1 });
    client.close();
  });
});
