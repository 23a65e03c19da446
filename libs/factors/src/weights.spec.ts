import { simBars } from '@qautlra/backtest';
import type { MarketBar } from '@qautlra/execution';
import { builtinFactor } from './builtins';
import { Panel } from './panel';
import { barPanels, quantileWeights, runWeightBacktest } from './weights';

/** Weight backtests through libs/backtest: China's rules hold for weights as for any strategy. */
describe('weight backtests', () => {
  const ids = [
    'SSE.600000',
    'SSE.600036',
    'SZSE.000001',
    'SZSE.000002',
    'SSE.601318',
    'SZSE.300750',
  ];
  let bars: MarketBar[];
  beforeAll(() => {
    bars = [
      ...simBars({ instruments: ids, from: '2026-02-02', to: '2026-03-13', frequency: '1d' }),
    ];
  });

  it('targets the top momentum tercile: board lots, long only, T+1, daily QIFI accounts and statistics', () => {
    const panels = barPanels(bars);
    expect(panels.close.instruments).toEqual([...ids].sort());
    const factor = builtinFactor('momentum', panels, 5);
    const weights = quantileWeights(factor, { quantiles: 3 });
    // Each rebalance date's weights: the top tercile's names, equal, summing to 1.
    for (let d = 0; d < weights.rows; d += 1) {
      const row = [...weights.row(d)].filter((w) => !Number.isNaN(w));
      if (!row.length) continue;
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(new Set(row.filter((w) => w > 0)).size).toBe(1);
    }
    const result = runWeightBacktest(weights, bars);
    expect(result.trades.length).toBeGreaterThan(5);
    for (const trade of result.trades) expect(trade.volume % 100).toBe(0);
    // T+1: never sells shares bought the same trading day.
    const boughtOn = new Map<string, Set<string>>();
    for (const day of result.daily) {
      for (const trade of Object.values(day.qifi.trades)) {
        const key = `${trade.exchange_id}.${trade.instrument_id}`;
        const bought = boughtOn.get(day.tradingDay) ?? new Set<string>();
        if (trade.direction === 'BUY') bought.add(key);
        boughtOn.set(day.tradingDay, bought);
      }
      for (const trade of Object.values(day.qifi.trades))
        if (trade.direction === 'SELL')
          expect([
            day.tradingDay,
            boughtOn.get(day.tradingDay)?.has(`${trade.exchange_id}.${trade.instrument_id}`),
          ]).not.toEqual([day.tradingDay, true]);
      for (const position of Object.values(day.qifi.positions))
        expect(position.volume_short).toBe(0);
    }
    expect(result.daily.length).toBeGreaterThan(20);
    expect(
      'metrics' in result.statistics && Number.isFinite(result.statistics.metrics.sharpe),
    ).toBe(true);
    const account = result.summary.accounts[0]!;
    expect(account.finalBalance - account.initCash).toBeCloseTo(
      account.closeProfit + account.positionProfit - account.commission,
      2,
    );
  });

  it('closes what the weights stop holding, and holds between rebalance dates', () => {
    const panels = barPanels(bars);
    const { dates, instruments } = panels.close;
    const weights = Panel.filled(dates, instruments);
    // Day 0: all in SSE.600000; day 10: nothing; no rows in between (hold).
    weights.values.fill(0, 0, instruments.length);
    weights.values[instruments.indexOf('SSE.600000')] = 1;
    weights.values.fill(0, 10 * instruments.length, 11 * instruments.length);
    const result = runWeightBacktest(weights, bars);
    const net = (day: number) =>
      Object.values(result.daily[day]!.qifi.positions)
        .filter((p) => p.instrument_id === '600000')
        .reduce((s, p) => s + p.volume_long, 0);
    expect(net(5)).toBeGreaterThan(0);
    expect(net(5)).toBe(net(9));
    expect(net(result.daily.length - 1)).toBe(0);
    expect(
      result.trades.filter((t) => t.instrument_id === '600000').map((t) => t.direction),
    ).toEqual(['BUY', 'SELL']);
  });
});
