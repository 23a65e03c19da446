import {
  barPercentChange,
  barRange,
  barReturns,
  parseDailyBar,
  parseMinuteBar,
  serializeDailyBar,
  serializeMinuteBar,
} from './bars';
import { parseSnapshot } from './snapshot';
import { parseTick, serializeTick, tickFromSnapshot } from './tick';
import { QamdError } from './qamd.error';
import examples from './fixtures/snapshots.json';

describe('bars (qamd-rs daily/minute)', () => {
  const daily =
    '{"date":"2023-01-10","order_book_id":"IF2301.CFFEX","instrument_type":"Future","open":3950.0,"high":4010.0,"low":3940.0,"close":3980.0,"volume":500000.0,"total_turnover":20000000000.0,"limit_up":4100.0,"limit_down":3800.0,"open_interest":25000.0,"prev_settlement":3960.0,"settlement":3980.0}';
  const minute =
    '{"datetime":"2023-01-10T13:00:00Z","trading_date":"2023-01-11","order_book_id":"IF2301.CFFEX","instrument_type":"Future","open":3950.0,"high":3953.0,"low":3948.0,"close":3952.0,"volume":200.0,"total_turnover":8000000.0,"open_interest":25000.0}';

  it('round-trip byte for byte', () => {
    expect(serializeDailyBar(parseDailyBar(daily))).toBe(daily);
    expect(serializeMinuteBar(parseMinuteBar(minute))).toBe(minute);
  });

  it('range, returns and percent change (original test values)', () => {
    const bar = parseMinuteBar(minute);
    expect(barRange(bar)).toBe(5);
    expect(barReturns(bar)).toBeCloseTo(2 / 3950, 15);
    expect(barPercentChange({ open: 4000, high: 4005, low: 3995, close: 4003 })).toBeCloseTo(
      0.075,
      12,
    );
    expect(barReturns({ open: 0, high: 1, low: 0, close: 1 })).toBe(0);
  });

  it('rejects unknown instrument types and bad dates by field', () => {
    expect(() => parseDailyBar(daily.replace('"Future"', '"Bond"'))).toThrow('"instrument_type"');
    expect(() => parseDailyBar(daily.replace('2023-01-10', '20230110'))).toThrow('"date"');
    expect(() => parseMinuteBar('nope')).toThrow(QamdError);
  });
});

describe('tick', () => {
  it('is taken from a snapshot and round-trips', () => {
    const snapshot = parseSnapshot(
      (examples as Record<string, string>)['library-stock-l1-whole-second'],
    );
    const tick = tickFromSnapshot(snapshot);
    expect(tick).toEqual({
      instrument_id: 'SZSE_300750',
      last_price: 55.66,
      volume: 10000,
      amount: 500000,
      datetime: '2025-03-28T07:00:00Z',
    });
    const text = serializeTick(tick);
    expect(text).toBe(
      '{"instrument_id":"SZSE_300750","last_price":55.66,"volume":10000,"amount":500000.0,"datetime":"2025-03-28T07:00:00Z"}',
    );
    expect(parseTick(text)).toEqual(tick);
  });
});
