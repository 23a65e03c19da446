import fc from 'fast-check';
import { QifiAccount } from '@qautlra/qifi';
import { checkOrder, DEFAULT_RISK_LIMITS, InstrumentFacts, RiskOrder } from '@qautlra/risk';
import { accountFacts, documentView } from './account-facts';

const T0 = Date.UTC(2025, 2, 28, 2, 0);
const au: InstrumentFacts = {
  exists: true,
  trading: true,
  priceTick: 0.02,
  volumeMultiple: 1000,
  upperLimit: 660,
  lowerLimit: 540,
};
const order = (overrides: Partial<RiskOrder> = {}): RiskOrder => ({
  order_id: 'n1',
  exchange_id: 'SHFE',
  instrument_id: 'au2512',
  direction: 'BUY',
  offset: 'OPEN',
  volume: 1,
  price_type: 'LIMIT',
  limit_price: 600,
  ...overrides,
});

describe('risk rules on the account engine', () => {
  function account() {
    const engine = new QifiAccount({
      accountCookie: 'a',
      initCash: 200_000,
      tradingDay: '20250328',
    });
    engine.insertOrder({ ...order({ order_id: 'o1', volume: 2 }), limit_price: 600 }, T0);
    engine.receiveDeal('o1', { price: 600, volume: 2 }, T0);
    return engine;
  }

  it('agrees with the engine on funds: accepted by risk ⇔ accepted by the engine', () => {
    for (const volume of [1, 2, 3]) {
      const engine = account();
      const verdict = checkOrder(
        order({ volume }),
        au,
        accountFacts(engine, 'ACTIVE'),
        DEFAULT_RISK_LIMITS,
      );
      const outcome = engine.insertOrder({ ...order({ volume }), limit_price: 600 }, T0);
      expect([volume, verdict.ok]).toEqual([volume, outcome.ok]);
      if (!verdict.ok) expect(verdict.rule).toBe('INSUFFICIENT_FUNDS');
    }
  });

  it('knows the closable lots under SHFE rules (today’s lots close with CLOSETODAY only)', () => {
    const facts = accountFacts(account(), 'ACTIVE');
    expect(
      checkOrder(
        order({ direction: 'SELL', offset: 'CLOSETODAY', volume: 2 }),
        au,
        facts,
        DEFAULT_RISK_LIMITS,
      ),
    ).toEqual({ ok: true });
    expect(
      checkOrder(
        order({ direction: 'SELL', offset: 'CLOSE', volume: 1 }),
        au,
        facts,
        DEFAULT_RISK_LIMITS,
      ),
    ).toMatchObject({
      ok: false,
      rule: 'INSUFFICIENT_POSITION',
    });
    expect(
      checkOrder(
        order({ direction: 'SELL', offset: 'CLOSETODAY', volume: 3 }),
        au,
        facts,
        DEFAULT_RISK_LIMITS,
      ),
    ).toMatchObject({
      ok: false,
      rule: 'INSUFFICIENT_POSITION',
    });
    expect(checkOrder(order({ order_id: 'o1' }), au, facts, DEFAULT_RISK_LIMITS)).toMatchObject({
      rule: 'DUPLICATE_ORDER_ID',
    });
  });

  it('sees live orders for self-trade prevention and positions for limits', () => {
    const engine = account();
    engine.insertOrder(
      { ...order({ order_id: 's1', direction: 'SELL', offset: 'CLOSETODAY' }), limit_price: 605 },
      T0,
    );
    const facts = accountFacts(engine, 'ACTIVE');
    expect(facts.positions.get('SHFE.au2512')).toEqual({ long: 2, short: 0 });
    expect(checkOrder(order({ limit_price: 605 }), au, facts, DEFAULT_RISK_LIMITS)).toMatchObject({
      rule: 'SELF_TRADE',
    });
    expect(
      checkOrder(order(), au, facts, { ...DEFAULT_RISK_LIMITS, maxPositionPerInstrument: 2 }),
    ).toMatchObject({ rule: 'POSITION_LIMIT' });
  });
});

describe('one adapter for the engine and for a QIFI document', () => {
  const instruments = [
    { exchange_id: 'SHFE', instrument_id: 'au2512', price: 600 },
    { exchange_id: 'DCE', instrument_id: 'm2601', price: 3000 },
    { exchange_id: 'SSE', instrument_id: '600000', price: 10 },
  ];
  const step = fc.record({
    instrument: fc.integer({ min: 0, max: instruments.length - 1 }),
    direction: fc.constantFrom('BUY' as const, 'SELL' as const),
    offset: fc.constantFrom('OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'),
    volume: fc.integer({ min: 1, max: 400 }),
    fill: fc.constantFrom('none', 'part', 'all'),
    settle: fc.boolean(),
  });

  it('answers the same closable lots, funds, positions and live orders either way', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const engine = new QifiAccount({
          accountCookie: 'p',
          initCash: 1_000_000,
          tradingDay: '20250328',
        });
        let day = 28;
        steps.forEach((s, i) => {
          const { price, ...where } = instruments[s.instrument]!;
          const placed = engine.insertOrder(
            {
              ...where,
              order_id: `o${i}`,
              direction: s.direction,
              offset: s.offset,
              volume: s.volume,
              limit_price: price,
            },
            T0,
          );
          if (placed.ok && s.fill !== 'none') {
            const volume = s.fill === 'all' ? s.volume : Math.ceil(s.volume / 2);
            engine.receiveDeal(`o${i}`, { price, volume }, T0);
          }
          if (s.settle) engine.settle(`202504${String((day += 1) % 28).padStart(2, '0')}`);
        });
        const fromEngine = accountFacts(engine, 'ACTIVE');
        const fromDocument = accountFacts(
          documentView(engine.toQifi(), engine.aliveOrders()),
          'ACTIVE',
        );
        expect(fromDocument.positions).toEqual(fromEngine.positions);
        expect(fromDocument.openOrders).toEqual(fromEngine.openOrders);
        for (const { price, ...where } of instruments)
          for (const direction of ['BUY', 'SELL'] as const)
            for (const offset of ['OPEN', 'CLOSE', 'CLOSETODAY', 'CLOSEYESTERDAY'] as const) {
              const probe = order({ ...where, direction, offset, volume: 3, limit_price: price });
              expect(fromDocument.closable(probe)).toBe(fromEngine.closable(probe));
              expect(fromDocument.funds(probe, price)).toEqual(fromEngine.funds(probe, price));
            }
      }),
      { numRuns: 200 },
    );
  });

  it('counts orders sent and not yet shown: their ids, lots and money', () => {
    const engine = new QifiAccount({
      accountCookie: 'a',
      initCash: 200_000,
      tradingDay: '20250328',
    });
    engine.insertOrder({ ...order({ order_id: 'o1', volume: 2 }), limit_price: 600 }, T0);
    engine.receiveDeal('o1', { price: 600, volume: 2 }, T0);
    const pending = [
      { ...order({ order_id: 'p1', direction: 'SELL', offset: 'CLOSETODAY', volume: 1 }) },
      { ...order({ order_id: 'p2', volume: 1 }) },
    ];
    const bare = accountFacts(engine, 'ACTIVE');
    const facts = accountFacts(engine, 'ACTIVE', pending);
    const close = order({ direction: 'SELL', offset: 'CLOSETODAY', volume: 2 });
    expect([bare.closable(close), facts.closable(close)]).toEqual([2, 1]);
    expect(facts.hasOrder('p2')).toBe(true);
    expect(facts.openOrders.map((o) => o.order_id)).toEqual(['p1', 'p2']);
    const needed = bare.funds(order(), 600).required;
    expect(facts.funds(order(), 600).available).toBeCloseTo(
      bare.funds(order(), 600).available - needed,
      6,
    );
  });
});
