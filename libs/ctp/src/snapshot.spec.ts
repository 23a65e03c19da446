import { ctpTickToSnapshot } from './snapshot';

const base = {
  TradingDay: '20260106',
  ActionDay: '20260105',
  InstrumentID: 'rb2605',
  ExchangeID: '',
  LastPrice: 3512,
  PreSettlementPrice: 3500,
  PreClosePrice: 3498,
  PreOpenInterest: 140000,
  OpenPrice: 3505,
  HighestPrice: 3520,
  LowestPrice: 3490,
  Volume: 1200,
  Turnover: 42144000,
  OpenInterest: 150000,
  ClosePrice: undefined,
  SettlementPrice: undefined,
  UpperLimitPrice: 3780,
  LowerLimitPrice: 3220,
  UpdateTime: '21:00:01',
  UpdateMillisec: 500,
  BidPrice1: 3511,
  BidVolume1: 12,
  AskPrice1: 3513,
  AskVolume1: 7,
  BidPrice2: 3510,
  BidVolume2: 3,
  AskPrice2: undefined,
  AskVolume2: 0,
  AveragePrice: 35120,
};

describe('CTP tick → QAMD snapshot', () => {
  it('maps every field, takes the exchange from the subscription when the front leaves it empty', () => {
    expect(ctpTickToSnapshot(base, 'SHFE')).toEqual({
      instrument_id: 'SHFE.rb2605',
      // SHFE night tick: ActionDay is the calendar day; 21:00:01.5 Beijing = 13:00:01.5 UTC
      datetime: '2026-01-05T13:00:01.500Z',
      last_price: 3512,
      pre_settlement: 3500,
      pre_close: 3498,
      pre_open_interest: 140000,
      open: 3505,
      highest: 3520,
      lowest: 3490,
      volume: 1200,
      amount: 42144000,
      open_interest: 150000,
      close: null,
      settlement: '-',
      upper_limit: 3780,
      lower_limit: 3220,
      bid_price1: 3511,
      bid_volume1: 12,
      ask_price1: 3513,
      ask_volume1: 7,
      bid_price2: 3510,
      bid_volume2: 3,
      average: 3512, // 35120 ÷ 10 (rb's multiplier)
      iopv: null,
    });
  });

  it('dates DCE night ticks from the calendar (its ActionDay is the trading day) and keeps CZCE averages', () => {
    const dce = ctpTickToSnapshot(
      { ...base, InstrumentID: 'm2605', ExchangeID: 'DCE', ActionDay: '20260106' },
      '',
    )!;
    expect(dce.instrument_id).toBe('DCE.m2605');
    expect(dce.datetime).toBe('2026-01-05T13:00:01.500Z');
    const czce = ctpTickToSnapshot(
      { ...base, InstrumentID: 'SR605', AveragePrice: 5400.5, UpdateMillisec: 0 },
      'CZCE',
    )!;
    expect(czce.average).toBe(5400.5);
  });

  it('drops ticks without a time or a trading day', () => {
    expect(ctpTickToSnapshot({ ...base, UpdateTime: '' }, 'SHFE')).toBeUndefined();
    expect(ctpTickToSnapshot({ ...base, TradingDay: '' }, 'SHFE')).toBeUndefined();
    expect(ctpTickToSnapshot({ ...base, InstrumentID: '' }, 'SHFE')).toBeUndefined();
  });
});
