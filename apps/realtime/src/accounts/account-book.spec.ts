import type { JsonObject } from '@qautlra/diff';
import { Qifi, QifiAccount } from '@qautlra/qifi';
import fc from 'fast-check';
import { AccountBook, isOption, unitsOf } from './account-book';

const INSTRUMENTS = [
  { exchange_id: 'SHFE', instrument_id: 'au2512', price: 600.2 },
  { exchange_id: 'SHFE', instrument_id: 'rb2601', price: 3301 },
  { exchange_id: 'CFFEX', instrument_id: 'IF2606', price: 3900.4 },
  { exchange_id: 'SSE', instrument_id: '600000', price: 10.37 },
] as const;

const keyOf = (i: number) => `${INSTRUMENTS[i]!.exchange_id}.${INSTRUMENTS[i]!.instrument_id}`;

/** The trade server's `trade.<account>` section of an engine's document. */
const sectionOf = (qifi: Qifi): JsonObject => ({
  session: { trading_day: qifi.trading_day },
  accounts: { CNY: { ...qifi.accounts } },
  positions: JSON.parse(JSON.stringify(qifi.positions)) as JsonObject,
  orders: {},
  trades: {},
});

/** An engine with fills: some opened yesterday (settled), some today. */
function engineWith(fills: { i: number; buy: boolean; volume: number; tick: number }[]) {
  const engine = new QifiAccount({
    accountCookie: 'acc',
    initCash: 50_000_000,
    tradingDay: '20260105',
  });
  let n = 0;
  const fill = (f: (typeof fills)[number]) => {
    const spec = INSTRUMENTS[f.i]!;
    if (spec.exchange_id === 'SSE' && !f.buy) return;
    const price = Math.round((spec.price + f.tick * 0.2) * 100) / 100;
    const volume = spec.exchange_id === 'SSE' ? f.volume * 100 : f.volume;
    const id = `o${(n += 1)}`;
    const placed = engine.insertOrder(
      {
        order_id: id,
        exchange_id: spec.exchange_id,
        instrument_id: spec.instrument_id,
        direction: f.buy ? 'BUY' : 'SELL',
        offset: 'OPEN',
        volume,
        limit_price: price,
      },
      Date.UTC(2026, 0, 5, 2),
    );
    if (placed.ok) engine.receiveDeal(id, { price, volume }, Date.UTC(2026, 0, 5, 2));
  };
  const half = Math.floor(fills.length / 2);
  fills.slice(0, half).forEach(fill);
  const settlement = Object.fromEntries(INSTRUMENTS.map((s, i) => [keyOf(i), s.price + 1]));
  engine.settle('20260106', settlement);
  fills.slice(half).forEach(fill);
  return engine;
}

const fillArb = fc.record({
  i: fc.integer({ min: 0, max: INSTRUMENTS.length - 1 }),
  buy: fc.boolean(),
  volume: fc.integer({ min: 1, max: 20 }),
  tick: fc.integer({ min: -30, max: 30 }),
});

describe('AccountBook: re-marks with the account engine’s arithmetic', () => {
  it('equals the engine restored from the same document, marked at the same prices (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fillArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -400, max: 400 })), {
          maxLength: 20,
        }),
        (fills, moves) => {
          const engine = engineWith(fills);
          const document = engine.toQifi();
          const book = new AccountBook('acc');
          book.load(sectionOf(document));
          const restored = QifiAccount.fromQifi(document);
          for (const [i, ticks] of moves) {
            const price = Math.round((INSTRUMENTS[i]!.price + ticks * 0.2) * 100) / 100;
            book.markKey(keyOf(i), price);
            restored.updatePrice(keyOf(i), price);
            engine.updatePrice(keyOf(i), price);
          }
          const figures = book.figures();
          const expected = restored.account();
          for (const field of Object.keys(expected) as (keyof typeof expected)[])
            expect(figures[field]).toBe(expected[field]);
          const records = book.positionRecords();
          const positions = restored.toQifi().positions;
          for (const [key, record] of Object.entries(positions))
            expect({ ...records[key], market_value: undefined }).toEqual({
              ...record,
              market_value: undefined,
            });
          // The original engine (costs from the fills themselves) agrees to the fen.
          const original = engine.account();
          for (const field of [
            'balance',
            'available',
            'float_profit',
            'position_profit',
            'margin',
          ] as const)
            expect(Math.abs(figures[field] - original[field])).toBeLessThan(0.0051);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rebuilds only what a patch changes, keeps live marks over the server’s, and reports a compact patch', () => {
    const engine = engineWith([
      { i: 1, buy: true, volume: 3, tick: 0 },
      { i: 0, buy: false, volume: 2, tick: 1 },
    ]);
    const section = sectionOf(engine.toQifi());
    const book = new AccountBook('acc');
    book.load(section);
    book.takePatch();
    expect(book.takePatch()).toBeUndefined();
    expect(book.markKey('SHFE.rb2601', 3320)).toBe(true);
    expect(book.markKey('DCE.m2605', 3000)).toBe(false);
    const patch = book.takePatch()!;
    expect(Object.keys(patch.positions as JsonObject)).toEqual(['SHFE.rb2601']);
    expect((patch.positions as JsonObject)['SHFE.rb2601']).toMatchObject({ last_price: 3320 });
    expect(Object.keys((patch.positions as JsonObject)['SHFE.rb2601'] as JsonObject)).not.toContain(
      'volume_long',
    );
    // The trade server's own mark (a stale price) does not undo the live one.
    const markOnly = { positions: { 'SHFE.rb2601': { last_price: 3299, float_profit: 1 } } };
    book.load(section, markOnly);
    expect(book.positionRecords()['SHFE.rb2601']!.last_price).toBe(3320);
    // A fill rebuilds the record, still at the live price.
    const filled = engineWith([
      { i: 1, buy: true, volume: 3, tick: 0 },
      { i: 0, buy: false, volume: 2, tick: 1 },
      { i: 1, buy: true, volume: 1, tick: 0 },
    ]);
    const next = sectionOf(filled.toQifi());
    book.load(next, { positions: { 'SHFE.rb2601': { volume_long_today: 4 } } });
    expect(book.positionRecords()['SHFE.rb2601']).toMatchObject({ last_price: 3320 });
    const rebuilt = book.takePatch()!;
    expect((rebuilt.positions as JsonObject)['SHFE.rb2601']).toHaveProperty('volume_long');
  });

  it('tracks the day’s peak, drawdown and day PnL, and starts the peak again on a new trading day', () => {
    const engine = engineWith([{ i: 1, buy: true, volume: 10, tick: 0 }]);
    const book = new AccountBook('acc');
    book.load(sectionOf(engine.toQifi()));
    book.markKey('SHFE.rb2601', 3400);
    const high = book.figures();
    book.markKey('SHFE.rb2601', 3350);
    const lower = book.figures();
    expect(lower.peak_balance).toBe(high.balance);
    expect(lower.drawdown).toBeCloseTo(high.balance - lower.balance, 2);
    expect(lower.drawdown_ratio).toBeCloseTo(lower.drawdown / high.balance, 12);
    expect(lower.day_pnl).toBeCloseTo(lower.balance - lower.static_balance, 2);
    book.load({ ...sectionOf(engine.toQifi()), session: { trading_day: '20260107' } });
    book.markKey('SHFE.rb2601', 3350);
    expect(book.figures().peak_balance).toBe(book.figures().balance);
  });

  it('counts securities’ market value and options’ value in value_balance', () => {
    const engine = engineWith([{ i: 3, buy: true, volume: 5, tick: 0 }]);
    const book = new AccountBook('acc');
    book.load(sectionOf(engine.toQifi()));
    book.markKey('SSE.600000', 11);
    const figures = book.figures();
    expect(figures.market_value).toBe(11 * 500);
    expect(figures.value_balance).toBe(figures.balance);
    expect(isOption('DCE', 'm2705-C-3000')).toBe(true);
    expect(isOption('CZCE', 'SR705C5000')).toBe(true);
    expect(isOption('CFFEX', 'IO2612-P-4000')).toBe(true);
    expect(isOption('SSE', '10004567')).toBe(true);
    expect(isOption('SHFE', 'rb2705')).toBe(false);
    expect(isOption('SSE', '600000')).toBe(false);
  });
});

describe('trading units (dotted order ids)', () => {
  it('names every level of a dotted id, as DIFF accounts them', () => {
    expect(unitsOf('策略1.0001')).toEqual(['策略1']);
    expect(unitsOf('st.ab12cd34.2.15')).toEqual(['st', 'st.ab12cd34', 'st.ab12cd34.2']);
    expect(unitsOf('manual')).toEqual([]);
  });

  it('keeps each unit’s trades of the day, net lots and PnL at the live price', () => {
    const engine = new QifiAccount({
      accountCookie: 'acc',
      initCash: 10_000_000,
      tradingDay: '20260105',
    });
    const fill = (
      id: string,
      direction: 'BUY' | 'SELL',
      offset: 'OPEN' | 'CLOSETODAY',
      volume: number,
      price: number,
    ) => {
      const placed = engine.insertOrder(
        {
          order_id: id,
          exchange_id: 'SHFE',
          instrument_id: 'rb2601',
          direction,
          offset,
          volume,
          limit_price: price,
        },
        Date.UTC(2026, 0, 5, 2),
      );
      expect(placed).toMatchObject({ ok: true });
      engine.receiveDeal(id, { price, volume }, Date.UTC(2026, 0, 5, 2));
    };
    fill('st.aaaa.1.1', 'BUY', 'OPEN', 2, 3301);
    fill('st.aaaa.1.2', 'SELL', 'CLOSETODAY', 1, 3310); // SHFE closes today's lots explicitly
    fill('st.bbbb.1.1', 'SELL', 'OPEN', 1, 3305);
    fill('manual', 'BUY', 'OPEN', 1, 3300);
    const qifi = engine.toQifi();
    const book = new AccountBook('acc');
    book.load({
      ...sectionOf(qifi),
      trades: JSON.parse(JSON.stringify(qifi.trades)) as JsonObject,
    });
    book.markKey('SHFE.rb2601', 3320);
    const units = book.unitFigures();
    expect(Object.keys(units).sort()).toEqual([
      'st',
      'st.aaaa',
      'st.aaaa.1',
      'st.bbbb',
      'st.bbbb.1',
    ]);
    const commission = (id: string) =>
      Object.values(qifi.trades)
        .filter((trade) => trade.order_id.startsWith(id))
        .reduce((sum, trade) => sum + trade.commission, 0);
    expect(units['st.aaaa']).toMatchObject({ trades: 2, positions: { 'SHFE.rb2601': 1 } });
    // −3301×2×10 + 3310×10 + 1 lot × 3320 × 10 − commission
    expect(units['st.aaaa']!.pnl).toBeCloseTo(280 - commission('st.aaaa'), 2);
    expect(units['st.bbbb']!.pnl).toBeCloseTo(-150 - commission('st.bbbb'), 2);
    expect(units.st).toMatchObject({ trades: 3, positions: { 'SHFE.rb2601': 0 } });
    expect(book.state().units).toEqual(units);
  });
});
