import fc from 'fast-check';
import { analyzeFactor, DROP_REASONS, forwardReturns } from './analysis';
import { csRank, csZscore, rowMoments } from './ops';
import { Panel, FactorError } from './panel';
import { fill, neutralize } from './preprocess';
import { tTest } from './statistics';

const panelArbitrary = (rows: number, columns: number) =>
  fc
    .array(fc.option(fc.double({ min: 1, max: 100, noNaN: true }), { nil: Number.NaN, freq: 6 }), {
      minLength: rows * columns,
      maxLength: rows * columns,
    })
    .map(
      (values) =>
        new Panel(
          Array.from({ length: rows }, (_, d) => `2026-01-${String(d + 1).padStart(2, '0')}`),
          Array.from({ length: columns }, (_, i) => `I${i}`),
          Float64Array.from(values),
        ),
    );

/** No missing values: compounding daily returns skips no gap. */
const fullPanel = (rows: number, columns: number) =>
  fc
    .array(fc.double({ min: 1, max: 100, noNaN: true }), {
      minLength: rows * columns,
      maxLength: rows * columns,
    })
    .map(
      (values) =>
        new Panel(
          Array.from({ length: rows }, (_, d) => `d${d}`),
          Array.from({ length: columns }, (_, i) => `I${i}`),
          Float64Array.from(values),
        ),
    );

describe('factor analysis properties', () => {
  it('every row of the universe is kept or dropped for exactly one stated reason; IC in [−1, 1]', () => {
    fc.assert(
      fc.property(panelArbitrary(12, 8), panelArbitrary(12, 8), (factor, prices) => {
        const result = analyzeFactor({ factor, prices, periods: [1, 3], quantiles: 3 });
        const dropped = DROP_REASONS.reduce((s, r) => s + result.rows.dropped[r], 0);
        expect(result.rows.kept + dropped).toBe(result.rows.total);
        for (const h of result.horizons)
          for (const v of [...h.ic, ...h.rankIc])
            if (!Number.isNaN(v)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('forward returns from daily returns equal those from prices', () => {
    fc.assert(
      fc.property(fullPanel(10, 4), fc.integer({ min: 1, max: 5 }), (prices, h) => {
        const daily = new Float64Array(prices.values.length).fill(Number.NaN);
        for (let k = prices.columns; k < daily.length; k += 1)
          daily[k] = prices.values[k]! / prices.values[k - prices.columns]! - 1;
        const a = forwardReturns({ prices }, h).values;
        const b = forwardReturns({ returns: prices.like(daily) }, h).values;
        for (let k = 0; k < a.length; k += 1) {
          if (Number.isNaN(a[k]!)) expect(b[k]).toBeNaN();
          else expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(a[k]!)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('says why rows went, and throws only when a maximum loss is asked for', () => {
    const dates = ['d1', 'd2', 'd3', 'd4'];
    const instruments = ['A', 'B', 'C', 'D'];
    const prices = new Panel(
      dates,
      instruments,
      Float64Array.from({ length: 16 }, (_, k) => 10 + k),
    );
    const factor = prices.like(
      Float64Array.from({ length: 16 }, (_, k) => (k < 4 ? Number.NaN : k % 4)),
    );
    const tradable = prices.like(Float64Array.from({ length: 16 }, (_, k) => (k === 5 ? 0 : 1)));
    const limit = prices.like(Float64Array.from({ length: 16 }, (_, k) => (k === 6 ? 1 : 0)));
    const result = analyzeFactor({ factor, prices, tradable, limit, periods: [1], quantiles: 2 });
    expect(result.rows.dropped).toMatchObject({
      warm_up: 4,
      suspended: 1,
      limit: 1,
      horizon_end: 4,
      few_names: 0,
    });
    expect(result.rows.kept).toBe(6);
    expect(() =>
      analyzeFactor({ factor, prices, tradable, limit, periods: [1], quantiles: 2, maxLoss: 0.5 }),
    ).toThrow(
      /62\.5% of 16 rows dropped.*warm_up 4, horizon_end 4, suspended 1, limit 1|62\.5% of 16 rows dropped/,
    );
    try {
      analyzeFactor({ factor, prices, periods: [1], quantiles: 2, maxLoss: 0.1 });
    } catch (error) {
      expect((error as FactorError).code).toBe('max_loss_exceeded');
      expect((error as FactorError).details).toMatchObject({ total: 16 });
    }
  });

  it('cross-sectional ranks lie in (0, 1] and z-scores have mean 0 and std 1', () => {
    fc.assert(
      fc.property(panelArbitrary(5, 7), (x) => {
        const r = csRank(x);
        const z = csZscore(x);
        for (let d = 0; d < x.rows; d += 1) {
          const values = [...z.row(d)].filter((v) => !Number.isNaN(v));
          for (const v of r.row(d)) if (!Number.isNaN(v)) expect(v > 0 && v <= 1).toBe(true);
          if (values.length > 2) {
            const mean = values.reduce((a, b) => a + b, 0) / values.length;
            // Rounding in x − mean, divided by the spread: relative to |mean x| / std x.
            const { mean: mx, std: sx } = rowMoments(x.row(d));
            expect(Math.abs(mean)).toBeLessThan(
              1e-12 + (1e-14 * values.length * Math.abs(mx)) / sx,
            );
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('neutralized values have no industry mean and no loading on log market cap', () => {
    fc.assert(
      fc.property(panelArbitrary(3, 12), panelArbitrary(3, 12), (x, cap) => {
        const groups = x.instruments.map((_, i) => ['a', 'b', 'c'][i % 3]!);
        const out = neutralize(x, { groups, marketCap: cap });
        for (let d = 0; d < x.rows; d += 1) {
          let szy = 0;
          const byGroup = new Map<string, number>();
          const z: number[] = [];
          for (let i = 0; i < x.columns; i += 1) {
            const v = out.at(d, i);
            if (Number.isNaN(v)) continue;
            byGroup.set(groups[i]!, (byGroup.get(groups[i]!) ?? 0) + v);
            z.push(Math.log(cap.at(d, i)));
            szy += Math.log(cap.at(d, i)) * v;
          }
          // Zero up to rounding, relative to the sizes summed.
          const scale = Math.max(1, ...[...x.row(d)].filter((v) => !Number.isNaN(v)).map(Math.abs));
          for (const sum of byGroup.values())
            expect(Math.abs(sum)).toBeLessThan(1e-12 * scale * x.columns);
          expect(Math.abs(szy)).toBeLessThan(1e-12 * scale * x.columns * 10);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('neutralizing by log caps that differ only by rounding leaves the industry residuals summing to zero', () => {
    // A case the property test found: two names of one industry, caps equal but for rounding.
    const names = Array.from({ length: 12 }, (_, i) => `I${i}`);
    const x = Panel.filled(['d'], names);
    const cap = Panel.filled(['d'], names);
    x.values[1] = 1;
    x.values[10] = 1.0000000000240001;
    cap.values[1] = 99.99999999999964;
    cap.values[10] = 99.99999999999956;
    const out = neutralize(x, {
      groups: names.map((_, i) => ['a', 'b', 'c'][i % 3]!),
      marketCap: cap,
    });
    expect(Math.abs(out.at(0, 1) + out.at(0, 10))).toBeLessThan(1e-15);
    expect(out.at(0, 10) - out.at(0, 1)).toBeCloseTo(2.4e-11, 14);
  });

  it('fills by the stated rules', () => {
    const x = new Panel(
      ['d1', 'd2'],
      ['A', 'B', 'C'],
      Float64Array.from([1, Number.NaN, 5, Number.NaN, 4, 8]),
    );
    expect(Array.from(fill(x, 'zero').values)).toEqual([1, 0, 5, 0, 4, 8]);
    expect(Array.from(fill(x, 'mean').values)).toEqual([1, 3, 5, 6, 4, 8]);
    expect(Array.from(fill(x, 'median').values)).toEqual([1, 3, 5, 6, 4, 8]);
    expect(Array.from(fill(x, 'forward').values)).toEqual([1, Number.NaN, 5, 1, 4, 8]);
    expect(Array.from(fill(x, 'industry_mean', ['g', 'g', 'h']).values)).toEqual([
      1, 1, 5, 4, 4, 8,
    ]);
  });

  it('t-test: t = mean / (std / √n) and its two-sided p-value from the t distribution', () => {
    const values = [0.1, -0.05, 0.2, 0.07, 0.12, -0.01, 0.09];
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const { t, p } = tTest(values);
    expect(t).toBeCloseTo(mean / (std / Math.sqrt(n)), 12);
    expect(p).toBeCloseTo(pOf(t, n - 1), 14);
    // 2.228138851964938 is the 97.5 % point of t with 10 degrees of freedom; t = 2 with 10 → 0.0733880347707.
    expect(pOf(2.228138851964938, 10)).toBeCloseTo(0.05, 10);
    expect(pOf(2.0, 10)).toBeCloseTo(0.0733880347707, 9);
    expect(pOf(1.959963984540054, 1e6)).toBeCloseTo(0.05, 4);
  });
});

import { incompleteBeta } from './statistics';
function pOf(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}
