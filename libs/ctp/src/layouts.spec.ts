import { loadCatalog } from './catalog';

/**
 * The 6.5.1 layout is derived from the 6.3.15 catalog by rules (native-ctp/scripts/layouts.js); these are the
 * figures spec market-data-sources §A.2, §A.3, §A.5 and §A.6 give for the vendor's headers, measured with g++.
 */
describe('CTP layouts against the spec', () => {
  const v6315 = loadCatalog('6.3.15');
  const v651 = loadCatalog('6.5.1');
  const offsets = (catalog: typeof v651, struct: string): Record<string, [number, number]> =>
    Object.fromEntries(
      catalog.structs.get(struct)!.fields.map((f) => [f.name, [f.offset, f.size]]),
    );

  it('CThostFtdcDepthMarketDataField: 408 bytes in 6.3.15, 568 in 6.5.1 with the ids appended (§A.5)', () => {
    expect(v6315.structs.get('CThostFtdcDepthMarketDataField')!.size).toBe(408);
    expect(v651.structs.get('CThostFtdcDepthMarketDataField')!.size).toBe(568);
    const old = offsets(v6315, 'CThostFtdcDepthMarketDataField');
    const wide = offsets(v651, 'CThostFtdcDepthMarketDataField');
    expect(old.InstrumentID).toEqual([9, 31]);
    expect(old.ExchangeInstID).toEqual([49, 31]);
    expect(wide.reserve1).toEqual([9, 31]);
    expect(wide.reserve2).toEqual([49, 31]);
    expect(wide.InstrumentID).toEqual([401, 81]);
    expect(wide.ExchangeInstID).toEqual([482, 81]);
    // Everything between keeps its place.
    for (const [name, at] of Object.entries(old))
      if (name !== 'InstrumentID' && name !== 'ExchangeInstID')
        expect([name, wide[name]]).toEqual([name, at]);
    expect(wide.LastPrice).toEqual([80, 8]);
    expect(wide.UpdateMillisec).toEqual([220, 4]);
    expect(wide.BidPrice1).toEqual([224, 8]);
    expect(wide.AskVolume5).toEqual([224 + 32 * 4 + 24, 4]);
    expect(wide.AveragePrice).toEqual([384, 8]);
    expect(wide.ActionDay).toEqual([392, 9]);
  });

  it('login, instrument and logout structs (§A.6)', () => {
    expect(v6315.structs.get('CThostFtdcReqUserLoginField')!.size).toBe(228);
    expect(v651.structs.get('CThostFtdcReqUserLoginField')!.size).toBe(264);
    const login = offsets(v651, 'CThostFtdcReqUserLoginField');
    expect(login.OneTimePassword).toEqual([131, 41]);
    expect(login.reserve1).toEqual([172, 16]);
    expect(login.LoginRemark).toEqual([188, 36]);
    expect(login.ClientIPPort).toEqual([224, 4]);
    expect(login.ClientIPAddress).toEqual([228, 33]);
    expect(v6315.structs.get('CThostFtdcSpecificInstrumentField')!.size).toBe(31);
    expect(offsets(v651, 'CThostFtdcSpecificInstrumentField')).toEqual({
      reserve1: [0, 31],
      InstrumentID: [31, 81],
    });
    expect(v651.structs.get('CThostFtdcSpecificInstrumentField')!.size).toBe(112);
    for (const catalog of [v6315, v651]) {
      expect(catalog.structs.get('CThostFtdcRspUserLoginField')!.size).toBe(156);
      expect(catalog.structs.get('CThostFtdcRspInfoField')!.size).toBe(88);
      expect(catalog.structs.get('CThostFtdcUserLogoutField')!.size).toBe(27);
    }
  });

  it('the market-data vtables: 6.3.19+ inserts the multicast query and its callback (§A.2, §A.3)', () => {
    // Request indexes count the two statics (CreateFtdcMdApi, GetApiVersion) first.
    expect(v6315.mdRequests.get('ReqUserLogin')!.index - 2).toBe(12);
    expect(v651.mdRequests.get('ReqUserLogin')!.index - 2).toBe(12);
    expect(v651.mdRequests.get('ReqQryMulticastInstrument')!.index - 2).toBe(14);
    expect(v6315.mdRequests.has('ReqQryMulticastInstrument')).toBe(false);
    expect(v651.mdEvents.map((e) => e.name)).toEqual([
      'OnFrontConnected',
      'OnFrontDisconnected',
      'OnHeartBeatWarning',
      'OnRspUserLogin',
      'OnRspUserLogout',
      'OnRspQryMulticastInstrument',
      'OnRspError',
      'OnRspSubMarketData',
      'OnRspUnSubMarketData',
      'OnRspSubForQuoteRsp',
      'OnRspUnSubForQuoteRsp',
      'OnRtnDepthMarketData',
      'OnRtnForQuoteRsp',
    ]);
    expect(v6315.mdEvents.map((e) => e.name)).toEqual(
      v651.mdEvents.map((e) => e.name).filter((n) => n !== 'OnRspQryMulticastInstrument'),
    );
    expect(v6315.trader).toBe(true);
    expect(v651.trader).toBe(false);
  });
});
