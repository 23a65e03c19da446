import { defineStrategy, MarketBar, StrategyContext } from '@qautlra/execution';
import { BacktestEngine, BacktestResult } from './backtest-engine';
import { simBars } from './sim-data';

/** A bar at a Beijing time (`YYYY-MM-DD HH:MM`) of a trading day. */
function bar(
  instrument: string,
  beijing: string,
  tradingDay: string,
  [open, high, low, close]: [number, number, number, number],
  extra: Partial<MarketBar> = {},
): MarketBar {
  const startMs = Date.parse(`${beijing.replace(' ', 'T')}:00+08:00`);
  return {
    instrument,
    frequency: '1m',
    startMs,
    endMs: startMs + 60_000,
    tradingDay,
    open,
    high,
    low,
    close,
    volume: 1_000,
    ...extra,
  };
}

type Step = (context: StrategyContext, bar: MarketBar) => void;

/** A strategy that runs `script[n]` on the n-th bar (0-based, all instruments). */
function scripted(script: Record<number, Step>) {
  return defineStrategy({
    name: 'scripted',
    parameters: {},
    create: () => {
      let index = -1;
      return {
        onBar(bar, context) {
          index += 1;
          script[index]?.(context, bar);
        },
      };
    },
  });
}

const run = (script: Record<number, Step>, bars: MarketBar[]): BacktestResult =>
  new BacktestEngine(scripted(script), {}).run(bars);

const account = (result: BacktestResult) => result.summary.accounts[0]!;

/** The run's identity: balance change = Σ close profit + Σ position profit − Σ commission. */
function expectBalanced(result: BacktestResult): void {
  const a = account(result);
  expect(a.finalBalance - a.initCash).toBeCloseTo(
    a.closeProfit + a.positionProfit - a.commission,
    6,
  );
}

describe('backtest scenarios (hand-checked numbers)', () => {
  it('A-shares are T+1: shares bought today cannot be sold until the next trading day', () => {
    const id = 'SSE.600000';
    const result = run(
      {
        0: (c) => c.buy(id, 100),
        1: (c) => c.sell(id, 100),
        3: (c) => c.sell(id, 100),
      },
      [
        bar(id, '2026-01-05 09:31', '20260105', [10, 10.05, 9.99, 10.02]),
        bar(id, '2026-01-05 09:32', '20260105', [10, 10.1, 10, 10.08]),
        bar(id, '2026-01-05 09:33', '20260105', [10.08, 10.1, 10.05, 10.1]),
        bar(id, '2026-01-06 09:31', '20260106', [10.2, 10.3, 10.2, 10.3]),
        bar(id, '2026-01-06 09:32', '20260106', [10.4, 10.45, 10.35, 10.4]),
      ],
    );
    const [buy, refused, sold] = result.orders;
    expect(buy).toMatchObject({ direction: 'BUY', status: 'FINISHED', volume_left: 0 });
    expect(refused).toMatchObject({ direction: 'SELL', status: 'FINISHED', volume_left: 100 });
    expect(refused?.last_msg).toContain('T+1');
    expect(sold).toMatchObject({ direction: 'SELL', volume_left: 0 });
    expect(result.trades.map((t) => [t.direction, t.price, t.volume, t.commission])).toEqual([
      ['BUY', 10, 100, 0.25], // 1,000 × 0.025 %
      ['SELL', 10.4, 100, 0.78], // 1,040 × 0.025 % = 0.26 + stamp duty 1,040 × 0.05 % = 0.52
    ]);
    expect(account(result).finalBalance).toBeCloseTo(1_000_000 + 40 - 0.25 - 0.78, 6);
    expectBalanced(result);
  });

  it('SHFE: a close splits into yesterday’s and today’s lots, each at its own commission', () => {
    const id = 'SHFE.rb2705';
    const result = run(
      {
        0: (c) => c.buy(id, 2),
        2: (c) => c.buy(id, 1),
        3: (c) => c.sell(id, 3),
      },
      [
        bar(id, '2026-01-05 09:01', '20260105', [3490, 3505, 3490, 3500]),
        bar(id, '2026-01-05 09:02', '20260105', [3500, 3512, 3498, 3510]),
        bar(id, '2026-01-06 09:01', '20260106', [3515, 3520, 3510, 3518]),
        bar(id, '2026-01-06 09:02', '20260106', [3520, 3525, 3515, 3522]),
        bar(id, '2026-01-06 09:03', '20260106', [3530, 3535, 3525, 3530]),
      ],
    );
    expect(
      result.trades.map((t) => [t.direction, t.offset, t.volume, t.price, t.commission]),
    ).toEqual([
      ['BUY', 'OPEN', 2, 3500, 7], // 3,500 × 2 × 10 × 0.01 %
      ['BUY', 'OPEN', 1, 3520, 3.52],
      ['SELL', 'CLOSEYESTERDAY', 2, 3530, 7.06],
      ['SELL', 'CLOSETODAY', 1, 3530, 3.53], // rb's close-today rate, 0.01 %
    ]);
    expect(account(result).finalBalance).toBeCloseTo(1_000_000 + 600 + 100 - 21.11, 6);
    expectBalanced(result);
  });

  it('no buy fills through a bar spent at the limit-up; it fills when the price comes off it', () => {
    const id = 'SHFE.rb2705';
    const limits = { upperLimit: 3600, lowerLimit: 3200 };
    const result = run({ 0: (c) => c.buy(id, 1, { price: 3600 }) }, [
      bar(id, '2026-01-05 09:01', '20260105', [3590, 3600, 3590, 3600], limits),
      bar(id, '2026-01-05 09:02', '20260105', [3600, 3600, 3600, 3600], limits),
      bar(id, '2026-01-05 09:03', '20260105', [3595, 3600, 3590, 3592], limits),
    ]);
    expect(result.trades.map((t) => [t.price, t.trade_date_time / 1e6])).toEqual([
      [3595, Date.parse('2026-01-05T09:03:00+08:00')],
    ]);
  });

  it('a night session across midnight belongs to one trading day: one settlement, not two', () => {
    const id = 'SHFE.au2606';
    const result = run({ 0: (c) => c.buy(id, 1) }, [
      bar(id, '2026-01-05 21:00', '20260106', [600, 601, 599.5, 600.5]),
      bar(id, '2026-01-05 23:59', '20260106', [601, 602, 600.8, 601.5]),
      bar(id, '2026-01-06 00:00', '20260106', [601.5, 602, 601, 601.8]),
      bar(id, '2026-01-06 02:29', '20260106', [602, 603, 601.9, 602.5]),
      bar(id, '2026-01-06 09:00', '20260106', [602.4, 603, 602, 602.8]),
      bar(id, '2026-01-06 21:00', '20260107', [603, 604, 602.9, 603.6]),
    ]);
    expect(result.daily.map((d) => d.tradingDay)).toEqual(['20260106', '20260107']);
    expect(result.trades).toHaveLength(1);
    expect(result.trades[0]!.trade_date_time / 1e6).toBe(Date.parse('2026-01-05T23:59:00+08:00'));
    // Settled once, at 602.8: (602.8 − 601) × 1,000 − 10 commission.
    expect(result.daily[0]!.balance).toBeCloseTo(1_000_000 + 1_800 - 10, 6);
    expect(result.daily[1]!.qifi.accounts.pre_balance).toBeCloseTo(1_001_790, 6);
    expectBalanced(result);
  });

  it('settles each day: positions marked to the day’s last price, margin re-marked, balance carried', () => {
    const id = 'SHFE.rb2705';
    const result = run({ 0: (c) => c.buy(id, 1) }, [
      bar(id, '2026-01-05 09:01', '20260105', [3495, 3505, 3490, 3500]),
      bar(id, '2026-01-05 09:02', '20260105', [3500, 3512, 3498, 3510]),
      bar(id, '2026-01-06 09:01', '20260106', [3505, 3508, 3485, 3490]),
    ]);
    const [first, second] = result.daily;
    expect(first).toMatchObject({ tradingDay: '20260105', margin: 3150, commission: 3.5 });
    expect(first!.balance).toBeCloseTo(1_000_000 + 100 - 3.5, 6);
    expect(second!.qifi.accounts.pre_balance).toBeCloseTo(1_000_096.5, 6);
    expect(second!.margin).toBeCloseTo(3159, 6); // re-marked at 3,510 × 10 × 9 %
    expect(second!.balance).toBeCloseTo(1_000_096.5 - 200, 6);
    expect(second!.qifi.positions[id]).toMatchObject({ volume_long_his: 1, volume_long_today: 0 });
    expectBalanced(result);
  });

  it('holds margin for every instrument of a multi-instrument account', () => {
    const rb = 'SHFE.rb2705';
    const m = 'DCE.m2609';
    const result = run(
      {
        0: (c) => c.buy(rb, 2),
        1: (c) => c.sellOpen(m, 3),
      },
      [
        bar(rb, '2026-01-05 09:01', '20260105', [3495, 3505, 3490, 3500]),
        bar(m, '2026-01-05 09:01', '20260105', [2995, 3002, 2990, 3000]),
        bar(rb, '2026-01-05 09:02', '20260105', [3500, 3505, 3498, 3500]),
        bar(m, '2026-01-05 09:02', '20260105', [3000, 3004, 2998, 3000]),
      ],
    );
    const day = result.daily[0]!;
    // 2 × 3,500 × 10 × 9 % + 3 × 3,000 × 10 × 5 %
    expect(day.margin).toBeCloseTo(6_300 + 4_500, 6);
    expect(day.available).toBeCloseTo(day.balance - 10_800, 6);
    expect(day.commission).toBeCloseTo(7 + 4.5, 6); // 0.01 % of 70,000; 1.5 per lot
  });
});

describe('fill models, volume cap, slippage, several accounts', () => {
  const id = 'SHFE.rb2705';
  const bars = (volume = 1_000) => [
    bar(id, '2026-01-05 09:01', '20260105', [3500, 3505, 3495, 3502], { volume }),
    bar(id, '2026-01-05 09:02', '20260105', [3504, 3510, 3500, 3508], { volume }),
    bar(id, '2026-01-05 09:03', '20260105', [3507, 3512, 3503, 3506], { volume }),
  ];
  const fills = (result: BacktestResult) =>
    result.trades.map((t) => [t.price, t.volume, t.trade_date_time / 1e6]);
  const at = (hhmm: string) => Date.parse(`2026-01-05T${hhmm}:00+08:00`);

  it('next-open fills at the next bar’s open; close fills at this bar’s close', () => {
    const script = { 0: (c: StrategyContext) => c.buy(id, 1) };
    expect(fills(run(script, bars()))).toEqual([[3504, 1, at('09:02')]]);
    const atClose = new BacktestEngine(scripted(script), {}, { fill: 'close' }).run(bars());
    expect(fills(atClose)).toEqual([[3502, 1, at('09:02')]]);
  });

  it('a limit order below the open fills at its price when the bar reaches it, else rests', () => {
    expect(fills(run({ 0: (c) => c.buy(id, 1, { price: 3503 }) }, bars()))).toEqual([
      [3503, 1, at('09:02')],
    ]);
    const never = run({ 0: (c) => c.buy(id, 1, { price: 3499 }) }, bars());
    expect(never.trades).toEqual([]);
    expect(never.orders[0]).toMatchObject({ status: 'FINISHED', last_msg: '已撤单: 收盘撤单' });
  });

  it('takes at most the volume cap of a bar, the rest on later bars', () => {
    const capped = new BacktestEngine(
      scripted({ 0: (c) => c.buy(id, 8, { price: 3512 }) }),
      {},
      {
        volumeCap: 0.5,
      },
    ).run(bars(10));
    expect(fills(capped)).toEqual([
      [3504, 5, at('09:02')],
      [3507, 3, at('09:03')],
    ]);
  });

  it('gives slippage in ticks, never past a limit price', () => {
    const slipped = (price?: number) =>
      fills(
        new BacktestEngine(
          scripted({ 0: (c) => c.buy(id, 1, price === undefined ? {} : { price }) }),
          {},
          { slippageTicks: 2 },
        ).run(bars()),
      );
    expect(slipped()).toEqual([[3506, 1, at('09:02')]]);
    expect(slipped(3505)).toEqual([[3505, 1, at('09:02')]]);
  });

  it('tells the strategy of a refused or unfilled order once', () => {
    const heard: string[] = [];
    const strategy = defineStrategy({
      name: 'listener',
      parameters: {},
      create: () => {
        let index = -1;
        return {
          onBar(_bar, context) {
            index += 1;
            if (index === 0) {
              context.sellClose(id, 1); // nothing to close: refused by risk
              context.buy(id, 1, { price: 3000, timeCondition: 'IOC' }); // below the bar: unfilled
            }
          },
          onOrder(order) {
            heard.push(`${order.order_id} ${order.status}`);
          },
        };
      },
    });
    new BacktestEngine(strategy, {}).run(bars());
    expect(heard.sort()).toEqual(['s1 FINISHED', 's2 FINISHED']);
  });

  it('keeps several accounts apart', () => {
    const result = new BacktestEngine(
      scripted({
        0: (c) => {
          c.buy(id, 1);
          c.sellOpen(id, 2, { account: 'b' });
        },
      }),
      {},
      {
        accounts: [
          { name: 'a', initCash: 1_000_000 },
          { name: 'b', initCash: 500_000 },
        ],
      },
    ).run(bars());
    const byAccount = Object.fromEntries(result.summary.accounts.map((a) => [a.name, a]));
    expect(byAccount.a).toMatchObject({ trades: 1, initCash: 1_000_000 });
    expect(byAccount.b).toMatchObject({ trades: 1, initCash: 500_000 });
    const last = result.daily.filter((d) => d.tradingDay === '20260105');
    expect(last.map((d) => d.qifi.positions[id]?.volume_long)).toEqual([1, 0]);
    expect(last.map((d) => d.qifi.positions[id]?.volume_short)).toEqual([0, 2]);
    // b is short 2 from 3504 to 3506: −2 × 2 × 10 = −40, less commission 2 × 3504 × 10 × 0.01 %.
    expect(byAccount.b!.finalBalance).toBeCloseTo(500_000 - 40 - 7.01, 6);
  });
});

describe('backtest runs', () => {
  it('are deterministic: the same inputs give byte-identical results', () => {
    const bars = () =>
      simBars({
        instruments: ['SHFE.rb2705', 'DCE.m2609'],
        from: '2026-02-02',
        to: '2026-02-06',
        frequency: '5m',
      });
    const strategy = scripted(
      Object.fromEntries(
        Array.from({ length: 200 }, (_, i): [number, Step] => [
          i * 7,
          (c, b) => c.targetPosition(b.instrument, (i % 5) - 2),
        ]),
      ),
    );
    const once = JSON.stringify(new BacktestEngine(strategy, {}).run(bars()));
    const again = JSON.stringify(new BacktestEngine(strategy, {}).run(bars()));
    expect(once.length).toBeGreaterThan(10_000);
    expect(again).toBe(once);
  });

  it('settle once per trading day on sim bars with night sessions crossing midnight', () => {
    const bars = [
      ...simBars({
        instruments: ['SHFE.au2606'],
        from: '2026-01-06',
        to: '2026-01-08',
        frequency: '1m',
      }),
    ];
    const afterMidnight = bars.filter((b) => new Date(b.startMs + 8 * 3_600_000).getUTCHours() < 3);
    expect(afterMidnight.length).toBeGreaterThan(100);
    // A bar after midnight belongs to the trading day of the calendar day it falls on.
    for (const b of afterMidnight)
      expect(b.tradingDay).toBe(
        new Date(b.startMs + 8 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, ''),
      );
    const result = new BacktestEngine(scripted({}), {}).run(bars);
    expect(result.daily.map((d) => d.tradingDay)).toEqual(['20260106', '20260107', '20260108']);
  });
});
