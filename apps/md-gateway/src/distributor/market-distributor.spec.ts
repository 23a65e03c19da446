import { parseSnapshot } from '@qautlra/qamd';
import { MarketDistributor, QuoteBatch } from './market-distributor';

const base = parseSnapshot({
  instrument_id: 'SHFE.au2701',
  amount: 1000,
  ask_price1: 600.02,
  ask_volume1: 1,
  bid_price1: 600,
  bid_volume1: 2,
  close: null,
  datetime: '2026-11-24T01:30:00.500Z',
  highest: 601,
  last_price: 600,
  lower_limit: 560,
  lowest: 599,
  open: 600,
  open_interest: 100,
  pre_close: 600,
  pre_open_interest: 100,
  pre_settlement: 600,
  settlement: '-',
  upper_limit: 640,
  volume: 10,
  average: 600,
  iopv: null,
});

function setup() {
  const upstream: string[] = [];
  const distributor = new MarketDistributor({
    serves: (id) => id.startsWith('SHFE.') || id.startsWith('SSE.'),
    upstreamSubscribe: (ids) => upstream.push(...ids.map((id) => `+${id}`)),
    upstreamUnsubscribe: (ids) => upstream.push(...ids.map((id) => `-${id}`)),
  });
  const received: QuoteBatch[] = [];
  distributor.addClient('c1', { deliver: (quotes) => received.push(quotes) });
  return { distributor, upstream, received };
}

describe('MarketDistributor', () => {
  it('merges two ticks in one batch window instead of overwriting (the original lost fields, §14 G8)', () => {
    const { distributor, received } = setup();
    distributor.setSubscriptions('c1', ['au2701']);
    distributor.onSnapshot(base);
    distributor.flush();
    distributor.onSnapshot({ ...base, last_price: 601, volume: 11 });
    distributor.onSnapshot({ ...base, last_price: 601, volume: 12, bid_volume1: 5 });
    distributor.flush();
    expect(received[1]).toEqual({
      au2701: { instrument_id: 'au2701', last_price: 601, volume: 12, bid_volume1: 5 },
    });
  });

  it('sends the full wire snapshot first, keyed by the id as subscribed, and nothing when nothing changed', () => {
    const { distributor, received } = setup();
    distributor.setSubscriptions('c1', ['SHFE_au2701']);
    distributor.onSnapshot(base);
    distributor.flush();
    expect(Object.keys(received[0]!.SHFE_au2701!)).toHaveLength(37);
    expect(received[0]!.SHFE_au2701!.instrument_id).toBe('SHFE_au2701');
    expect(distributor.onSnapshot({ ...base })).toBe(false);
    expect(distributor.onSnapshot({ ...base, average: Number.NaN })).toBe(true);
    expect(distributor.onSnapshot({ ...base, average: Number.NaN })).toBe(false);
    distributor.flush();
    expect(received).toHaveLength(2);
  });

  it('puts every changed instrument of a client in one batch per flush', () => {
    const { distributor, received } = setup();
    distributor.setSubscriptions('c1', ['SHFE.au2701', 'SSE.600000']);
    distributor.onSnapshot(base);
    distributor.onSnapshot({ ...base, instrument_id: 'SSE.600000' });
    distributor.flush();
    expect(received).toHaveLength(1);
    expect(Object.keys(received[0]!).sort()).toEqual(['SHFE.au2701', 'SSE.600000']);
  });

  it('subscribes upstream on the first subscriber and unsubscribes after the last one leaves', () => {
    const { distributor, upstream } = setup();
    distributor.addClient('c2', { deliver: () => undefined });
    distributor.setSubscriptions('c1', ['au2701']);
    distributor.setSubscriptions('c2', ['SHFE.au2701', 'SSE.600000']);
    expect(upstream).toEqual(['+SHFE.au2701', '+SSE.600000']);
    distributor.setSubscriptions('c1', ['SSE.600000']);
    expect(upstream).toEqual(['+SHFE.au2701', '+SSE.600000']);
    distributor.removeClient('c2');
    expect(upstream).toEqual(['+SHFE.au2701', '+SSE.600000', '-SHFE.au2701']);
    expect(distributor.activeInstruments()).toEqual(['SSE.600000']);
  });

  it('gives a late subscriber the cached snapshot at once and reports unknown ids', () => {
    const { distributor, received } = setup();
    distributor.onSnapshot(base);
    distributor.flush();
    const change = distributor.setSubscriptions('c1', ['au2701', 'DCE.nope', 'zz']);
    expect(change).toEqual({
      subscribed: ['au2701'],
      unknown: ['DCE.nope', 'zz'],
      overLimit: [],
    });
    expect(received).toEqual([
      { au2701: expect.objectContaining({ instrument_id: 'au2701', last_price: 600 }) },
    ]);
    expect(distributor.removeSubscriptions('c1', ['au2701', 'SSE.600000'])).toBe(1);
    expect(distributor.subscriptionsOf('c1')).toEqual([]);
  });
});
