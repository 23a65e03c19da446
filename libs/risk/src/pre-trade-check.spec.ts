import { OrderRateLimiter } from './order-rate-limiter';
import {
  AccountFacts,
  checkOrder,
  InstrumentFacts,
  RestingOrder,
  RiskOrder,
  RiskRule,
} from './pre-trade-check';
import { DEFAULT_RISK_LIMITS, RiskLimits, riskLimits } from './risk-limits';

const order = (overrides: Partial<RiskOrder> = {}): RiskOrder => ({
  order_id: 'o1',
  exchange_id: 'SHFE',
  instrument_id: 'au2512',
  direction: 'BUY',
  offset: 'OPEN',
  volume: 1,
  price_type: 'LIMIT',
  limit_price: 600,
  ...overrides,
});

const au: InstrumentFacts = {
  exists: true,
  trading: true,
  priceTick: 0.02,
  volumeMultiple: 1000,
  upperLimit: 630,
  lowerLimit: 570,
  referencePrice: 600.1,
};

const resting = (overrides: Partial<RestingOrder> = {}): RestingOrder => ({
  order_id: 'r1',
  exchange_id: 'SHFE',
  instrument_id: 'au2512',
  direction: 'SELL',
  offset: 'OPEN',
  price_type: 'LIMIT',
  limit_price: 601,
  volume_left: 1,
  ...overrides,
});

function account(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return {
    state: 'ACTIVE',
    hasOrder: (id) => id === 'used',
    positions: new Map([['SHFE.au2512', { long: 2, short: 0 }]]),
    openOrders: [],
    closable: (o) => (o.direction === 'SELL' ? 2 : 0),
    funds: (o, price) => ({ required: price * o.volume * 1000 * 0.08, available: 100_000 }),
    ...overrides,
  };
}

const limits: RiskLimits = { ...DEFAULT_RISK_LIMITS, maxNotional: 2_000_000 };

describe('checkOrder', () => {
  it('accepts a sound order', () => {
    expect(checkOrder(order(), au, account(), limits)).toEqual({ ok: true });
  });

  it.each<
    [
      string,
      RiskRule,
      Partial<RiskOrder>,
      Partial<InstrumentFacts>,
      Partial<AccountFacts>,
      Partial<RiskLimits>,
    ]
  >([
    [
      'halted account',
      'ACCOUNT_HALTED',
      { offset: 'CLOSE', direction: 'SELL' },
      {},
      { state: 'HALTED' },
      {},
    ],
    ['reducing account opening', 'ACCOUNT_REDUCING', {}, {}, { state: 'REDUCING' }, {}],
    ['empty order id', 'INVALID_ORDER', { order_id: '' }, {}, {}, {}],
    ['order id over 128 bytes', 'INVALID_ORDER', { order_id: '单'.repeat(43) }, {}, {}, {}],
    ['used order id', 'DUPLICATE_ORDER_ID', { order_id: 'used' }, {}, {}, {}],
    ['fractional volume', 'INVALID_ORDER', { volume: 1.5 }, {}, {}, {}],
    ['zero volume', 'INVALID_ORDER', { volume: 0 }, {}, {}, {}],
    ['limit order without price', 'INVALID_ORDER', { limit_price: undefined }, {}, {}, {}],
    ['negative price', 'INVALID_ORDER', { limit_price: -1 }, {}, {}, {}],
    ['unknown instrument', 'INSTRUMENT_NOT_FOUND', {}, { exists: false }, {}, {}],
    ['closed session', 'NOT_TRADING', {}, { trading: false }, {}, {}],
    ['off the tick grid', 'PRICE_TICK', { limit_price: 600.01 }, {}, {}, {}],
    ['above limit-up', 'PRICE_LIMIT', { limit_price: 630.02 }, {}, {}, {}],
    ['below limit-down', 'PRICE_LIMIT', { limit_price: 569.98 }, {}, {}, {}],
    ['too many lots', 'ORDER_VOLUME', { volume: 3 }, {}, {}, { maxOrderVolume: 2 }],
    ['too few lots', 'ORDER_VOLUME', { volume: 1 }, {}, {}, { minOrderVolume: 2 }],
    [
      'market order without a quote',
      'INVALID_ORDER',
      { price_type: 'MARKET', limit_price: undefined },
      { referencePrice: undefined },
      {},
      {},
    ],
    ['notional', 'ORDER_NOTIONAL', { volume: 4 }, {}, {}, {}],
    [
      'instrument position',
      'POSITION_LIMIT',
      { volume: 2 },
      {},
      {},
      { maxPositionPerInstrument: 3 },
    ],
    [
      'instrument position with pending opens',
      'POSITION_LIMIT',
      {},
      {},
      { openOrders: [resting({ direction: 'BUY', limit_price: 590 })] },
      { maxPositionPerInstrument: 3 },
    ],
    [
      'account position',
      'POSITION_LIMIT',
      { instrument_id: 'au2602' },
      {},
      {},
      { maxPositionPerAccount: 2 },
    ],
    [
      'crosses own resting sell',
      'SELF_TRADE',
      { limit_price: 601 },
      {},
      { openOrders: [resting()] },
      {},
    ],
    [
      'market buy against own resting sell',
      'SELF_TRADE',
      { price_type: 'MARKET', limit_price: undefined },
      {},
      { openOrders: [resting()] },
      {},
    ],
    [
      'closing sell crossing own resting buy',
      'SELF_TRADE',
      { direction: 'SELL', offset: 'CLOSE', limit_price: 599 },
      {},
      { openOrders: [resting({ direction: 'BUY', limit_price: 600 })] },
      {},
    ],
    [
      'close more than held',
      'INSUFFICIENT_POSITION',
      { direction: 'SELL', offset: 'CLOSE', volume: 3 },
      {},
      {},
      {},
    ],
    [
      'close a side not held',
      'INSUFFICIENT_POSITION',
      { direction: 'BUY', offset: 'CLOSETODAY' },
      {},
      {},
      {},
    ],
    ['funds', 'INSUFFICIENT_FUNDS', { volume: 3 }, {}, {}, {}],
  ])('refuses: %s → %s', (_name, rule, orderPatch, instrumentPatch, accountPatch, limitPatch) => {
    const verdict = checkOrder(
      order(orderPatch),
      { ...au, ...instrumentPatch },
      account(accountPatch),
      { ...limits, ...limitPatch },
    );
    expect(verdict).toMatchObject({ ok: false, rule });
    if (!verdict.ok) expect(verdict.message.length).toBeGreaterThan(10);
  });

  it('lets a reducing or self-trade-free account close, and a resting order that does not cross pass', () => {
    const close = order({ direction: 'SELL', offset: 'CLOSE', volume: 2, limit_price: 602 });
    expect(checkOrder(close, au, account({ state: 'REDUCING' }), limits)).toEqual({ ok: true });
    expect(
      checkOrder(
        order({ limit_price: 600 }),
        au,
        account({ openOrders: [resting({ limit_price: 600.02 })] }),
        limits,
      ),
    ).toEqual({ ok: true });
    expect(
      checkOrder(order({ limit_price: 601 }), au, account({ openOrders: [resting()] }), {
        ...limits,
        selfTradePrevention: false,
      }),
    ).toEqual({ ok: true });
  });

  it('prices a market order at the reference price', () => {
    const market = order({ price_type: 'MARKET', limit_price: undefined });
    let priced = 0;
    checkOrder(
      market,
      au,
      account({ funds: (_o, price) => ((priced = price), { required: 0, available: 1 }) }),
      limits,
    );
    expect(priced).toBe(600.1);
  });
});

describe('riskLimits', () => {
  it('takes overrides and names a bad one', () => {
    expect(riskLimits({ maxOrderVolume: 5, selfTradePrevention: false })).toMatchObject({
      maxOrderVolume: 5,
      selfTradePrevention: false,
      maxNotional: DEFAULT_RISK_LIMITS.maxNotional,
    });
    expect(() => riskLimits({ maxOrderVolume: -1 })).toThrow('maxOrderVolume');
    expect(() => riskLimits({ selfTradePrevention: 'yes' })).toThrow('selfTradePrevention');
    expect(() => riskLimits({ maxLots: 1 } as never)).toThrow('maxLots');
  });
});

describe('OrderRateLimiter', () => {
  const tight = riskLimits({
    maxOrdersPerSecond: 2,
    maxOrdersPerDay: 3,
    maxCancelsPerSecond: 1,
    maxCancelsPerDay: 1,
  });

  it('limits per rolling second and per trading day', () => {
    const limiter = new OrderRateLimiter();
    const t0 = 1_000_000;
    for (const t of [t0, t0 + 100]) {
      expect(limiter.check('order', t, 'd1', tight)).toEqual({ ok: true });
      limiter.record('order', t, 'd1');
    }
    expect(limiter.check('order', t0 + 999, 'd1', tight)).toMatchObject({
      ok: false,
      rule: 'ORDER_RATE',
    });
    expect(limiter.check('order', t0 + 1000, 'd1', tight)).toEqual({ ok: true });
    limiter.record('order', t0 + 1000, 'd1');
    expect(limiter.check('order', t0 + 5000, 'd1', tight)).toMatchObject({
      ok: false,
      rule: 'DAILY_ORDER_CAP',
    });
    expect(limiter.check('order', t0 + 5000, 'd2', tight)).toEqual({ ok: true });
    expect(limiter.check('cancel', t0, 'd2', tight)).toEqual({ ok: true });
    limiter.record('cancel', t0 + 5000, 'd2');
    expect(limiter.check('cancel', t0 + 5001, 'd2', tight)).toMatchObject({
      ok: false,
      rule: 'CANCEL_RATE',
    });
    expect(limiter.check('cancel', t0 + 7000, 'd2', tight)).toMatchObject({
      ok: false,
      rule: 'DAILY_CANCEL_CAP',
    });
    expect(limiter.counts()).toEqual({ order: 0, cancel: 1 });
  });
});

describe('board lots of A-share buys', () => {
  const stock = (buyLot: { minimum: number; step: number }) => ({
    exists: true,
    trading: true,
    priceTick: 0.01,
    volumeMultiple: 1,
    buyLot,
  });
  const facts: AccountFacts = {
    state: 'ACTIVE',
    hasOrder: () => false,
    positions: new Map(),
    openOrders: [],
    closable: () => 1_000,
    funds: () => ({ required: 0, available: 1e9 }),
  };
  const buy = (volume: number, direction: 'BUY' | 'SELL' = 'BUY'): RiskOrder => ({
    order_id: 'b1',
    exchange_id: 'SSE',
    instrument_id: '600000',
    direction,
    offset: direction === 'BUY' ? 'OPEN' : 'CLOSE',
    volume,
    price_type: 'LIMIT',
    limit_price: 10,
  });

  it('refuses a buy that is not a multiple of 100 shares, and lets an odd remainder be sold', () => {
    const lot = stock({ minimum: 100, step: 100 });
    expect(checkOrder(buy(300), lot, facts, DEFAULT_RISK_LIMITS)).toEqual({ ok: true });
    expect(checkOrder(buy(150), lot, facts, DEFAULT_RISK_LIMITS)).toMatchObject({
      ok: false,
      rule: 'ORDER_VOLUME',
    });
    expect(checkOrder(buy(50), lot, facts, DEFAULT_RISK_LIMITS)).toMatchObject({ ok: false });
    expect(checkOrder(buy(150, 'SELL'), lot, facts, DEFAULT_RISK_LIMITS)).toEqual({ ok: true });
  });

  it('takes STAR-market buys of 200 shares or more in any number', () => {
    const lot = stock({ minimum: 200, step: 1 });
    expect(checkOrder(buy(201), lot, facts, DEFAULT_RISK_LIMITS)).toEqual({ ok: true });
    expect(checkOrder(buy(199), lot, facts, DEFAULT_RISK_LIMITS)).toMatchObject({ ok: false });
  });
});
