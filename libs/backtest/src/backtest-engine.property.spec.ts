import { defineStrategy, MarketBar, StrategyContext } from '@qautlra/execution';
import { Qifi } from '@qautlra/qifi';
import { nonFiniteNumbers } from '@qautlra/testing';
import fc from 'fast-check';
import { BacktestEngine } from './backtest-engine';
import { simBars } from './sim-data';

const INSTRUMENTS = ['SHFE.rb2705', 'DCE.m2609', 'SSE.600000'];
const BARS: MarketBar[] = [
  ...simBars({ instruments: INSTRUMENTS, from: '2026-03-02', to: '2026-03-04', frequency: '15m' }),
];

type Action =
  | {
      kind:
        | 'buy'
        | 'sell'
        | 'buyOpen'
        | 'sellOpen'
        | 'buyClose'
        | 'sellClose'
        | 'buyCloseToday'
        | 'sellCloseToday';
      instrument: number;
      volume: number;
      offsetTicks: number | null;
    }
  | { kind: 'target'; instrument: number; net: number }
  | { kind: 'cancelAll' }
  | { kind: 'nothing' };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom(
        'buy' as const,
        'sell' as const,
        'buyOpen' as const,
        'sellOpen' as const,
        'buyClose' as const,
        'sellClose' as const,
        'buyCloseToday' as const,
        'sellCloseToday' as const,
      ),
      instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
      volume: fc.integer({ min: 1, max: 400 }),
      offsetTicks: fc.option(fc.integer({ min: -5, max: 5 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('target' as const),
      instrument: fc.nat({ max: INSTRUMENTS.length - 1 }),
      net: fc.integer({ min: -5, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancelAll' as const }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'nothing' as const }) },
);

/** Every invariant of a QIFI account (libs/qifi's formulas), as a list of what is broken. */
function broken(document: Qifi): string[] {
  const problems = nonFiniteNumbers(document);
  const a = document.accounts;
  const near = (what: string, x: number, y: number) => {
    if (!(Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y))))
      problems.push(`${what}: ${x} vs ${y}`);
  };
  near('static_balance', a.static_balance, a.pre_balance + a.deposit - a.withdraw);
  near('balance', a.balance, a.static_balance + a.close_profit - a.commission + a.position_profit);
  near('available', a.available, a.balance - a.margin - a.frozen_margin - a.frozen_commission);
  if (a.frozen_margin < -1e-9 || a.frozen_commission < -1e-9) problems.push('negative freeze');
  for (const [key, p] of Object.entries(document.positions)) {
    for (const [field, value] of Object.entries(p))
      if (field.startsWith('volume') && typeof value === 'number' && value < 0)
        problems.push(`${key}.${field} ${value}`);
    if (p.volume_long_frozen_today > p.volume_long_today) problems.push(`${key} long today frozen`);
    if (p.volume_long_frozen_his > p.volume_long_his) problems.push(`${key} long his frozen`);
    if (p.volume_short_frozen_today > p.volume_short_today)
      problems.push(`${key} short today frozen`);
    if (p.volume_short_frozen_his > p.volume_short_his) problems.push(`${key} short his frozen`);
    if (key.startsWith('SSE') && p.volume_short > 0) problems.push(`${key}: a stock held short`);
  }
  for (const order of Object.values(document.orders))
    if (order.volume_left < 0 || order.volume_left > order.volume_orign)
      problems.push(`order ${order.order_id} volume_left ${order.volume_left}`);
  return problems;
}

function act(context: StrategyContext, bar: MarketBar, step: Action): void {
  if (step.kind === 'nothing') return;
  if (step.kind === 'cancelAll') return context.cancelAll();
  const instrument = INSTRUMENTS[step.instrument]!;
  if (step.kind === 'target') {
    context.targetPosition(
      instrument,
      instrument.startsWith('SSE') ? Math.abs(step.net) * 100 : step.net,
    );
    return;
  }
  const last = context.bars(instrument, 1)[0] ?? bar;
  const tick = instrument.startsWith('SSE') ? 0.01 : 1;
  const price =
    step.offsetTicks === null
      ? undefined
      : Math.round((last.close + step.offsetTicks * tick) / tick) * tick;
  const volume = instrument.startsWith('SSE')
    ? Math.max(1, Math.round(step.volume / 100)) * 100
    : Math.ceil(step.volume / 40);
  context[step.kind](instrument, volume, price === undefined ? {} : { price });
}

describe('backtest engine invariants (property)', () => {
  it('keeps every QIFI invariant and the balance identity under any strategy actions', () => {
    let runsWithTrades = 0;
    fc.assert(
      fc.property(
        fc.array(action, { minLength: 10, maxLength: 120 }),
        fc.constantFrom('next-open' as const, 'close' as const),
        (actions, fill) => {
          const problems: string[] = [];
          const strategy = defineStrategy({
            name: 'random',
            parameters: {},
            create: () => {
              let index = 0;
              return {
                onBar(bar, context) {
                  const step = actions[index % actions.length]!;
                  index += 1;
                  act(context, bar, step);
                  problems.push(...broken(context.qifi()).map((p) => `bar ${index}: ${p}`));
                },
              };
            },
          });
          const result = new BacktestEngine(strategy, {}, { fill, volumeCap: 0.5 }).run(BARS);
          for (const day of result.daily)
            problems.push(...broken(day.qifi).map((p) => `${day.tradingDay}: ${p}`));
          const a = result.summary.accounts[0]!;
          if (
            Math.abs(
              a.finalBalance - a.initCash - (a.closeProfit + a.positionProfit - a.commission),
            ) > 1e-6
          )
            problems.push(
              `identity: ${a.finalBalance - a.initCash} vs ${a.closeProfit + a.positionProfit - a.commission}`,
            );
          if (result.trades.length > 0) runsWithTrades += 1;
          expect(problems.slice(0, 5)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
    expect(runsWithTrades).toBeGreaterThan(10);
  });
});
