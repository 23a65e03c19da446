import fc from 'fast-check';
import * as batch from './batch';
import { BarSeries } from './batch';
import { Ema, Indicator, MovingAverage, TdxSma, Wma } from './moving-average';
import { Bias, Cci, EfficiencyRatio, Mfi, Roc, Rsi } from './oscillators';
import { Hhv, Kdj, Llv, Stochastic } from './stochastic';
import { Dmi, Macd } from './trend';
import { Atr, Boll, Std, TrueRange } from './volatility';
import { Obv, Vwap } from './volume';
import { BarInput } from './window';

type Value = number | object;

interface Case {
  make: (n: number) => Indicator<BarInput, Value>;
  batch: (bars: BarSeries, n: number) => Float64Array | Record<string, Float64Array>;
}

/** Every indicator, streaming and batch, with a small length so the rings wrap often. */
const cases: Record<string, Case> = {
  sma: { make: (n) => new MovingAverage(n), batch: (b, n) => batch.sma(b.close, n) },
  emaTalib: { make: (n) => new Ema(n), batch: (b, n) => batch.ema(b.close, n) },
  emaTdx: { make: (n) => new Ema(n, 'tdx'), batch: (b, n) => batch.ema(b.close, n, 'tdx') },
  wma: { make: (n) => new Wma(n), batch: (b, n) => batch.wma(b.close, n) },
  tdxSma: { make: (n) => new TdxSma(n + 1, 1), batch: (b, n) => batch.tdxSma(b.close, n + 1, 1) },
  rsiTalib: { make: (n) => new Rsi(n), batch: (b, n) => batch.rsi(b.close, n) },
  rsiTdx: { make: (n) => new Rsi(n, 'tdx'), batch: (b, n) => batch.rsi(b.close, n, 'tdx') },
  roc: { make: (n) => new Roc(n), batch: (b, n) => batch.roc(b.close, n) },
  bias: { make: (n) => new Bias(n), batch: (b, n) => batch.bias(b.close, n) },
  er: { make: (n) => new EfficiencyRatio(n), batch: (b, n) => batch.efficiencyRatio(b.close, n) },
  std: { make: (n) => new Std(n + 1, 1), batch: (b, n) => batch.std(b.close, n + 1, 1) },
  boll: {
    make: (n) => new Boll(n + 1, 2, 'tdx'),
    batch: (b, n) => batch.boll(b.close, n + 1, 2, 'tdx'),
  },
  hhv: { make: (n) => new Hhv(n), batch: (b, n) => batch.hhv(b.high, n) },
  llv: { make: (n) => new Llv(n), batch: (b, n) => batch.llv(b.low, n) },
  macdTalib: {
    make: (n) => new Macd(n, n + 3, 2),
    batch: (b, n) => batch.macd(b.close, n, n + 3, 2),
  },
  macdTdx: {
    make: (n) => new Macd(n, n + 3, 2, 'tdx'),
    batch: (b, n) => batch.macd(b.close, n, n + 3, 2, 'tdx'),
  },
  tr: { make: () => new TrueRange(), batch: (b) => batch.trueRangeSeries(b) },
  atrTalib: { make: (n) => new Atr(n), batch: (b, n) => batch.atr(b, n) },
  atrTdx: { make: (n) => new Atr(n, 'tdx'), batch: (b, n) => batch.atr(b, n, 'tdx') },
  kdj: { make: (n) => new Kdj(n, 3, 3), batch: (b, n) => batch.kdj(b, n, 3, 3) },
  stochSlow: {
    make: (n) => new Stochastic('slow', n, 2, 2),
    batch: (b, n) => batch.stochastic(b, 'slow', n, 2, 2),
  },
  stochFast: {
    make: (n) => new Stochastic('fast', n, 2, 2),
    batch: (b, n) => batch.stochastic(b, 'fast', n, 2, 2),
  },
  cci: { make: (n) => new Cci(n), batch: (b, n) => batch.cci(b, n) },
  mfi: { make: (n) => new Mfi(n), batch: (b, n) => batch.mfi(b, n) },
  obv: { make: () => new Obv(), batch: (b) => batch.obv(b) },
  vwap: { make: () => new Vwap(), batch: (b) => batch.vwap(b) },
  dmiTalib: { make: (n) => new Dmi(n + 1), batch: (b, n) => batch.dmi(b, n + 1) },
  dmiTdx: { make: (n) => new Dmi(n, 'tdx', 2), batch: (b, n) => batch.dmi(b, n, 'tdx', 2) },
};

const price = fc.double({ min: 1, max: 10_000, noNaN: true });
const barArb = fc
  .record({
    close: price,
    up: fc.double({ min: 0, max: 50, noNaN: true }),
    down: fc.double({ min: 0, max: 50, noNaN: true }),
    volume: fc.integer({ min: 0, max: 10_000 }),
    day: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ close, up, down, volume, day }): BarInput => ({
    high: close + up,
    low: Math.max(0.5, close - down),
    close,
    volume,
    tradingDay: `2026010${day}`,
  }));
/** A bar as it forms: a few earlier states, then the final one. */
const formingArb = fc.record({ bar: barArb, drafts: fc.array(barArb, { maxLength: 3 }) });

const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe('streaming = batch, with forming bars replaced (property)', () => {
  it.each(Object.keys(cases))('%s', (name) => {
    const spec = cases[name]!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(formingArb, { minLength: 1, maxLength: 80 }),
        (n, forming) => {
          // Days only move forward, as they do in a feed.
          let day = 0;
          const finals = forming.map(({ bar }) => {
            day = Math.max(day, Number(bar.tradingDay!.slice(-1)));
            return { ...bar, tradingDay: `2026010${day}` };
          });
          const indicator = spec.make(n);
          const streamed: Value[] = [];
          forming.forEach(({ drafts }, i) => {
            const final = finals[i]!;
            const tradingDay = final.tradingDay;
            if (drafts.length === 0) {
              streamed.push(indicator.update(final));
              return;
            }
            indicator.update({ ...drafts[0]!, tradingDay });
            for (const draft of drafts.slice(1)) indicator.replace({ ...draft, tradingDay });
            streamed.push(indicator.replace(final));
          });
          const series: BarSeries = {
            high: Float64Array.from(finals, (b) => b.high),
            low: Float64Array.from(finals, (b) => b.low),
            close: Float64Array.from(finals, (b) => b.close),
            volume: Float64Array.from(finals, (b) => b.volume ?? 0),
            tradingDay: finals.map((b) => b.tradingDay),
          };
          const whole = spec.batch(series, n);
          streamed.forEach((value, i) => {
            if (typeof value === 'number') {
              const want = (whole as Float64Array)[i]!;
              if (!close(value, want))
                throw new Error(`bar ${i}: streamed ${value}, batch ${want}`);
            } else
              for (const [key, v] of Object.entries(value as Record<string, number>)) {
                const want = (whole as Record<string, Float64Array>)[key]![i]!;
                if (!close(v, want))
                  throw new Error(`bar ${i} ${key}: streamed ${v}, batch ${want}`);
              }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a non-finite input instead of carrying NaN on', () => {
    expect(() => new MovingAverage(3).update(NaN)).toThrow(RangeError);
    expect(() => new Atr(3).update({ high: Infinity, low: 1, close: 2 })).toThrow(RangeError);
    expect(() => new MovingAverage(0)).toThrow(RangeError);
  });
});
