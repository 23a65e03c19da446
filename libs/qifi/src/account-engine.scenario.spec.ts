/**
 * Account engine scenarios. Expected numbers are worked out by hand below each step, from the
 * presets in futures-presets.json:
 *   AU (SHFE 黄金): unit 1000, margin 0.08, commission 10 CNY/lot, close-today 0 CNY/lot.
 *   RB (SHFE 螺纹钢): unit 10, margin 0.09, commission 0.0001 of notional.
 *   Stocks: unit 1, margin 1.0 (fully paid), commission 0.00025 of notional, stamp duty on sells
 *   0.05 % (0.1 % before 2023-08-28).
 */
import { QifiAccount } from './account-engine';
import { MAX_MONEY } from './money';
import { parseQifi, qifiToJson } from './qifi-document';

const T0 = Date.parse('2025-03-27T01:30:00Z');

function expectAccount(
  account: QifiAccount,
  expected: Partial<ReturnType<QifiAccount['account']>>,
): void {
  const actual = account.account();
  for (const [key, value] of Object.entries(expected)) {
    expect([key, actual[key as keyof typeof actual]]).toEqual([key, value]);
  }
}

describe('scenario 1: SHFE au — open 2, close-today 1, settle, close 1 next day', () => {
  const account = new QifiAccount({
    accountCookie: 'acc1',
    initCash: 1_000_000,
    tradingDay: '20250327',
  });
  const position = () => account.toQifi().positions['SHFE.au2512']!;

  it('step 1: BUY OPEN 2 @ 600 freezes margin and commission', () => {
    const result = account.insertOrder(
      {
        order_id: 'o1',
        exchange_id: 'SHFE',
        instrument_id: 'au2512',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 2,
        limit_price: 600,
      },
      T0,
    );
    expect(result.ok).toBe(true);
    // frozen margin = 600 × 2 × 1000 × 0.08 = 96,000.00; frozen commission = 10 × 2 = 20.00
    // available = 1,000,000 − 96,000 − 20 = 903,980.00
    expectAccount(account, {
      frozen_margin: 96_000,
      frozen_commission: 20,
      balance: 1_000_000,
      available: 903_980,
      margin: 0,
    });
  });

  it('step 2: filled 2 @ 600 — margin posted, commission charged', () => {
    const trade = account.receiveDeal('o1', { price: 600, volume: 2 }, T0 + 1000);
    expect(trade.ok && trade.value.trade_id).toBe('o1|1');
    expect(trade.ok && trade.value.commission).toBe(20);
    // margin 96,000.00; commission 20.00; balance = 1,000,000 − 20 = 999,980.00
    // available = 999,980 − 96,000 = 903,980.00
    expectAccount(account, {
      frozen_margin: 0,
      frozen_commission: 0,
      margin: 96_000,
      commission: 20,
      balance: 999_980,
      available: 903_980,
    });
    expect(position()).toMatchObject({
      volume_long: 2,
      volume_long_today: 2,
      volume_long_his: 0,
      open_price_long: 600,
      margin_long: 96_000,
    });
  });

  it('step 3: price 602 — position profit (602 − 600) × 2 × 1000 = 4,000', () => {
    account.updatePrice('SHFE.au2512', 602);
    // balance = 999,980 + 4,000 = 1,003,980.00; available = 1,003,980 − 96,000 = 907,980.00
    expectAccount(account, {
      position_profit: 4_000,
      float_profit: 4_000,
      balance: 1_003_980,
      available: 907_980,
    });
    expect(account.account().risk_ratio).toBeCloseTo(1 - 907_980 / 1_003_980, 12);
  });

  it('step 4: SELL CLOSETODAY 1 @ 603 — close-today commission coefficient (0/lot), not the normal 10', () => {
    expect(
      account.insertOrder(
        {
          order_id: 'o2',
          exchange_id: 'SHFE',
          instrument_id: 'au2512',
          direction: 'SELL',
          offset: 'CLOSETODAY',
          volume: 1,
          limit_price: 603,
        },
        T0 + 2000,
      ).ok,
    ).toBe(true);
    expect(position()).toMatchObject({ volume_long_frozen_today: 1, volume_long_frozen: 1 });
    const trade = account.receiveDeal('o2', { price: 603, volume: 1 }, T0 + 3000);
    expect(trade.ok && trade.value.commission).toBe(0);
    // close profit = (603 − 600) × 1 × 1000 = 3,000.00; margin left = 48,000.00
    // position profit of the remaining lot = (602 − 600) × 1000 = 2,000.00
    // balance = 1,000,000 + 3,000 − 20 + 2,000 = 1,004,980.00; available = 1,004,980 − 48,000 = 956,980.00
    expectAccount(account, {
      close_profit: 3_000,
      commission: 20,
      margin: 48_000,
      position_profit: 2_000,
      balance: 1_004_980,
      available: 956_980,
    });
    expect(position()).toMatchObject({
      volume_long: 1,
      volume_long_today: 1,
      volume_long_frozen: 0,
    });
  });

  it("plain CLOSE on SHFE only closes yesterday's position, so it is refused today", () => {
    const result = account.insertOrder(
      {
        order_id: 'o3',
        exchange_id: 'SHFE',
        instrument_id: 'au2512',
        direction: 'SELL',
        offset: 'CLOSE',
        volume: 1,
        limit_price: 603,
      },
      T0 + 4000,
    );
    expect(result.ok || result.rejection.code).toBe('INSUFFICIENT_POSITION');
  });

  it('step 5: settle at 605 — today → his, pre_balance rolls, margin at the settlement price', () => {
    account.settle('20250328', { 'SHFE.au2512': 605 });
    // marked at 605: position profit (605 − 600) × 1000 = 5,000 → settled balance
    //   = 1,000,000 + 3,000 − 20 + 5,000 = 1,007,980.00 = new pre_balance
    // margin = 605 × 1 × 1000 × 0.08 = 48,400.00; available = 1,007,980 − 48,400 = 959,580.00
    expectAccount(account, {
      pre_balance: 1_007_980,
      static_balance: 1_007_980,
      close_profit: 0,
      commission: 0,
      position_profit: 0,
      balance: 1_007_980,
      margin: 48_400,
      available: 959_580,
    });
    expect(position()).toMatchObject({
      volume_long_today: 0,
      volume_long_his: 1,
      volume_long_yd: 1,
      position_price_long: 605,
      open_price_long: 600,
      float_profit_long: 5_000,
    });
    expect(account.toQifi().trading_day).toBe('20250328');
    expect(account.toQifi().settlement['20250327']).toContain('balance 1007980.00');
    expect(account.toQifi().orders).toEqual({});
  });

  it('step 6: next day CLOSETODAY is refused (no today position); CLOSE 1 @ 610 closes against the settlement price', () => {
    const refused = account.insertOrder(
      {
        order_id: 'p1',
        exchange_id: 'SHFE',
        instrument_id: 'au2512',
        direction: 'SELL',
        offset: 'CLOSETODAY',
        volume: 1,
        limit_price: 610,
      },
      T0 + 86_400_000,
    );
    expect(refused.ok || refused.rejection.code).toBe('INSUFFICIENT_POSITION');
    expect(
      account.insertOrder(
        {
          order_id: 'p2',
          exchange_id: 'SHFE',
          instrument_id: 'au2512',
          direction: 'SELL',
          offset: 'CLOSE',
          volume: 1,
          limit_price: 610,
        },
        T0 + 86_400_000,
      ).ok,
    ).toBe(true);
    const trade = account.receiveDeal('p2', { price: 610, volume: 1 }, T0 + 86_401_000);
    expect(trade.ok && trade.value.commission).toBe(10);
    // close profit = (610 − 605) × 1000 = 5,000.00; commission (normal) = 10.00; margin 0
    // balance = 1,007,980 + 5,000 − 10 = 1,012,970.00 = available
    // (two-day total: (603 − 600 + 610 − 600) × 1000 − (20 + 0 + 10) = 12,970 on 1,000,000)
    expectAccount(account, {
      close_profit: 5_000,
      commission: 10,
      margin: 0,
      balance: 1_012_970,
      available: 1_012_970,
    });
    expect(position()).toMatchObject({ volume_long: 0, volume_long_his: 0 });
  });
});

describe('scenario 2: A-share buy 1000, same-day sell refused (T+1), sell next day with stamp duty', () => {
  const account = new QifiAccount({
    accountCookie: 'acc2',
    initCash: 100_000,
    tradingDay: '20250327',
  });

  it('buys 1000 @ 10.00', () => {
    expect(
      account.insertOrder(
        {
          order_id: 'b1',
          exchange_id: 'SSE',
          instrument_id: '600000',
          direction: 'BUY',
          offset: 'OPEN',
          volume: 1000,
          limit_price: 10,
        },
        T0,
      ).ok,
    ).toBe(true);
    // frozen = 10 × 1000 = 10,000.00 (fully paid); commission 0.00025 × 10,000 = 2.50
    expectAccount(account, { frozen_margin: 10_000, frozen_commission: 2.5, available: 89_997.5 });
    account.receiveDeal('b1', { price: 10, volume: 1000 }, T0 + 1000);
    // balance = 100,000 − 2.50 = 99,997.50; available = 99,997.50 − 10,000 = 89,997.50
    expectAccount(account, {
      margin: 10_000,
      commission: 2.5,
      balance: 99_997.5,
      available: 89_997.5,
    });
  });

  it('refuses to sell shares bought today', () => {
    const result = account.insertOrder(
      {
        order_id: 's1',
        exchange_id: 'SSE',
        instrument_id: '600000',
        direction: 'SELL',
        offset: 'CLOSE',
        volume: 1000,
        limit_price: 10.5,
      },
      T0 + 2000,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.rejection).toEqual({
      code: 'T_PLUS_ONE',
      message: 'T+1: only 0 shares bought before today can be sold, 1000 requested',
    });
    expect(account.toQifi().orders.s1).toMatchObject({
      status: 'FINISHED',
      last_msg: 'T+1: only 0 shares bought before today can be sold, 1000 requested',
    });
  });

  it('sells next day with commission and 0.05 % stamp duty', () => {
    account.settle('20250328', { 'SSE.600000': 10.2 });
    // pre_balance = 99,997.50 + (10.20 − 10.00) × 1000 = 100,197.50; margin (market value) 10,200.00
    expectAccount(account, { pre_balance: 100_197.5, margin: 10_200, available: 89_997.5 });
    expect(
      account.insertOrder(
        {
          order_id: 's2',
          exchange_id: 'SSE',
          instrument_id: '600000',
          direction: 'SELL',
          offset: 'CLOSE',
          volume: 1000,
          limit_price: 10.5,
        },
        T0 + 86_400_000,
      ).ok,
    ).toBe(true);
    const trade = account.receiveDeal('s2', { price: 10.5, volume: 1000 }, T0 + 86_401_000);
    // commission 0.00025 × 10,500 = 2.625 → 2.63; stamp duty 0.0005 × 10,500 = 5.25; total 7.88
    expect(trade.ok && trade.value.commission).toBe(7.88);
    // close profit (10.50 − 10.20) × 1000 = 300.00; balance = 100,197.50 + 300 − 7.88 = 100,489.62
    // (check: 100,000 − 10,000 + 10,500 − 2.50 − 7.88 = 100,489.62)
    expectAccount(account, {
      close_profit: 300,
      commission: 7.88,
      margin: 0,
      balance: 100_489.62,
      available: 100_489.62,
    });
  });

  it('applies 0.1 % stamp duty before 2023-08-28', () => {
    const old = new QifiAccount({
      accountCookie: 'acc2b',
      initCash: 100_000,
      tradingDay: '20230824',
    });
    old.insertOrder(
      {
        order_id: 'b',
        exchange_id: 'SZSE',
        instrument_id: '000001',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1000,
        limit_price: 12,
      },
      T0,
    );
    old.receiveDeal('b', { price: 12, volume: 1000 }, T0);
    old.settle('20230825', { 'SZSE.000001': 12 });
    old.insertOrder(
      {
        order_id: 's',
        exchange_id: 'SZSE',
        instrument_id: '000001',
        direction: 'SELL',
        offset: 'CLOSE',
        volume: 1000,
        limit_price: 12,
      },
      T0,
    );
    const trade = old.receiveDeal('s', { price: 12, volume: 1000 }, T0);
    // commission 0.00025 × 12,000 = 3.00; stamp duty 0.001 × 12,000 = 12.00
    expect(trade.ok && trade.value.commission).toBe(15);
  });
});

describe('scenario 3: partial fill then cancel releases exactly the remaining frozen money', () => {
  it('RB BUY OPEN 3 @ 3333, fill 1, cancel', () => {
    const account = new QifiAccount({
      accountCookie: 'acc3',
      initCash: 1_000_000,
      tradingDay: '20250327',
    });
    account.insertOrder(
      {
        order_id: 'r1',
        exchange_id: 'SHFE',
        instrument_id: 'rb2505',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 3,
        limit_price: 3333,
      },
      T0,
    );
    // margin = 3333 × 3 × 10 × 0.09 = 8,999.10; commission = 0.0001 × 99,990 = 9.999 → 10.00
    expectAccount(account, { frozen_margin: 8_999.1, frozen_commission: 10, available: 990_990.9 });
    account.receiveDeal('r1', { price: 3333, volume: 1 }, T0 + 1000);
    // one third released: margin 2,999.70, commission 3.333 → 3.33; still frozen 5,999.40 and 6.67
    // charged: commission 0.0001 × 33,330 = 3.333 → 3.33; position margin 2,999.70
    expectAccount(account, {
      frozen_margin: 5_999.4,
      frozen_commission: 6.67,
      margin: 2_999.7,
      commission: 3.33,
    });
    expect(account.toQifi().orders.r1).toMatchObject({
      status: 'ALIVE',
      volume_left: 2,
      last_msg: '部分成交',
    });
    const cancelled = account.cancelOrder('r1');
    expect(cancelled.ok && cancelled.value).toMatchObject({
      status: 'FINISHED',
      volume_left: 2,
      last_msg: '已撤单',
    });
    // everything still frozen comes back: available = 1,000,000 − 3.33 − 2,999.70 = 996,996.97
    expectAccount(account, {
      frozen_margin: 0,
      frozen_commission: 0,
      available: 996_996.97,
      balance: 999_996.67,
    });
    expect(account.cancelOrder('r1')).toEqual({
      ok: false,
      rejection: { code: 'ORDER_NOT_ALIVE', message: 'order r1 is FINISHED' },
    });
  });

  it('cancelling a partly filled close order unfreezes the rest of the volume', () => {
    const account = new QifiAccount({
      accountCookie: 'acc3b',
      initCash: 1_000_000,
      tradingDay: '20250327',
    });
    account.insertOrder(
      {
        order_id: 'o',
        exchange_id: 'DCE',
        instrument_id: 'm2505',
        direction: 'SELL',
        offset: 'OPEN',
        volume: 5,
        limit_price: 3000,
      },
      T0,
    );
    account.receiveDeal('o', { price: 3000, volume: 5 }, T0);
    account.insertOrder(
      {
        order_id: 'c',
        exchange_id: 'DCE',
        instrument_id: 'm2505',
        direction: 'BUY',
        offset: 'CLOSETODAY',
        volume: 4,
        limit_price: 2990,
      },
      T0,
    );
    account.receiveDeal('c', { price: 2990, volume: 1 }, T0);
    expect(account.toQifi().positions['DCE.m2505']).toMatchObject({
      volume_short: 4,
      volume_short_frozen_today: 3,
    });
    account.cancelOrder('c');
    expect(account.toQifi().positions['DCE.m2505']).toMatchObject({
      volume_short: 4,
      volume_short_frozen: 0,
    });
  });
});

describe('scenario 4: rejections carry a reason', () => {
  const account = new QifiAccount({
    accountCookie: 'acc4',
    initCash: 10_000,
    tradingDay: '20250327',
  });

  it('insufficient funds', () => {
    const result = account.insertOrder(
      {
        order_id: 'x1',
        exchange_id: 'SHFE',
        instrument_id: 'au2512',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1,
        limit_price: 600,
      },
      T0,
    );
    // needs 600 × 1000 × 0.08 = 48,000.00 + 10.00 commission > 10,000.00
    expect(result).toEqual({
      ok: false,
      rejection: {
        code: 'INSUFFICIENT_FUNDS',
        message:
          'insufficient funds: needs 48010.00 (margin 48000.00 + commission 10.00), available 10000.00',
      },
    });
    expect(account.toQifi().orders.x1).toMatchObject({ status: 'FINISHED', volume_left: 1 });
    // A refused order leaves no empty position behind.
    expect(account.toQifi().positions).toEqual({});
    expectAccount(account, { frozen_margin: 0, available: 10_000 });
  });

  it('insufficient closable volume', () => {
    const result = account.insertOrder(
      {
        order_id: 'x2',
        exchange_id: 'CFFEX',
        instrument_id: 'IF2506',
        direction: 'SELL',
        offset: 'CLOSE',
        volume: 1,
        limit_price: 3900,
      },
      T0,
    );
    expect(result).toEqual({
      ok: false,
      rejection: {
        code: 'INSUFFICIENT_POSITION',
        message: 'insufficient closable long position: 1 requested, 0 available',
      },
    });
  });

  it('invalid orders, unknown instruments, duplicate ids, bad fills', () => {
    const base = {
      exchange_id: 'SHFE',
      instrument_id: 'rb2505',
      direction: 'BUY',
      offset: 'OPEN',
      volume: 1,
      limit_price: 3000,
    } as const;
    const code = (outcome: { ok: boolean; rejection?: { code: string } }) =>
      outcome.rejection?.code;
    expect(code(account.insertOrder({ ...base, order_id: 'v0', volume: 0 }, T0))).toBe(
      'INVALID_ORDER',
    );
    expect(code(account.insertOrder({ ...base, order_id: 'v1', limit_price: -1 }, T0))).toBe(
      'INVALID_ORDER',
    );
    expect(
      code(account.insertOrder({ ...base, order_id: 'v2', instrument_id: 'zz2505' }, T0)),
    ).toBe('UNKNOWN_INSTRUMENT');
    expect(
      code(
        account.insertOrder(
          {
            ...base,
            order_id: 'v3',
            exchange_id: 'SSE',
            instrument_id: '600000',
            direction: 'SELL',
          },
          T0,
        ),
      ),
    ).toBe('INVALID_ORDER');
    expect(account.insertOrder({ ...base, order_id: 'ok' }, T0).ok).toBe(true);
    expect(code(account.insertOrder({ ...base, order_id: 'ok' }, T0))).toBe('DUPLICATE_ORDER_ID');
    expect(code(account.receiveDeal('ok', { price: 3000, volume: 2 }, T0))).toBe('INVALID_FILL');
    expect(code(account.receiveDeal('nope', { price: 3000, volume: 1 }, T0))).toBe(
      'ORDER_NOT_FOUND',
    );
    expect(code(account.transfer(-1e9, T0))).toBe('INVALID_TRANSFER');
  });
});

describe('restoring an account from its QIFI document', () => {
  it('restores a settled balance that profits took past the bound on new money', () => {
    // Found by the bounds property test: the bound applies to money taken in (initial cash,
    // transfers, order values), not to what an account earned; a restart must restore it.
    const account = new QifiAccount({
      accountCookie: 'rich',
      initCash: MAX_MONEY - 1_000_000,
      tradingDay: '20250327',
    });
    const placed = account.insertOrder(
      {
        order_id: 'gold',
        exchange_id: 'SHFE',
        instrument_id: 'au2512',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 2,
        limit_price: 1,
      },
      T0,
    );
    expect(placed.ok).toBe(true);
    expect(account.receiveDeal('gold', { price: 1, volume: 2 }, T0 + 1000).ok).toBe(true);
    account.settle('20250328', { 'SHFE.au2512': 9457 });
    expect(account.toQifi().accounts.pre_balance).toBeGreaterThan(MAX_MONEY);
    const restored = QifiAccount.fromQifi(parseQifi(qifiToJson(account.toQifi())));
    expect(restored.toQifi()).toEqual(account.toQifi());
  });

  it('keeps live orders fillable and cancellable with their freezes', () => {
    const original = new QifiAccount({
      accountCookie: 'acc5',
      initCash: 1_000_000,
      tradingDay: '20250327',
    });
    original.insertOrder(
      {
        order_id: 'open',
        exchange_id: 'DCE',
        instrument_id: 'm2505',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 6,
        limit_price: 3000,
      },
      T0,
    );
    original.receiveDeal('open', { price: 3000, volume: 6 }, T0);
    original.insertOrder(
      {
        order_id: 'more',
        exchange_id: 'DCE',
        instrument_id: 'm2505',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 3,
        limit_price: 2990,
      },
      T0,
    );
    original.insertOrder(
      {
        order_id: 'close',
        exchange_id: 'DCE',
        instrument_id: 'm2505',
        direction: 'SELL',
        offset: 'CLOSETODAY',
        volume: 4,
        limit_price: 3010,
      },
      T0,
    );
    const restored = QifiAccount.fromQifi(original.toQifi());
    expect(restored.toQifi()).toEqual(original.toQifi());
    // m: unit 10, margin 0.05 (DCE 豆粕), commission 1.5/lot: frozen for "more" = 2990 × 3 × 10 × 0.05 = 4,485.00 + 4.50
    expect(restored.account()).toMatchObject({
      frozen_margin: original.account().frozen_margin,
      frozen_commission: original.account().frozen_commission,
    });
    for (const account of [original, restored]) {
      account.receiveDeal('close', { price: 3010, volume: 4 }, T0 + 1000);
      account.cancelOrder('more');
    }
    expect(restored.account()).toEqual(original.account());
    expect(restored.account()).toMatchObject({ frozen_margin: 0, frozen_commission: 0 });
    expect(restored.toQifi().positions['DCE.m2505']).toMatchObject({
      volume_long: 2,
      volume_long_frozen: 0,
    });
  });
});
