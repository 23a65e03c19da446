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
    api.subscribe(['rb2601', 'xx9999']);
    api.connect();
    try {
      await waitFor(() => ticks.length === 2 && errors.length === 1, {
        what: 'two ticks and a refusal',
      });
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
});
