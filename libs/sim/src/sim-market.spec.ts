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
    // Violations collected and asserted once per instrument (an `expect` per value was slow).
    for (const instrument of universe) {
      const broken: string[] = [];
      const check = (ok: boolean, what: string) => {
        if (!ok) broken.push(what);
      };
      let volume = 0;
      for (let i = 0; i < 200; i += 1) {
        const snapshot = market.tick(instrument.id, i * 500)!;
        const at = `tick ${i}`;
        const ticks = snapshot.last_price / instrument.priceTick;
        check(Math.abs(ticks - Math.round(ticks)) < 1e-6, `${at}: ${snapshot.last_price} off grid`);
        if (snapshot.upper_limit > 0) {
          check(snapshot.last_price <= snapshot.upper_limit, `${at}: above the upper limit`);
          check(snapshot.last_price >= snapshot.lower_limit, `${at}: below the lower limit`);
        }
        check(snapshot.volume > volume, `${at}: volume ${snapshot.volume} not above ${volume}`);
        volume = snapshot.volume;
        if (instrument.kind !== 'index' && snapshot.ask_price1 > 0 && snapshot.bid_price1 > 0) {
          check(snapshot.ask_price1 > snapshot.bid_price1, `${at}: crossed book`);
        }
        check(snapshot.highest >= snapshot.lowest, `${at}: highest below lowest`);
        check(
          (typeof snapshot.open_interest === 'number') === (instrument.kind === 'future'),
          `${at}: open interest ${String(snapshot.open_interest)} for a ${instrument.kind}`,
        );
      }
      expect([instrument.id, broken]).toEqual([instrument.id, []]);
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

describe('continuous main-contract aliases', () => {
  it('lists EXCHANGE.<product>888 for every future, quoting the contract it follows', () => {
    const universe = defaultUniverse(new Date('2026-12-02T02:00:00Z'));
    const market = new SimMarket(universe, 5);
    const ids = new Set(market.info().map((item) => item.id));
    for (const alias of ['SHFE.rb888', 'SHFE.au888', 'CFFEX.IF888', 'DCE.m888'])
      expect([alias, ids.has(alias)]).toEqual([alias, true]);
    const rb = universe.find(
      (item) => item.aliasOf === undefined && item.id.startsWith('SHFE.rb'),
    )!;
    const now = Date.parse('2026-12-02T02:00:00Z');
    const contract = market.tick(rb.id, now)!;
    const alias = market.tick('SHFE.rb888', now + 500)!;
    expect(alias.instrument_id).toBe('SHFE.rb888');
    expect(alias.volume).toBeGreaterThan(contract.volume); // one cumulative count, ticked on
    expect(alias.open).toBe(contract.open);
    expect(alias.pre_close).toBe(contract.pre_close);
    expect(market.info().find((item) => item.id === 'SHFE.rb888')).toMatchObject({
      product: 'RB',
      priceTick: 1,
      volumeMultiple: 10,
    });
  });
});
