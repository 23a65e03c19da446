import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as batch from './batch';
import { BarSeries } from './batch';

/** Golden vectors from an independent numpy implementation (test/golden/make_golden.py). */
const golden = JSON.parse(readFileSync(join(__dirname, '../test/golden/golden.json'), 'utf8')) as {
  input: { high: number[]; low: number[]; close: number[]; volume: number[]; tradingDay: string[] };
  cases: Record<string, (number | null)[] | Record<string, (number | null)[]>>;
};

const close = Float64Array.from(golden.input.close);
const bars: BarSeries = {
  high: Float64Array.from(golden.input.high),
  low: Float64Array.from(golden.input.low),
  close,
  volume: Float64Array.from(golden.input.volume),
  tradingDay: golden.input.tradingDay,
};

type Output = Float64Array | Record<string, Float64Array>;

const computed: Record<string, () => Output> = {
  sma_20: () => batch.sma(close, 20),
  ema_12_talib: () => batch.ema(close, 12, 'talib'),
  ema_12_tdx: () => batch.ema(close, 12, 'tdx'),
  wma_10: () => batch.wma(close, 10),
  tdxSma_6_2: () => batch.tdxSma(close, 6, 2),
  rsi_14_talib: () => batch.rsi(close, 14, 'talib'),
  rsi_6_tdx: () => batch.rsi(close, 6, 'tdx'),
  roc_10: () => batch.roc(close, 10),
  bias_6: () => batch.bias(close, 6),
  er_10: () => batch.efficiencyRatio(close, 10),
  std_20_0: () => batch.std(close, 20, 0),
  std_20_1: () => batch.std(close, 20, 1),
  boll_20_2_talib: () => batch.boll(close, 20, 2, 'talib'),
  boll_20_2_tdx: () => batch.boll(close, 20, 2, 'tdx'),
  hhv_high_9: () => batch.hhv(bars.high, 9),
  llv_low_9: () => batch.llv(bars.low, 9),
  macd_12_26_9_talib: () => batch.macd(close, 12, 26, 9, 'talib'),
  macd_12_26_9_tdx: () => batch.macd(close, 12, 26, 9, 'tdx'),
  tr_talib: () => batch.trueRangeSeries(bars, 'talib'),
  tr_tdx: () => batch.trueRangeSeries(bars, 'tdx'),
  atr_14_talib: () => batch.atr(bars, 14, 'talib'),
  atr_14_tdx: () => batch.atr(bars, 14, 'tdx'),
  kdj_9_3_3_50: () => batch.kdj(bars, 9, 3, 3, 50),
  kdj_9_3_3_first: () => batch.kdj(bars, 9, 3, 3, 'first'),
  stoch_fast_5_3: () => batch.stochastic(bars, 'fast', 5, 3, 3),
  stoch_slow_5_3_3: () => batch.stochastic(bars, 'slow', 5, 3, 3),
  cci_14: () => batch.cci(bars, 14),
  mfi_14: () => batch.mfi(bars, 14),
  obv_talib: () => batch.obv(bars, 'talib'),
  obv_tdx: () => batch.obv(bars, 'tdx'),
  vwap: () => batch.vwap(bars),
  dmi_14_talib: () => batch.dmi(bars, 14, 'talib'),
  dmi_14_6_tdx: () => batch.dmi(bars, 14, 'tdx', 6),
};

function expectSeries(name: string, actual: Float64Array, expected: (number | null)[]): void {
  expect(actual.length).toBe(expected.length);
  const problems: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i]!;
    if (want === null) {
      if (!Number.isNaN(got)) problems.push(`[${i}] expected NaN (warm-up), got ${got}`);
    } else if (!(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)))) {
      problems.push(`[${i}] expected ${want}, got ${got}`);
    }
  });
  expect({ name, problems: problems.slice(0, 5) }).toEqual({ name, problems: [] });
}

describe('indicators against golden vectors (numpy, TA-Lib and 通达信 definitions)', () => {
  it('covers every golden case', () => {
    expect(Object.keys(computed).sort()).toEqual(Object.keys(golden.cases).sort());
  });

  it.each(Object.keys(golden.cases))('%s', (name) => {
    const expected = golden.cases[name]!;
    const actual = computed[name]!();
    if (Array.isArray(expected)) expectSeries(name, actual as Float64Array, expected);
    else
      for (const [key, series] of Object.entries(expected))
        expectSeries(`${name}.${key}`, (actual as Record<string, Float64Array>)[key]!, series);
  });
});
