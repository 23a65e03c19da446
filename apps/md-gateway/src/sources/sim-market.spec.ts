import { defaultUniverse, SimMarket } from './sim-market';

describe('SimMarket', () => {
  const universe = defaultUniverse(new Date('2026-11-24T00:00:00Z'));

  it('is deterministic for a seed', () => {
    const a = new SimMarket(universe, 7);
    const b = new SimMarket(universe, 7);
    for (let i = 0; i < 50; i += 1)
      expect(a.tick('SHFE.au2701', i * 500)).toEqual(b.tick('SHFE.au2701', i * 500));
  });

  it('keeps prices on the tick grid and inside the limits, volumes cumulative, books ordered', () => {
    const market = new SimMarket(universe, 11);
    for (const instrument of universe) {
      let volume = 0;
      for (let i = 0; i < 200; i += 1) {
        const snapshot = market.tick(instrument.id, i * 500)!;
        const ticks = snapshot.last_price / instrument.priceTick;
        expect(Math.abs(ticks - Math.round(ticks))).toBeLessThan(1e-6);
        if (snapshot.upper_limit > 0) {
          expect(snapshot.last_price).toBeLessThanOrEqual(snapshot.upper_limit);
          expect(snapshot.last_price).toBeGreaterThanOrEqual(snapshot.lower_limit);
        }
        expect(snapshot.volume).toBeGreaterThan(volume);
        volume = snapshot.volume;
        if (instrument.kind !== 'index' && snapshot.ask_price1 > 0 && snapshot.bid_price1 > 0) {
          expect(snapshot.ask_price1).toBeGreaterThan(snapshot.bid_price1);
        }
        expect(snapshot.highest).toBeGreaterThanOrEqual(snapshot.lowest);
        expect(typeof snapshot.open_interest === 'number').toBe(instrument.kind === 'future');
      }
    }
  });

  it('covers the six futures exchanges and the stock exchanges, with CZCE codes in three digits', () => {
    expect(new Set(universe.map((instrument) => instrument.exchange))).toEqual(
      new Set(['SHFE', 'INE', 'DCE', 'CZCE', 'CFFEX', 'GFEX', 'SSE', 'SZSE']),
    );
    expect(universe.find((instrument) => instrument.id.startsWith('CZCE.SR'))?.code).toBe('SR701');
    expect(universe.find((instrument) => instrument.id.startsWith('SHFE.au'))?.code).toBe('au2701');
  });
});
