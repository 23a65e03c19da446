import { closingOrder, floatProfit } from './positions';

describe('positions: live float PnL and the closing order', () => {
  const long = {
    exchange_id: 'SHFE',
    instrument_id: 'au2701',
    volume_long: 3,
    volume_long_today: 2,
    volume_long_his: 1,
    volume_short: 0,
    open_price_long: 600,
    float_profit: 123,
  };

  it('float PnL: (last − open) × lots × multiplier, long minus short; the server figure without a quote', () => {
    expect(floatProfit(long, 601.5, 1000)).toBeCloseTo(4500, 9);
    expect(floatProfit({ volume_short: 2, open_price_short: 3500 }, 3490, 10)).toBeCloseTo(200, 9);
    expect(floatProfit(long, undefined, 1000)).toBe(123);
  });

  it('closes today’s lots with CLOSETODAY on SHFE/INE, everything with CLOSE elsewhere', () => {
    expect(closingOrder(long)).toEqual({ direction: 'SELL', offset: 'CLOSETODAY', volume: 2 });
    expect(closingOrder({ ...long, volume_long_today: 0 })).toEqual({
      direction: 'SELL',
      offset: 'CLOSE',
      volume: 3,
    });
    expect(closingOrder({ ...long, exchange_id: 'DCE' })).toEqual({
      direction: 'SELL',
      offset: 'CLOSE',
      volume: 3,
    });
    expect(
      closingOrder({ exchange_id: 'CZCE', volume_long: 0, volume_short: 4, volume_short_today: 4 }),
    ).toEqual({ direction: 'BUY', offset: 'CLOSE', volume: 4 });
    expect(closingOrder({ volume_long: 0, volume_short: 0 })).toBeUndefined();
  });
});
