import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@qautlra/testing';
import {
  encodeStruct,
  ensureFlowDir,
  EventPump,
  fakeLibrary,
  MdApi,
  nativeAddon,
  loadCatalog,
  type CtpError,
  type CtpEvent,
  type CtpLayout,
  type CtpStruct,
  type NativeSession,
} from '@qautlra/ctp';

/** A fake front's script in a fresh folder; returns the front address, journal and flow folder. */
function scripted(lines: string[]): { front: string; journal: string; flow: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ctp-md-'));
  const journal = join(dir, 'journal.txt');
  const script = join(dir, 'script.txt');
  writeFileSync(script, [`journal ${journal}`, ...lines].join('\n') + '\n');
  return { front: `script://${script}`, journal, flow: join(dir, 'flow') };
}

/** The addon of a layout lays every struct out as the TypeScript catalog computes it, field by field. */
function expectCompilerLayout(
  layout: CtpLayout,
): ReturnType<ReturnType<typeof nativeAddon>['layout']> {
  const native = nativeAddon(layout).layout();
  const catalog = loadCatalog(layout);
  expect(native.layout).toBe(layout);
  expect(Object.keys(native.sizes).length).toBe(catalog.structs.size);
  for (const [name, size] of Object.entries(native.sizes))
    expect([name, catalog.structs.get(name)!.size]).toEqual([name, size]);
  for (const [struct, field, offset] of native.offsets)
    expect([struct, field, catalog.structs.get(struct)!.byName.get(field)!.offset]).toEqual([
      struct,
      field,
      offset,
    ]);
  return native;
}

const journalOf = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];

describe('native-ctp MdApi on the fake front (dlopen, vtable, callbacks through the channel)', () => {
  it('lays every struct out as the compiler does', () => {
    const native = expectCompilerLayout('6.3.15');
    expect(native.sizes.CThostFtdcDepthMarketDataField).toBe(408);
    expect(MdApi.version(fakeLibrary('md'))).toBe('qautlra-fake-md v6.3.15');
  });

  it('refuses a library whose version has no layout here, or not the one set, before creating anything', async () => {
    const { front, flow } = scripted(['connect']);
    // The fake reports another version when told by its environment (a child process: Jest's
    // process.env is not the process's own).
    const run = async (version: string, layout?: string): Promise<string> => {
      const script = `
        const { MdApi, fakeLibrary } = require('./native-ctp');
        const api = new MdApi({ library: fakeLibrary('md'), frontAddr: ${JSON.stringify(front)}, flowPath: ${JSON.stringify(flow)}, layout: ${JSON.stringify(layout)} });
        try { api.connect(); console.log('connected'); } catch (error) { console.log(error.message); }
        api.close();
      `;
      const child = spawn(process.execPath, ['-e', script], {
        cwd: join(__dirname, '..', '..', '..'),
        env: { ...process.env, QAUTLRA_FAKE_CTP_VERSION: version },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      return out;
    };
    expect(await run('v6.3.19_P1_20200106 15:20:56.4003')).toMatch(
      /reports "v6\.3\.19_P1.*6\.3\.16–6\.3\.19 put the 6\.5\.1 vtable over the 6\.3\.15 structs/,
    );
    expect(await run('v6.8.0_20270101 10:00:00')).toMatch(/reports "v6\.8\.0.*misread/);
    expect(await run('v6.6.7_20220613 14:52:04.1708', '6.3.15')).toMatch(
      /reports "v6\.6\.7_20220613.*has the 6\.5\.1 layout.*set to 6\.3\.15/,
    );
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
      // Ids the library's char[31] could not hold are refused here and never sent (a 31-character id
      // when connect() has read the library's layout).
      expect(new Set(errors.slice(0, 3).map((e) => e.instrument))).toEqual(
        new Set(['x'.repeat(31), 'rb 2601', '']),
      );
      expect(api.layout).toBe('6.3.15');
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

describe('native-ctp MdApi in the 6.5.1 layout (6.5.1 … 6.7.11 libraries) on the fake front built in it', () => {
  it('lays every struct out as the compiler does, and reads the layout from the library', () => {
    const native = expectCompilerLayout('6.5.1');
    expect(nativeAddon().layout().layout).toBe('6.3.15');
    expect(native.sizes.CThostFtdcDepthMarketDataField).toBe(568);
    expect(MdApi.version(fakeLibrary('md', '6.5.1'))).toBe('qautlra-fake-md v6.5.1');
  });

  it('follows the library: ids up to 80 characters, every tick field, the widened InstrumentID', async () => {
    const long = 'SHFE.rb2601C3500-a-long-exchange-id-of-forty-chars'.slice(0, 40);
    const { front, journal, flow } = scripted([
      `instruments rb2601 ${long}`,
      'trading_day 20260106',
      'connect',
      `wait_subscribed ${long}`,
      'wait_subscribed rb2601',
      `tick ${long} ExchangeID=SHFE ExchangeInstID=rb2601C3500 LastPrice=12.5 Volume=3 UpdateTime=21:00:01 UpdateMillisec=500 ` +
        'BidPrice1=12 BidVolume1=4 AskPrice5=13.5 AskVolume5=9 ClosePrice=MAX AveragePrice=125 ActionDay=20260105',
      'tick rb2601 LastPrice=3513 Volume=1201 UpdateTime=21:00:02',
    ]);
    const api = new MdApi({
      library: fakeLibrary('md', '6.5.1'),
      frontAddr: front,
      flowPath: flow,
    });
    const ticks: CtpStruct[] = [];
    const errors: CtpError[] = [];
    const subscribed: string[] = [];
    api.on('tick', (t) => ticks.push(t));
    api.on('error', (e) => errors.push(e));
    api.on('subscribed', (id) => subscribed.push(id));
    api.subscribe([long, 'rb2601', 'y'.repeat(81)]);
    api.connect();
    try {
      expect(api.layout).toBe('6.5.1');
      await waitFor(() => ticks.length === 2, { what: 'two ticks' });
      expect(errors.map((e) => [e.code, e.instrument, e.message])).toEqual([
        [-1, 'y'.repeat(81), 'an instrument id is 1–80 printable ASCII characters'],
      ]);
      expect(subscribed.sort()).toEqual([long, 'rb2601'].sort());
      expect(ticks[0]).toMatchObject({
        TradingDay: '20260106',
        reserve1: '',
        reserve2: '',
        InstrumentID: long,
        // At 482 here, 49 in 6.3.15: the fake of each layout fills its own (both are loaded in this process).
        ExchangeInstID: 'rb2601C3500',
        ExchangeID: 'SHFE',
        LastPrice: 12.5,
        Volume: 3,
        UpdateTime: '21:00:01',
        UpdateMillisec: 500,
        BidPrice1: 12,
        BidVolume1: 4,
        AskPrice5: 13.5,
        AskVolume5: 9,
        AveragePrice: 125,
        ActionDay: '20260105',
      });
      expect(ticks[0]!.ClosePrice).toBeUndefined();
      expect(ticks[1]).toMatchObject({ InstrumentID: 'rb2601', LastPrice: 3513, Volume: 1201 });
      expect(journalOf(journal).slice(0, 2)).toEqual(['Connected', 'ReqUserLogin broker= user=']);
    } finally {
      api.close();
    }
  });

  it('calls the multicast query in its vtable slot and decodes the inserted callback', async () => {
    const { front, journal, flow } = scripted(['instruments au2606 rb2601', 'connect']);
    const catalog = loadCatalog('6.5.1');
    const events: CtpEvent[] = [];
    let session: NativeSession | undefined;
    const pump = new EventPump(catalog, catalog.mdEvents, (e) => events.push(e));
    session = new (nativeAddon('6.5.1').NativeSession)(
      'md',
      fakeLibrary('md', '6.5.1'),
      ensureFlowDir(flow),
      64,
      pump.ready,
    );
    pump.attach(session);
    try {
      session.registerFront(front);
      session.init();
      await waitFor(() => events.some((e) => e.name === 'OnFrontConnected'), { what: 'a connect' });
      const request = catalog.mdRequests.get('ReqQryMulticastInstrument')!;
      const image = encodeStruct(catalog.structs.get(request.struct)!, { TopicID: 7 });
      expect(session.request(request.index, image, 42)).toBe(0);
      await waitFor(
        () => events.filter((e) => e.name === 'OnRspQryMulticastInstrument').length === 2,
        {
          what: 'two multicast instruments',
        },
      );
      const answers = events.filter((e) => e.name === 'OnRspQryMulticastInstrument');
      expect(
        answers.map((e) => [
          e.data?.TopicID,
          e.data?.InstrumentID,
          e.data?.InstrumentNo,
          e.requestId,
          e.isLast,
        ]),
      ).toEqual([
        [7, 'au2606', 1, 42, false],
        [7, 'rb2601', 2, 42, true],
      ]);
      expect(journalOf(journal)).toContain('ReqQryMulticastInstrument topic=7');
    } finally {
      pump.detach();
      session.close();
      session = undefined;
    }
  });

  it('refuses a 6.3.15 library when set to 6.5.1, and trader sessions in 6.5.1', () => {
    const { front, flow } = scripted(['connect']);
    const api = new MdApi({
      library: fakeLibrary('md'),
      frontAddr: front,
      flowPath: flow,
      layout: '6.5.1',
    });
    expect(() => api.connect()).toThrow(
      /"qautlra-fake-md v6\.3\.15", which has the 6\.3\.15 layout.*set to 6\.5\.1/,
    );
    api.close();
    expect(
      () =>
        new (nativeAddon('6.5.1').NativeSession)(
          'trader',
          fakeLibrary('trader'),
          ensureFlowDir(flow),
          0,
          () => {},
        ),
    ).toThrow(/6\.5\.1 layout drives market data only/);
    expect(() => fakeLibrary('trader', '6.5.1')).toThrow(/6\.3\.15 layout only/);
  });
});
