import { BacktestEngine, type BacktestOptions, type BacktestResult } from '@qautlra/backtest';
import { defineStrategy, type MarketBar } from '@qautlra/execution';
import type { BarPanels } from './builtins';
import { FactorError, Panel } from './panel';
import { quantileRows } from './analysis';

/**
 * Weight backtests, as the original's factor backtest did with `submit_weights`: a panel of target weights
 * (`date → instrument → weight`, a share of the account's balance; negative = short) replayed through
 * libs/backtest — the same execution core and account engine as every backtest, so China's rules hold:
 * A-shares in board lots, long only and T+1 (shares bought today are not sold before tomorrow), futures in
 * whole lots of their notional, price limits and costs as the engine applies them.
 *
 * On a date that has a row of weights the strategy targets them at that date's close (orders go out at the
 * end of the day and fill at the next open by default: no look-ahead); instruments held but weighted NaN,
 * 0 or absent are closed; a date whose row is all NaN (or absent) is not a rebalance date: positions hold.
 */

const iso = (tradingDay: string): string =>
  tradingDay.length === 8
    ? `${tradingDay.slice(0, 4)}-${tradingDay.slice(4, 6)}-${tradingDay.slice(6)}`
    : tradingDay;

/** Daily bars as panels (dates `YYYY-MM-DD` from the trading days, instruments sorted); absent = NaN. */
export function barPanels(bars: Iterable<MarketBar>): BarPanels {
  const list = [...bars];
  const dates = [...new Set(list.map((b) => iso(b.tradingDay)))].sort();
  const instruments = [...new Set(list.map((b) => b.instrument))].sort();
  const dateAt = new Map(dates.map((d, i) => [d, i]));
  const instrumentAt = new Map(instruments.map((s, i) => [s, i]));
  const make = () => Panel.filled(dates, instruments);
  const panels = {
    open: make(),
    high: make(),
    low: make(),
    close: make(),
    volume: make(),
    amount: make(),
  };
  for (const bar of list) {
    const k =
      dateAt.get(iso(bar.tradingDay))! * instruments.length + instrumentAt.get(bar.instrument)!;
    panels.open.values[k] = bar.open;
    panels.high.values[k] = bar.high;
    panels.low.values[k] = bar.low;
    panels.close.values[k] = bar.close;
    panels.volume.values[k] = bar.volume;
    panels.amount.values[k] = bar.amount ?? Number.NaN;
  }
  return panels;
}

export interface QuantileWeightRule {
  /** Quantile count (default 5). */
  quantiles?: number;
  /** The quantile held long (default the top one, = quantiles). */
  long?: number;
  /** The quantile held short (default none: A-shares cannot be shorted). */
  short?: number;
  /** Gross exposure: the long side's weights sum to it (and the short side's to −it) (default 1). */
  gross?: number;
  /** Rebalance every this many dates (default 1; the dates between have no row and hold). */
  every?: number;
}

/** Equal weights over a factor quantile's names (pd.qcut per date, as the analysis), on rebalance dates. */
export function quantileWeights(factor: Panel, rule: QuantileWeightRule = {}): Panel {
  const q = rule.quantiles ?? 5;
  const long = rule.long ?? q;
  const gross = rule.gross ?? 1;
  const every = rule.every ?? 1;
  if (!Number.isInteger(long) || long < 1 || long > q)
    throw new FactorError('bad_rule', `long is a quantile, 1–${q}`);
  if (
    rule.short !== undefined &&
    (!Number.isInteger(rule.short) || rule.short < 1 || rule.short > q || rule.short === long)
  )
    throw new FactorError('bad_rule', `short is another quantile, 1–${q}`);
  if (!(gross > 0 && gross <= 10)) throw new FactorError('bad_rule', 'gross is in (0, 10]');
  if (!Number.isInteger(every) || every < 1)
    throw new FactorError('bad_rule', 'every is a whole number of dates ≥ 1');
  const out = Panel.filled(factor.dates, factor.instruments);
  const bins = quantileRows(factor, q);
  for (let d = 0; d < factor.rows; d += 1) {
    if (d % every !== 0) continue;
    const row = bins.subarray(d * factor.columns, (d + 1) * factor.columns);
    let longs = 0;
    let shorts = 0;
    for (const b of row) {
      if (b === long) longs += 1;
      else if (b === rule.short) shorts += 1;
    }
    if (!longs && !shorts) continue;
    for (let i = 0; i < factor.columns; i += 1) {
      const b = row[i]!;
      out.values[d * factor.columns + i] =
        b === long ? gross / longs : b === rule.short && shorts ? -gross / shorts : 0;
    }
  }
  return out;
}

export interface WeightBacktestOptions extends BacktestOptions {
  /** Share of the balance the weights apply to (default 0.98: the rest pays costs). */
  invested?: number;
}

/** Runs the weights over daily bars (in time order) through the backtest engine. */
export function runWeightBacktest(
  weights: Panel,
  bars: Iterable<MarketBar>,
  options: WeightBacktestOptions = {},
): BacktestResult {
  const invested = options.invested ?? 0.98;
  if (!(invested > 0 && invested <= 1)) throw new FactorError('bad_rule', 'invested is in (0, 1]');
  const rowOf = new Map(weights.dates.map((d, k) => [d, k]));
  const definition = defineStrategy<Record<string, number>>({
    name: 'weights',
    description: 'targets a panel of weights on its dates',
    parameters: {},
    create: () => {
      const last = new Map<string, MarketBar>();
      return {
        onBar(bar) {
          last.set(bar.instrument, bar);
        },
        onDay(tradingDay, context) {
          const d = rowOf.get(iso(tradingDay));
          if (d === undefined) return;
          const row = weights.row(d);
          if (row.every((w) => Number.isNaN(w))) return; // no row that date: hold
          const balance = context.account().balance * invested;
          const targets = new Map<string, number>();
          weights.instruments.forEach((instrument, i) => {
            const w = row[i]!;
            if (!Number.isNaN(w) && w !== 0) targets.set(instrument, w);
          });
          const held = new Set(
            Object.values(context.qifi().positions)
              .filter((p) => p.volume_long + p.volume_short > 0)
              .map((p) => `${p.exchange_id}.${p.instrument_id}`),
          );
          for (const instrument of new Set([...targets.keys(), ...held])) {
            const bar = last.get(instrument);
            const contract = context.contract(instrument);
            if (!bar || !contract) continue;
            const weight = targets.get(instrument) ?? 0;
            const stock = contract.buyLot !== undefined;
            const lot = contract.buyLot?.step ?? 1;
            const unit = bar.close * contract.volumeMultiple;
            let target = Math.trunc((balance * weight) / unit / lot) * lot;
            if (stock && target < 0) target = 0; // A-shares: long only
            const position = context.position(instrument);
            // T+1: shares bought today cannot be sold yet.
            const floor = stock ? position.net - position.longYesterday : -Infinity;
            target = Math.max(target, floor);
            if (target !== position.net) context.targetPosition(instrument, target);
          }
        },
      };
    },
  });
  return new BacktestEngine(definition, {}, options).run(bars);
}
