import type { SchemaObject } from '@nestjs/swagger';
import {
  arrayOf,
  INTEGER,
  mapOf,
  NUMBER,
  objectOf,
  ref,
  Schemas,
  STRING,
  MAYBE_NUMBER,
  MAYBE_DATE,
  DATE,
  textEnum,
} from './openapi';

const numbers = (names: readonly string[]): Record<string, SchemaObject> =>
  Object.fromEntries(names.map((name) => [name, MAYBE_NUMBER]));
const PERIOD_STATS = ['best', 'worst', 'win_rate', 'expected'];

/**
 * The statistics of a NAV series (`libs/analytics` `SeriesAnalysis`, its convention in snake_case)
 * as fund analytics and backtests answer them.
 */
export const ANALYSIS_SCHEMAS: Schemas = {
  Convention: objectOf({
    name: { ...STRING, description: 'preset name, or `custom`' },
    periods_per_year: NUMBER,
    return_type: textEnum(['simple', 'log']),
    risk_free: NUMBER,
    rf_mode: textEnum(['per-period', 'annual-geometric', 'annual-arithmetic', 'annual-sqrt']),
    std: textEnum(['sample', 'population']),
    var_method: textEnum(['parametric', 'historical', 'mean-2sigma']),
    cvar_method: textEnum(['below-var', 'lowest-tail']),
    confidence: NUMBER,
    moments: textEnum(['unbiased', 'biased']),
    alpha: textEnum(['arithmetic', 'geometric']),
    annual_return: textEnum(['cagr', 'simple']),
    psr: textEnum(['bailey-lopez-de-prado', 'quantstats']),
    nav_first_point: textEnum(['zero', 'drop']),
  }),
  Metrics: mapOf(MAYBE_NUMBER, 'quantstats function names → values (null where undefined)'),
  Drawdown: objectOf({
    max_drawdown_date: MAYBE_DATE,
    max_drawdown_start: MAYBE_DATE,
    max_drawdown_end: MAYBE_DATE,
    longest_drawdown_days: MAYBE_NUMBER,
    avg_drawdown_days: MAYBE_NUMBER,
    drawdown_periods: INTEGER,
  }),
  Trailing: objectOf(
    numbers(['mtd', '3m', '6m', 'ytd', '1y', '3y_ann', '5y_ann', '10y_ann', 'all_time_ann']),
  ),
  Calendar: objectOf({
    monthly: mapOf(mapOf(NUMBER, 'month `01`…`12` → return'), 'year → months'),
    yearly: mapOf(NUMBER, 'year → return'),
    month: objectOf(numbers([...PERIOD_STATS, 'avg_up', 'avg_down', 'gain_to_pain'])),
    quarter: objectOf(numbers(PERIOD_STATS)),
    year: objectOf(numbers(PERIOD_STATS)),
  }),
  Rolling: objectOf({
    window: INTEGER,
    dates: arrayOf(DATE),
    sharpe: arrayOf(MAYBE_NUMBER),
    sortino: arrayOf(MAYBE_NUMBER),
    volatility: arrayOf(MAYBE_NUMBER),
  }),
  SeriesAnalysis: objectOf(
    {
      convention: ref('Convention'),
      observations: INTEGER,
      metrics: ref('Metrics'),
      drawdown: ref('Drawdown'),
      trailing: ref('Trailing'),
      calendar: ref('Calendar'),
      rolling: ref('Rolling'),
    },
    { optional: ['rolling'] },
  ),
};
