import { CalendarError } from './calendar.error';
import { CHINA_TRADE_CALENDAR as calendar, toCompactDate, toIsoDate } from './trade-calendar';

describe('trade calendar: the original qautlra-rs tradedate.rs cases', () => {
  it('1. to_string(20200202)', () => expect(toIsoDate(20200202)).toBe('2020-02-02'));

  it('2. get_next_day', () => {
    expect(calendar.nextTradeDate('2020-04-03')).toBe('2020-04-07');
    expect(calendar.nextTradeDate('2020-04-04')).toBe('2020-04-07');
  });

  it('3. get_last_day', () => {
    expect(calendar.previousTradeDate('2020-04-03')).toBe('2020-04-02');
    expect(calendar.previousTradeDate('2020-04-04')).toBe('2020-04-03');
  });

  it('4. get_last_n_day', () => {
    expect(calendar.previousTradeDate('2020-04-03', 2)).toBe('2020-04-01');
    expect(calendar.previousTradeDate('2020-04-04', 2)).toBe('2020-04-02');
  });

  it('5. get_next_n_day', () => {
    expect(calendar.nextTradeDate('2020-04-03', 3)).toBe('2020-04-09');
    expect(calendar.nextTradeDate('2020-04-04', 3)).toBe('2020-04-09');
  });

  it('6. get_real_date (Saturday → Friday)', () => {
    expect(calendar.realTradeDate('2020-07-04')).toBe('2020-07-03');
    expect(calendar.realTradeDate('2020-07-03')).toBe('2020-07-03');
  });

  it.each([
    ['2020-07-04 02:00', '2020-07-06'],
    ['2020-07-03 02:00', '2020-07-03'],
    ['2020-07-03 22:00', '2020-07-06'],
    ['2020-07-03 16:22:00', '2020-07-06'],
    ['2020-07-05 22:00', '2020-07-06'],
    ['2020-07-03 12:00', '2020-07-03'],
  ])('7. get_trade_day(%s) = %s', (input, expected) => {
    expect(calendar.tradingDayOf(input)).toBe(expected);
  });

  it('8. get_index / 9. get_trade_range 2021-01-04 … 2021-01-20', () => {
    expect(calendar.tradeRange('2021-01-04', '2021-01-20').map(toCompactDate)).toEqual([
      '20210104',
      '20210105',
      '20210106',
      '20210107',
      '20210108',
      '20210111',
      '20210112',
      '20210113',
      '20210114',
      '20210115',
      '20210118',
      '20210119',
      '20210120',
    ]);
  });
});

describe('trade calendar data', () => {
  it('covers 1990-12-19 … 2026-12-31 with the 2026 holiday corrections', () => {
    expect(calendar.first).toBe('1990-12-19');
    expect(calendar.last).toBe('2026-12-31');
    expect(calendar.isTradeDate('2026-02-23')).toBe(false);
    expect(calendar.isTradeDate('2026-05-05')).toBe(false);
    expect(calendar.isTradeDate('2021-09-20')).toBe(false);
    expect(calendar.tradeRange('2026-01-01', '2026-12-31')).toHaveLength(242);
  });

  it('accepts YYYYMMDD and a date alone for get_trade_day', () => {
    expect(calendar.isTradeDate('20200703')).toBe(true);
    expect(calendar.tradingDayOf('2020-07-04')).toBe('2020-07-06');
    expect(calendar.tradingDayOf('2020-07-03T21:00:00')).toBe('2020-07-06');
  });

  it('errors name the input', () => {
    expect(() => toIsoDate('2020-02-30')).toThrow(CalendarError);
    expect(() => calendar.tradingDayOf('tomorrow')).toThrow('"tomorrow"');
    expect(() => calendar.nextTradeDate('2026-12-31')).toThrow('outside the trade calendar');
    expect(() => calendar.previousTradeDate('1990-12-19')).toThrow('outside the trade calendar');
  });
});
