import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startTsdb, TestTsdb } from './support/start-tsdb';

interface Tick {
  instrument_id: string;
  datetime: string;
  last_price: number;
  volume: number;
  amount: number;
  open_interest: number;
}

/** Deterministic ticks: a Friday day session, the Friday night session (Monday's trading day), Monday. */
function makeTicks(): Tick[] {
  const ticks: Tick[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const sessions: [string, string, number][] = [
    ['2025-03-28T01:00:00Z', 'day', 240], // Fri 09:00 Beijing
    ['2025-03-28T13:00:00Z', 'night', 240], // Fri 21:00 → trading day Mon 03-31
    ['2025-03-31T01:00:00Z', 'day', 240], // Mon 09:00
  ];
  for (const id of ['SHFE.au2512', 'SHFE.rb2510']) {
    let price = id.includes('au') ? 600 : 3300;
    const dayVolume = new Map<string, number>();
    const dayAmount = new Map<string, number>();
    let oi = 100_000;
    for (const [start, , count] of sessions) {
      const day = start.startsWith('2025-03-28T01') ? '2025-03-28' : '2025-03-31';
      for (let i = 0; i < count; i += 1) {
        const t = Date.parse(start) + i * 7_500 + Math.floor(random() * 5_000);
        price = Math.round((price + (random() - 0.5) * 2) * 100) / 100;
        const lots = 1 + Math.floor(random() * 10);
        dayVolume.set(day, (dayVolume.get(day) ?? 0) + lots);
        dayAmount.set(day, (dayAmount.get(day) ?? 0) + lots * price * 1000);
        oi += Math.round((random() - 0.5) * 6);
        ticks.push({
          instrument_id: id,
          datetime: new Date(t).toISOString(),
          last_price: price,
          volume: dayVolume.get(day)!,
          amount: Math.round(dayAmount.get(day)! * 100) / 100,
          open_interest: oi,
        });
      }
    }
  }
  return ticks;
}

const tradingDay = (datetime: string) =>
  Date.parse(datetime) >= Date.parse('2025-03-28T08:00:00Z') ? '2025-03-31' : '2025-03-28';

/** Bars computed here, independently of the server's SQL. */
function expectedBars(ticks: Tick[], id: string, periodMs: number) {
  const mine = ticks
    .filter((t) => t.instrument_id === id)
    .sort((a, b) => a.datetime.localeCompare(b.datetime));
  const groups = new Map<string, Tick[]>();
  for (const tick of mine) {
    const day = tradingDay(tick.datetime);
    const bar =
      periodMs === 0 ? day : String(Math.floor(Date.parse(tick.datetime) / periodMs) * periodMs);
    const key = `${day}|${bar}`;
    groups.set(key, [...(groups.get(key) ?? []), tick]);
  }
  const previous = new Map<string, { volume: number; amount: number }>();
  return [...groups.entries()].map(([key, group]) => {
    const day = key.split('|')[0]!;
    const last = group.at(-1)!;
    const before = previous.get(day) ?? { volume: 0, amount: 0 };
    previous.set(day, { volume: last.volume, amount: last.amount });
    return {
      trading_day: day,
      open: group[0]!.last_price,
      high: Math.max(...group.map((t) => t.last_price)),
      low: Math.min(...group.map((t) => t.last_price)),
      close: last.last_price,
      volume: last.volume - before.volume,
      amount: Math.round((last.amount - before.amount) * 100) / 100,
      open_interest: last.open_interest,
      ticks: group.length,
    };
  });
}

describe('tsdb bars and latest', () => {
  let app: INestApplication;
  let tsdb: TestTsdb;
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const ticks = makeTicks();

  beforeAll(async () => {
    tsdb = await startTsdb();
    app = tsdb.app;
    const server = app.getHttpServer();
    await request(server)
      .put('/api/v1/logstream/md')
      .set('Authorization', auth)
      .set('X-P-Partition-By', 'instrument_id')
      .expect(200);
    // Half flushed to Parquet, half staged: bars must see both.
    const half = Math.floor(ticks.length / 2);
    await request(server)
      .post('/api/v1/logstream/md')
      .set('Authorization', auth)
      .send(ticks.slice(0, half))
      .expect(200);
    await request(server).post('/api/v1/flush').set('Authorization', auth).expect(200);
    await request(server)
      .post('/api/v1/logstream/md')
      .set('Authorization', auth)
      .send(ticks.slice(half))
      .expect(200);
  });
  afterAll(() => tsdb.close());

  it.each([
    ['1m', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 0],
  ] as const)(
    '%s bars equal bars computed independently from the same ticks',
    async (period, ms) => {
      for (const id of ['SHFE.au2512', 'SHFE.rb2510']) {
        const response = await request(app.getHttpServer())
          .get(`/api/v1/bars?stream=md&instrument=${id}&period=${period}`)
          .set('Authorization', auth)
          .expect(200);
        const got = (response.body as Record<string, number | string>[]).map(
          ({ datetime: _ignored, ...bar }) => ({
            ...bar,
            amount: Math.round((bar.amount as number) * 100) / 100,
          }),
        );
        expect(got).toEqual(expectedBars(ticks, id, ms));
      }
    },
  );

  it('daily bars put the Friday night session on Monday', async () => {
    const response = await request(app.getHttpServer())
      .get('/api/v1/bars?stream=md&instrument=SHFE.au2512&period=1d')
      .set('Authorization', auth)
      .expect(200);
    expect(
      response.body.map((bar: { trading_day: string; ticks: number }) => [
        bar.trading_day,
        bar.ticks,
      ]),
    ).toEqual([
      ['2025-03-28', 240],
      ['2025-03-31', 480],
    ]);
  });

  it('latest gives the newest tick per instrument', async () => {
    const response = await request(app.getHttpServer())
      .get('/api/v1/latest?stream=md&instruments=SHFE.rb2510,SHFE.au2512,SHFE.nope')
      .set('Authorization', auth)
      .expect(200);
    const newest = (id: string) =>
      ticks
        .filter((t) => t.instrument_id === id)
        .sort((a, b) => a.datetime.localeCompare(b.datetime))
        .at(-1);
    expect(response.body).toEqual([newest('SHFE.rb2510'), newest('SHFE.au2512')]);
  });

  it('rejects a bad period naming it', async () => {
    const response = await request(app.getHttpServer())
      .get('/api/v1/bars?stream=md&instrument=SHFE.au2512&period=7m')
      .set('Authorization', auth)
      .expect(400);
    expect(response.body).toMatchObject({
      code: 'INVALID_REQUEST',
      details: [{ field: 'period', problems: [expect.stringContaining('1m')] }],
    });
  });
});

describe('tsdb modes', () => {
  it('--mode ingest refuses queries and --mode query refuses ingest, with 403', async () => {
    const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
    const ingestOnly = await startTsdb({ P_MODE: 'ingest' });
    try {
      await request(ingestOnly.app.getHttpServer())
        .post('/api/v1/ingest')
        .set('Authorization', auth)
        .set('X-P-Stream', 's')
        .send({ a: 1 })
        .expect(200);
      const refused = await request(ingestOnly.app.getHttpServer())
        .post('/api/v1/query')
        .set('Authorization', auth)
        .send({ query: 'SELECT 1' })
        .expect(403);
      expect(refused.body.message).toBe('this server runs in ingest mode: query is disabled');
    } finally {
      await ingestOnly.close();
    }
    const queryOnly = await startTsdb({ P_MODE: 'query' });
    try {
      await request(queryOnly.app.getHttpServer())
        .post('/api/v1/ingest')
        .set('Authorization', auth)
        .set('X-P-Stream', 's')
        .send({ a: 1 })
        .expect(403);
      await request(queryOnly.app.getHttpServer())
        .post('/api/v1/query')
        .set('Authorization', auth)
        .send({ query: 'SELECT 1 AS one' })
        .expect(200, [{ one: 1 }]);
    } finally {
      await queryOnly.close();
    }
  });
});
