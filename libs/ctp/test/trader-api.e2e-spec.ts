import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@qautlra/testing';
import {
  fakeLibrary,
  TraderApi,
  type CtpError,
  type CtpStruct,
  type TraderSession,
} from '@qautlra/ctp';
import { scriptedFront } from './support/scripted-front';

const INACTIVE = '\\xc7\\xb0\\xd6\\xc3\\xb2\\xbb\\xbb\\xee\\xd4\\xbe'; // 前置不活跃 in GB18030

function trader(
  front: ReturnType<typeof scriptedFront>,
  extra: Partial<ConstructorParameters<typeof TraderApi>[0]> = {},
) {
  const api = new TraderApi({
    library: fakeLibrary('trader'),
    frontAddr: front.front,
    flowPath: front.flow,
    brokerId: '9999',
    userId: 'u1',
    password: 'secret',
    appId: 'simnow_client_test',
    authCode: '0000000000000000',
    retryBaseMs: 20,
    ...extra,
  });
  const seen = {
    orders: [] as CtpStruct[],
    trades: [] as CtpStruct[],
    errors: [] as CtpError[],
    ready: [] as TraderSession[],
    disconnects: [] as number[],
  };
  api.on('order', (o) => seen.orders.push(o));
  api.on('trade', (t) => seen.trades.push(t));
  api.on('error', (e) => seen.errors.push(e));
  api.on('ready', (s) => seen.ready.push(s));
  api.on('disconnected', (r) => seen.disconnects.push(r));
  return { api, seen };
}

describe('native-ctp TraderApi on the fake trader front', () => {
  it('authenticates, logs in, confirms; an order fills; positions and account follow from the queries', async () => {
    const front = scriptedFront([
      'user u1 secret',
      'cash 1000000',
      'commission 2',
      'instrument rb2605 SHFE 10 1 0.1 3500',
      'connect',
    ]);
    const { api, seen } = trader(front);
    api.connect();
    try {
      await waitFor(() => seen.ready.length === 1, { what: 'ready' });
      expect(seen.ready[0]).toMatchObject({ frontId: 1, sessionId: 1 });
      const key = api.insertOrder({
        instrumentId: 'rb2605',
        exchangeId: 'SHFE',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 2,
        price: 3500,
      });
      expect(key).toEqual({ frontId: 1, sessionId: 1, orderRef: '1' });
      await waitFor(() => seen.trades.length === 1 && seen.orders.at(-1)?.OrderStatus === '0', {
        what: 'the fill',
      });
      expect(seen.orders.map((o) => `${o.OrderSubmitStatus}${o.OrderStatus}`)).toEqual([
        '0a',
        '33',
        '30',
      ]);
      expect(seen.orders.at(-1)).toMatchObject({
        OrderRef: '1',
        InstrumentID: 'rb2605',
        ExchangeID: 'SHFE',
        VolumeTraded: 2,
        StatusMsg: '全部成交',
      });
      expect(seen.trades[0]).toMatchObject({
        Price: 3500,
        Volume: 2,
        Direction: '0',
        OffsetFlag: '0',
      });

      api.insertOrder({
        instrumentId: 'rb2605',
        exchangeId: 'SHFE',
        direction: 'SELL',
        offset: 'CLOSETODAY',
        volume: 1,
        price: 3510,
      });
      await waitFor(() => seen.trades.length === 2, { what: 'the close' });
      // Several queries at once: queued, one in flight.
      const [positions, account, orders, trades, instruments] = await Promise.all([
        api.queryPositions(),
        api.queryAccount(),
        api.queryOrders(),
        api.queryTrades(),
        api.queryInstruments(),
      ]);
      expect(positions).toEqual([
        expect.objectContaining({
          InstrumentID: 'rb2605',
          PosiDirection: '2',
          Position: 1,
          TodayPosition: 1,
          YdPosition: 0,
        }),
      ]);
      // close profit (3510 − 3500) × 10 = 100; the lot held marked at 3510: +100; commission 3 lots × 2
      expect(account[0]).toMatchObject({
        CloseProfit: 100,
        PositionProfit: 100,
        Commission: 6,
        Balance: 1_000_194,
        CurrMargin: 3510,
      });
      expect(orders).toHaveLength(2);
      expect(trades).toHaveLength(2);
      expect(instruments).toEqual([
        expect.objectContaining({
          InstrumentID: 'rb2605',
          ExchangeID: 'SHFE',
          VolumeMultiple: 10,
          PriceTick: 1,
        }),
      ]);
      expect(front.received().filter((l) => l.startsWith('ReqQry'))).toHaveLength(5);
    } finally {
      api.close();
    }
  });

  it('reports refusals in plain words (GB18030) with the order they refused', async () => {
    const front = scriptedFront(['instrument rb2605 SHFE 10 1 0.1 3500', 'connect']);
    const { api, seen } = trader(front);
    api.connect();
    try {
      await waitFor(() => seen.ready.length === 1, { what: 'ready' });
      api.insertOrder({
        instrumentId: 'xx0000',
        exchangeId: 'SHFE',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1,
        price: 1,
      });
      api.insertOrder({
        instrumentId: 'rb2605',
        exchangeId: 'SHFE',
        direction: 'SELL',
        offset: 'CLOSEYESTERDAY',
        volume: 1,
        price: 3500,
      });
      api.insertOrder({
        instrumentId: 'rb2605',
        exchangeId: 'SHFE',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1000,
        price: 3500,
      });
      await waitFor(() => seen.errors.length === 3, { what: 'three refusals' });
      expect(seen.errors).toEqual([
        { where: 'ReqOrderInsert', code: 16, message: '找不到合约', orderRef: '1' },
        { where: 'ReqOrderInsert', code: 51, message: '平昨仓位不足', orderRef: '2' },
        { where: 'ReqOrderInsert', code: 31, message: '资金不足', orderRef: '3' },
      ]);
      expect(seen.orders).toEqual([]);
      expect(() =>
        api.insertOrder({
          instrumentId: 'rb2605',
          exchangeId: 'SHFE',
          direction: 'BUY',
          offset: 'OPEN',
          volume: 0,
          price: 1,
        }),
      ).toThrow(/volume/);
      expect(() =>
        api.insertOrder({
          instrumentId: '螺纹',
          exchangeId: 'SHFE',
          direction: 'BUY',
          offset: 'OPEN',
          volume: 1,
          price: 1,
        }),
      ).toThrow(/ASCII/);
    } finally {
      api.close();
    }
  });

  it('waits out flow control: queries the front refuses with -3 are sent again later', async () => {
    const front = scriptedFront([
      'query_interval 150',
      'instrument rb2605 SHFE 10 1 0.1 3500',
      'connect',
    ]);
    const { api, seen } = trader(front);
    api.connect();
    try {
      await waitFor(() => seen.ready.length === 1, { what: 'ready' });
      const results = await Promise.all([
        api.queryAccount(),
        api.queryAccount(),
        api.queryInstruments(),
      ]);
      expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
      expect(front.received().filter((l) => l.startsWith('ReqQry'))).toEqual([
        'ReqQryTradingAccount',
        'ReqQryTradingAccount',
        'ReqQryInstrument',
      ]);
    } finally {
      api.close();
    }
  });

  it('authenticates again after 前置不活跃, and stops logging in after a bad password (no lock-out)', async () => {
    const front = scriptedFront(['user u1 secret', `auth_error 8 ${INACTIVE}`, 'connect']);
    const { api, seen } = trader(front);
    api.connect();
    try {
      await waitFor(() => seen.ready.length === 1, { what: 'ready after the retry' });
      expect(seen.errors).toEqual([{ where: 'ReqAuthenticate', code: 8, message: '前置不活跃' }]);
      expect(front.received().filter((l) => l.startsWith('ReqAuthenticate'))).toHaveLength(2);
    } finally {
      api.close();
    }

    const wrong = scriptedFront([
      'user u1 secret',
      'connect',
      'wait_file SIGNAL 10000',
      'disconnect 4097',
      'connect',
      'sleep 50',
      'connect',
    ]);
    const bad = trader(wrong, { password: 'wrong', appId: '' });
    bad.api.connect();
    try {
      await waitFor(() => bad.seen.errors.length === 1, { what: 'the refusal' });
      expect(bad.seen.errors[0]).toEqual({
        where: 'ReqUserLogin',
        code: 3,
        message: '不合法的登录',
      });
      wrong.release();
      await waitFor(() => wrong.received().filter((l) => l === 'Connected').length === 3, {
        what: 'the reconnects',
      });
      // Let the reconnects' callbacks reach JS: a round trip through another session.
      await waitFor(() => bad.seen.disconnects.length === 1, { what: 'the break' });
      expect(wrong.received().filter((l) => l.startsWith('ReqUserLogin'))).toHaveLength(1);
      expect(bad.seen.ready).toEqual([]);
    } finally {
      bad.api.close();
    }
  });

  it('reconciles a reconnect mid-order: the replayed private flow adds no duplicate order or trade', async () => {
    const front = scriptedFront([
      'fill manual',
      'instrument rb2605 SHFE 10 1 0.1 3500',
      'connect',
      'wait_orders 1',
      'wait_file SIGNAL 10000',
      'disconnect 4097',
      'sleep 30',
      'connect',
      'wait_login',
      'sleep 30',
      'fill_order 1 3499',
    ]);
    const { api, seen } = trader(front, { appId: '' });
    api.connect();
    try {
      await waitFor(() => seen.ready.length === 1, { what: 'ready' });
      api.insertOrder({
        instrumentId: 'rb2605',
        exchangeId: 'SHFE',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1,
        price: 3499,
      });
      await waitFor(() => seen.orders.at(-1)?.OrderStatus === '3', { what: 'the order queueing' });
      front.release();
      await waitFor(() => seen.trades.length === 1 && seen.orders.at(-1)?.OrderStatus === '0', {
        what: 'the fill after the reconnect',
      });
      expect(seen.disconnects).toEqual([4097]);
      expect(seen.ready.map((s) => s.sessionId)).toEqual([1, 2]);
      // The replay of 'a' and '3' after the second login changed nothing: each state once.
      expect(seen.orders.map((o) => `${o.OrderSubmitStatus}${o.OrderStatus}`)).toEqual([
        '0a',
        '33',
        '30',
      ]);
      const orders = await api.queryOrders();
      expect(orders).toHaveLength(1);
      // A new session's order refs start above the front's MaxOrderRef: no ref is used twice.
      expect(
        api.insertOrder({
          instrumentId: 'rb2605',
          exchangeId: 'SHFE',
          direction: 'SELL',
          offset: 'CLOSETODAY',
          volume: 1,
          price: 3500,
        }).orderRef,
      ).toBe('2');
    } finally {
      api.close();
    }
  });
});

describe('native-ctp TraderApi version guard', () => {
  it('trades through 6.3.x (≤ 6.3.15) libraries only: a 6.5.1+ trader library is refused before anything is created', async () => {
    const front = scriptedFront([]);
    // The fake reports another version when told by its environment (a child process: Jest's process.env
    // is not the process's own).
    const script = `
      const { TraderApi, fakeLibrary } = require('./native-ctp');
      const api = new TraderApi({ library: fakeLibrary('trader'), frontAddr: ${JSON.stringify(front.front)}, flowPath: ${JSON.stringify(front.flow)}, brokerId: '9999', userId: 'u1', password: 'p' });
      try { api.connect(); console.log('connected'); } catch (error) { console.log(error.message); }
      api.close();
    `;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, QAUTLRA_FAKE_CTP_VERSION: 'v6.7.8_20240918 14:34:34.8082' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, out: out.trim() }).toEqual({
      code: 0,
      out: expect.stringMatching(
        /reports "v6\.7\.8_20240918.*6\.3\.x \(≤ 6\.3\.15\) trader libraries only/,
      ),
    });
    expect(existsSync(front.flow)).toBe(false);
  });
});
