import { parseSnapshot } from './snapshot';
import {
  cleanClose,
  cleanLevelPrice,
  cleanLevelVolume,
  cleanOptionalValue,
  cleanRequiredPrice,
  cleanSnapshot,
} from './sentinel';

const DBL_MAX = 1.7976931348623157e308;

describe('CTP sentinel cleaning (§3.2, §14 M1)', () => {
  it.each([
    [DBL_MAX, 0],
    [Number.NaN, 0],
    [1e301, 0],
    [612.5, 612.5],
    [0, 0],
  ])('required price %p → %p', (input, expected) =>
    expect(cleanRequiredPrice(input)).toBe(expected),
  );

  it.each([
    [DBL_MAX, '-'],
    [0, '-'],
    [-1, '-'],
    [Number.NaN, '-'],
    [182345, 182345],
  ])('open interest / settlement %p → %p', (input, expected) =>
    expect(cleanOptionalValue(input)).toBe(expected),
  );

  it.each([
    [DBL_MAX, null],
    [0, null],
    [Number.NaN, null],
    [612, 612],
  ])('close %p → %p', (input, expected) => expect(cleanClose(input)).toBe(expected));

  it('drops depth levels without a value', () => {
    expect(cleanLevelPrice(DBL_MAX)).toBeUndefined();
    expect(cleanLevelPrice(0)).toBeUndefined();
    expect(cleanLevelPrice(10.2)).toBe(10.2);
    expect(cleanLevelVolume(0)).toBeUndefined();
    expect(cleanLevelVolume(5)).toBe(5);
  });

  it('cleans a limit-up snapshot: empty ask side, DBL_MAX close and settlement', () => {
    const raw = parseSnapshot({
      instrument_id: 'SHFE.rb2505',
      amount: 1e9,
      ask_price1: DBL_MAX,
      ask_volume1: 0,
      ask_price2: DBL_MAX,
      ask_volume2: 0,
      bid_price1: 3500,
      bid_volume1: 120,
      bid_price2: 3499,
      bid_volume2: 7,
      close: DBL_MAX,
      datetime: '2025-03-28T06:00:00.500Z',
      highest: 3500,
      last_price: 3500,
      lower_limit: 3100,
      lowest: 3300,
      open: 3320,
      open_interest: 100,
      pre_close: 3310,
      pre_open_interest: 90,
      pre_settlement: 3300,
      settlement: DBL_MAX,
      upper_limit: 3500,
      volume: 10,
      average: DBL_MAX,
      iopv: null,
    });
    const clean = cleanSnapshot(raw);
    expect(clean.ask_price1).toBe(0);
    expect(clean.close).toBeNull();
    expect(clean.settlement).toBe('-');
    expect(clean.average).toBe(0);
    expect('ask_price2' in clean).toBe(false);
    expect('ask_volume2' in clean).toBe(false);
    expect(clean.bid_price2).toBe(3499);
    expect(clean.open_interest).toBe(100);
  });
});
