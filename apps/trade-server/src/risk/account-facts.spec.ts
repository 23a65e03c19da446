import { QifiAccount } from '@qautlra/qifi';
import { checkOrder, DEFAULT_RISK_LIMITS, InstrumentFacts, RiskOrder } from '@qautlra/risk';
import { accountFacts } from './account-facts';

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
