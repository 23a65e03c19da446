import { parseIndicator, type BarSeries } from '@qautlra/indicators';
import { evaluateExpression } from './expression';
import { FactorError, Panel } from './panel';

/** Bars as panels on the same axes; `turnover` (换手率, a share of the float) where known. */
export interface BarPanels {
  open?: Panel;
  high?: Panel;
  low?: Panel;
  close: Panel;
  volume?: Panel;
  amount?: Panel;
  turnover?: Panel;
  [column: string]: Panel | undefined;
}

export interface BuiltinFactor {
  readonly name: string;
  readonly summary: string;
  /** Its window (dates), with the default. */
  readonly window: number;
  /** The expression it is (the same numbers as writing it out). */
  expression(window: number): string;
}

/** The built-in factors from bars, each an expression of the language (so they read the same everywhere). */
export const BUILTIN_FACTORS: readonly BuiltinFactor[] = [
  {
    name: 'momentum',
    summary: 'return over the last n dates: close / close n dates ago − 1',
    window: 20,
    expression: (n) => `close / delay(close, ${n}) - 1`,
  },
  {
    name: 'reversal',
    summary: 'minus the return over the last n dates (short-term reversal)',
    window: 5,
    expression: (n) => `-(close / delay(close, ${n}) - 1)`,
  },
  {
    name: 'volatility',
    summary: 'sample standard deviation of daily returns over n dates',
    window: 20,
    expression: (n) => `ts_std(close / delay(close, 1) - 1, ${n})`,
  },
  {
    name: 'turnover',
    summary: 'mean turnover (a share of the float) over n dates; needs the turnover column',
    window: 20,
    expression: (n) => `ts_mean(turnover, ${n})`,
  },
  {
    name: 'volume_ratio',
    summary: "today's volume over the mean volume of the n dates before (量比)",
    window: 5,
    expression: (n) => `volume / delay(ts_mean(volume, ${n}), 1)`,
  },
  {
    name: 'price_to_ma',
    summary: 'close over its n-date mean, minus 1',
    window: 20,
    expression: (n) => `close / ts_mean(close, ${n}) - 1`,
  },
];

/** A built-in factor by name, over bar panels. */
export function builtinFactor(name: string, bars: BarPanels, window?: number): Panel {
  const factor = BUILTIN_FACTORS.find((b) => b.name === name);
  if (!factor)
    throw new FactorError(
      'unknown_factor',
      `unknown factor ${name}; built in: ${BUILTIN_FACTORS.map((b) => b.name).join(', ')}`,
    );
  return evaluateExpression(factor.expression(window ?? factor.window), columnsOf(bars));
}

function columnsOf(bars: BarPanels): Record<string, Panel> {
  const out: Record<string, Panel> = {};
  for (const [name, panel] of Object.entries(bars)) if (panel) out[name] = panel;
  return out;
}

/**
 * A libs/indicators indicator as a factor (`RSI(14)`, `MACD(12,26,9)` with `value: 'histogram'`, …), run
 * down each instrument's bars. Dates without a close (suspended, not listed yet) are skipped and stay NaN,
 * so an instrument's indicator runs over its own trading dates.
 */
export function indicatorFactor(spec: string, bars: BarPanels, value?: string): Panel {
  let indicator;
  try {
    indicator = parseIndicator(spec);
  } catch (error) {
    throw new FactorError('unknown_indicator', (error as Error).message);
  }
  const { close } = bars;
  const { rows, columns } = close;
  const out = new Float64Array(rows * columns).fill(Number.NaN);
  const at = new Int32Array(rows);
  for (let i = 0; i < columns; i += 1) {
    let n = 0;
    for (let d = 0; d < rows; d += 1)
      if (!Number.isNaN(close.values[d * columns + i]!)) at[n++] = d;
    if (!n) continue;
    const take = (panel: Panel | undefined, fallback: Panel): Float64Array => {
      const source = panel ?? fallback;
      const series = new Float64Array(n);
      for (let k = 0; k < n; k += 1) series[k] = source.values[at[k]! * columns + i]!;
      return series;
    };
    const series: BarSeries = {
      close: take(close, close),
      high: take(bars.high, close),
      low: take(bars.low, close),
      ...(bars.volume ? { volume: take(bars.volume, close) } : {}),
    };
    const result = indicator.batch(series);
    let column: Float64Array | undefined;
    if (result instanceof Float64Array) column = result;
    else {
      const names = Object.keys(result);
      column = result[value ?? names[0]!];
      if (!column)
        throw new FactorError(
          'unknown_indicator',
          `${indicator.label} gives ${names.join(', ')}, not ${value}`,
        );
    }
    for (let k = 0; k < n; k += 1) out[at[k]! * columns + i] = column[k]!;
  }
  return close.like(out);
}
