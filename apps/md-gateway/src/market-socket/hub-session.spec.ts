import { parseSnapshot } from '@qautlra/qamd';
import { toHubMarketData } from './hub-session';

describe('hub MarketData', () => {
  it('maps a Friday-night SHFE tick: Beijing update time, Monday trading day, "-" as 0', () => {
    const snapshot = parseSnapshot({
      instrument_id: 'SHFE.au2512',
      amount: 4.2e9,
      ask_price1: 612.36,
      ask_volume1: 3,
      bid_price1: 612.34,
      bid_volume1: 4,
      close: null,
      datetime: '2025-03-28T13:30:00.500Z',
      highest: 615,
      last_price: 612.34,
      lower_limit: 563.38,
      lowest: 610.02,
      open: 611,
      open_interest: 182345,
      pre_close: 611.5,
      pre_open_interest: '-',
      pre_settlement: 612,
      settlement: '-',
      upper_limit: 660.96,
      volume: 70563,
      average: 612.4,
      iopv: null,
    });
    expect(toHubMarketData(snapshot, 'au2512')).toEqual({
      trading_day: '20250331',
      instrument_id: 'au2512',
      exchange_id: 'SHFE',
      exchange_inst_id: 'au2512',
      last_price: 612.34,
      pre_settlement_price: 612,
      pre_close_price: 611.5,
      pre_open_interest: 0,
      open_price: 611,
      highest_price: 615,
      lowest_price: 610.02,
      volume: 70563,
      turnover: 4.2e9,
      open_interest: 182345,
      upper_limit_price: 660.96,
      lower_limit_price: 563.38,
      update_time: '21:30:00',
      update_millisec: 500,
      bid_price1: 612.34,
      bid_volume1: 4,
      ask_price1: 612.36,
      ask_volume1: 3,
    });
  });
});
