import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@qautlra/testing';
import {
  fakeLibrary,
  MdApi,
  nativeAddon,
  loadCatalog,
  type CtpError,
  type CtpStruct,
} from '@qautlra/ctp';

/** A fake front's script in a fresh folder; returns the front address, journal and flow folder. */
function scripted(lines: string[]): { front: string; journal: string; flow: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ctp-md-'));
  const journal = join(dir, 'journal.txt');
  const script = join(dir, 'script.txt');
  writeFileSync(script, [`journal ${journal}`, ...lines].join('\n') + '\n');
  return { front: `script://${script}`, journal, flow: join(dir, 'flow') };
}

const journalOf = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];

describe('native-ctp MdApi on the fake front (dlopen, vtable, callbacks through the channel)', () => {
  it('lays every struct out as the compiler does', () => {
    const native = nativeAddon().layout();
    const catalog = loadCatalog();
    expect(Object.keys(native.sizes).length).toBe(catalog.structs.size);
    for (const [name, size] of Object.entries(native.sizes))
      expect([name, catalog.structs.get(name)!.size]).toEqual([name, size]);
    for (const [struct, field, offset] of native.offsets)
      expect([struct, field, catalog.structs.get(struct)!.byName.get(field)!.offset]).toEqual([
        struct,
        field,
        offset,
      ]);
    expect(native.sizes.CThostFtdcDepthMarketDataField).toBe(408);
    expect(MdApi.version(fakeLibrary('md'))).toBe('qautlra-fake-md v6.3.15');
  });

  it('refuses a library of another ABI version before creating anything', async () => {
    const { front, flow } = scripted(['connect']);
    // The fake reports another version when told by its environment (a child process: Jest's
    // process.env is not the process's own).
    const script = `
      const { MdApi, fakeLibrary } = require('./native-ctp');
      const api = new MdApi({ library: fakeLibrary('md'), frontAddr: ${JSON.stringify(front)}, flowPath: ${JSON.stringify(flow)} });
      try { api.connect(); console.log('connected'); } catch (error) { console.log(error.message); }
      api.close();
    `;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { ...process.env, QAUTLRA_FAKE_CTP_VERSION: 'v6.6.7_20220613 14:52:04.1708' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/reports "v6\.6\.7_20220613.*drives the 6\.3\.15 ABI/);
    expect(existsSync(flow)).toBe(false);
  });

  it('logs in, subscribes, and hands over every tick field; refusals in GB18030 are decoded', async () => {
    const { front, journal, flow } = scripted([
      'instruments rb2601 au2606',
      'trading_day 20260106',
      'connect',
      'wait_subscribed rb2601',
      'tick rb2601 ExchangeID=SHFE LastPrice=3512 PreSettlementPrice=3500 Volume=1200 Turnover=42144000 ' +
        'OpenInterest=150000 ClosePrice=MAX SettlementPrice=MAX UpperLimitPrice=3780 LowerLimitPrice=3220 ' +
        'UpdateTime=21:00:01 UpdateMillisec=500 BidPrice1=3511 BidVolume1=12 AskPrice1=3513 AskVolume1=7 ' +
        'AveragePrice=35120 ActionDay=20260105',
      'tick rb2601 LastPrice=3513 Volume=1201 UpdateTime=21:00:02',
    ]);
    const api = new MdApi({
      library: fakeLibrary('md'),
      frontAddr: front,
      flowPath: flow,
      brokerId: '9999',
      userId: 'u1',
    });
    const ticks: CtpStruct[] = [];
    const errors: CtpError[] = [];
    const days: string[] = [];
    api.on('tick', (t) => ticks.push(t));
    api.on('error', (e) => errors.push(e));
    api.on('login', (d) => days.push(d));
    api.subscribe(['rb2601', 'xx9999', 'x'.repeat(31), 'rb 2601', '']);
    api.connect();
    try {
      await waitFor(() => ticks.length === 2 && errors.length === 4, {
        what: 'two ticks and the refusals',
      });
      // Ids the library's char[31] could not hold are refused here and never sent.
      expect(errors.slice(0, 3).map((e) => e.instrument)).toEqual(['x'.repeat(31), 'rb 2601', '']);
      expect(errors.slice(0, 3).every((e) => e.code === -1)).toBe(true);
      errors.splice(0, 3);
      expect(days).toEqual(['20260106']);
      expect(ticks[0]).toMatchObject({
        TradingDay: '20260106',
        InstrumentID: 'rb2601',
        ExchangeID: 'SHFE',
        LastPrice: 3512,
        PreSettlementPrice: 3500,
        Volume: 1200,
        Turnover: 42144000,
        OpenInterest: 150000,
        UpperLimitPrice: 3780,
        LowerLimitPrice: 3220,
        UpdateTime: '21:00:01',
        UpdateMillisec: 500,
        BidPrice1: 3511,
        BidVolume1: 12,
        AskPrice1: 3513,
        AskVolume1: 7,
        AveragePrice: 35120,
        ActionDay: '20260105',
      });
      // DBL_MAX (no close or settlement yet) is absent, not 1.79e308.
      expect(ticks[0]!.ClosePrice).toBeUndefined();
      expect(ticks[0]!.SettlementPrice).toBeUndefined();
      expect(errors[0]).toEqual({
        where: 'SubscribeMarketData',
        code: 16,
        message: '找不到合约',
        instrument: 'xx9999',
      });
      expect(api.subscriptions).toEqual(['rb2601']);
      expect(journalOf(journal)).toEqual([
        'Connected',
        'ReqUserLogin broker=9999 user=u1',
        'Subscribe rb2601',
        'Subscribe xx9999',
      ]);
    } finally {
      api.close();
    }
  });

  it('re-logs in and re-subscribes in place after a disconnect, each instrument once per connection', async () => {
    const { front, journal, flow } = scripted([
      'connect',
      'wait_subscribed rb2601',
      'tick rb2601 LastPrice=1 Volume=1 UpdateTime=09:00:00',
      'disconnect 4097',
      'sleep 30',
      'connect',
      'wait_subscribed rb2601',
      'tick rb2601 LastPrice=2 Volume=2 UpdateTime=09:00:01',
    ]);
    const api = new MdApi({ library: fakeLibrary('md'), frontAddr: front, flowPath: flow });
    const prices: unknown[] = [];
    const reasons: number[] = [];
    let connects = 0;
    api.on('tick', (t) => prices.push(t.LastPrice));
    api.on('disconnected', (r) => reasons.push(r));
    api.on('connected', () => connects++);
    api.on('subscribed', () => api.subscribe(['rb2601'])); // asking again changes nothing
    api.subscribe(['rb2601']);
    api.subscribe(['rb2601']);
    api.connect();
    api.connect(); // one API object per session
    try {
      await waitFor(() => prices.length === 2, { what: 'ticks before and after the reconnect' });
      expect(prices).toEqual([1, 2]);
      expect(reasons).toEqual([4097]);
      expect(connects).toBe(2);
      expect(journalOf(journal)).toEqual([
        'Connected',
        'ReqUserLogin broker= user=',
        'Subscribe rb2601',
        'Disconnected',
        'Connected',
        'ReqUserLogin broker= user=',
        'Subscribe rb2601',
      ]);
    } finally {
      api.close();
    }
  });

  it('drops callbacks that arrive after close(), and survives 1,000 create/close cycles without growing', async () => {
    const { front, flow } = scripted([
      'connect',
      'wait_subscribed rb2601',
      'mark',
      'burst rb2601 200 LastPrice=3500 UpdateTime=09:00:00',
      'loop',
    ]);
    const api = new MdApi({ library: fakeLibrary('md'), frontAddr: front, flowPath: flow });
    let ticks = 0;
    api.on('tick', () => ticks++);
    api.subscribe(['rb2601']);
    api.connect();
    await waitFor(() => ticks > 1000, { what: 'a stream of ticks' });
    api.close();
    const atClose = ticks;

    const cycle = async (): Promise<void> => {
      const one = scripted(['connect']);
      const session = new MdApi({
        library: fakeLibrary('md'),
        frontAddr: one.front,
        flowPath: one.flow,
      });
      const loggedIn = new Promise<void>((resolve) => session.once('login', () => resolve()));
      session.connect();
      await loggedIn;
      session.close();
    };
    for (let i = 0; i < 100; i++) await cycle();
    // Anything the closed session had queued would have been delivered during these round trips.
    expect(ticks).toBe(atClose);
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) await cycle();
    global.gc?.();
    const growth = process.memoryUsage().rss - before;
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  });

  it('lets Node exit once the session is closed', async () => {
    const { front, flow } = scripted(['connect']);
    const script = `
      const { MdApi, fakeLibrary } = require('./native-ctp');
      const api = new MdApi({ library: fakeLibrary('md'), frontAddr: ${JSON.stringify(front)}, flowPath: ${JSON.stringify(flow)} });
      api.on('login', () => { api.close(); console.log('closed'); });
      api.connect();
    `;
    const child = spawn(process.execPath, ['-e', script], {
      cwd: join(__dirname, '..', '..', '..'),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: 'closed' });
  });
});
