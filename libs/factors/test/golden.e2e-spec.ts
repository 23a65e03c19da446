import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonExecutable } from '@qautlra/strategies';
import {
  analyzeFactor,
  evaluateExpression,
  Panel,
  standardize,
  winsorize,
  type FactorAnalysis,
} from '@qautlra/factors';
import { seededRandom } from '@qautlra/sim';

/**
 * Golden vectors: the analysis and the expression operators against an independent implementation in
 * numpy/pandas (libs/factors/test/golden.py, Debian's python3-pandas), on a generated panel with missing
 * values — late listings, suspensions, missing factor values — and three industries.
 */

const D = 90;
const N = 36;
const PERIODS = [1, 5, 10];
const Q = 5;

function generate(): { close: Panel; volume: Panel; factor: Panel; groups: string[] } {
  const next = seededRandom(20261207);
  const gauss = (): number =>
    Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const dates = Array.from({ length: D }, (_, d) => {
    const day = new Date(Date.UTC(2025, 0, 2 + d));
    return day.toISOString().slice(0, 10);
  });
  const instruments = Array.from({ length: N }, (_, i) => `SSE.6${String(i).padStart(5, '0')}`);
  const groups = instruments.map((_, i) => ['bank', 'steel', 'tech'][i % 3]!);
  const close = Panel.filled(dates, instruments);
  const volume = Panel.filled(dates, instruments);
  const factor = Panel.filled(dates, instruments);
  for (let i = 0; i < N; i += 1) {
    let price = 10 + 40 * next();
    const listed = i % 11 === 3 ? 15 : 0; // late listings
    for (let d = 0; d < D; d += 1) {
      price *= 1 + 0.02 * gauss();
      if (d < listed || next() < 0.03) continue; // not listed yet, suspended
      close.values[d * N + i] = price;
      volume.values[d * N + i] = Math.round(1000 + 9000 * next());
    }
  }
  for (let d = 0; d < D; d += 1)
    for (let i = 0; i < N; i += 1) {
      const now = close.values[d * N + i]!;
      const later = d + 1 < D ? close.values[(d + 1) * N + i]! : Number.NaN;
      if (Number.isNaN(now) || next() < 0.05) continue;
      const signal = Number.isNaN(later) ? 0 : later / now - 1;
      factor.values[d * N + i] = 0.4 * signal + 0.02 * gauss();
    }
  return { close, volume, factor, groups };
}

function csv(data: ReturnType<typeof generate>): string {
  const lines = ['date,instrument,group,close,volume,factor'];
  const cell = (v: number): string => (Number.isNaN(v) ? '' : String(v));
  data.close.dates.forEach((date, d) =>
    data.close.instruments.forEach((instrument, i) =>
      lines.push(
        [
          date,
          instrument,
          data.groups[i],
          cell(data.close.at(d, i)),
          cell(data.volume.at(d, i)),
          cell(data.factor.at(d, i)),
        ].join(','),
      ),
    ),
  );
  return lines.join('\n') + '\n';
}

const close = (a: number | null | undefined, b: number | null | undefined): boolean => {
  const x = a === null || a === undefined || Number.isNaN(a) ? null : a;
  const y = b === null || b === undefined || Number.isNaN(b) ? null : b;
  if (x === null || y === null) return x === y;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
};

function expectClose(
  what: string,
  ours: ArrayLike<number>,
  theirs: readonly (number | null)[],
): void {
  expect([what, ours.length]).toEqual([what, theirs.length]);
  const bad: string[] = [];
  for (let k = 0; k < theirs.length; k += 1)
    if (!close(ours[k], theirs[k])) bad.push(`#${k}: ours ${ours[k]} pandas ${theirs[k]}`);
  expect([what, bad.slice(0, 5)]).toEqual([what, []]);
}

describe('libs/factors against numpy/pandas (golden vectors)', () => {
  const data = generate();
  let golden: {
    dates: string[];
    ops: Record<string, (number | null)[]>;
    kept: number;
    horizons: Record<string, never>[];
    winsorizeMad: (number | null)[];
    winsorizeQuantile: (number | null)[];
    standardize: (number | null)[];
  };
  let ours: FactorAnalysis;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'factors-golden-'));
    const file = join(dir, 'panel.csv');
    writeFileSync(file, csv(data));
    const out = execFileSync(
      pythonExecutable(),
      [join(__dirname, 'golden.py'), file, PERIODS.join(','), String(Q)],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    golden = JSON.parse(out) as typeof golden;
    ours = analyzeFactor({
      factor: data.factor,
      prices: data.close,
      periods: PERIODS,
      quantiles: Q,
      groups: data.groups,
    });
  });

  it('the expression operators equal the hand-written pandas code', () => {
    expect(Object.keys(golden.ops).length).toBe(12);
    for (const [expression, expected] of Object.entries(golden.ops))
      expectClose(
        expression,
        evaluateExpression(expression, { close: data.close, volume: data.volume }).values,
        expected,
      );
  });

  it('keeps the rows alphalens keeps, and says why the others went', () => {
    expect(ours.rows.kept).toBe(golden.kept);
    const { dropped } = ours.rows;
    expect(dropped.warm_up).toBeGreaterThan(0);
    expect(dropped.no_factor).toBeGreaterThan(0);
    expect(dropped.no_price).toBeGreaterThan(0);
    expect(dropped.horizon_end).toBeGreaterThan(0);
    expect(ours.rows.total).toBe(
      ours.rows.kept + Object.values(dropped).reduce((a, b) => a + b, 0),
    );
  });

  it('IC and rank IC per date and their summaries, per horizon', () => {
    PERIODS.forEach((period, h) => {
      const theirs = golden.horizons[h] as unknown as {
        period: number;
        ic: Record<string, number | null>;
        rankIc: Record<string, number | null>;
        icSummary: Record<string, number>;
        rankIcSummary: Record<string, number>;
      };
      const mine = ours.horizons[h]!;
      expect(theirs.period).toBe(period);
      const dates = data.factor.dates;
      expectClose(
        `IC ${period}D`,
        mine.ic,
        dates.map((d) => theirs.ic[d] ?? null),
      );
      expectClose(
        `rank IC ${period}D`,
        mine.rankIc,
        dates.map((d) => theirs.rankIc[d] ?? null),
      );
      for (const [summary, key] of [
        [mine.icSummary, 'icSummary'],
        [mine.rankIcSummary, 'rankIcSummary'],
      ] as const) {
        const expected = theirs[key];
        for (const field of ['mean', 'std', 'ir', 'tStat', 'skew', 'kurtosis', 'count'] as const)
          expect([key, field, close(summary[field], expected[field])]).toEqual([key, field, true]);
      }
    });
  });

  it('quantile returns (pooled and by date), spread, factor returns, turnover, rank autocorrelation, groups', () => {
    PERIODS.forEach((period, h) => {
      const theirs = golden.horizons[h] as unknown as {
        quantileMean: number[];
        quantileStd: number[];
        quantileCount: number[];
        quantileReturnsByDate: Record<string, (number | null)[]>;
        spreadMean: number;
        factorReturns: Record<string, number>;
        turnoverMean: number[];
        rankAutocorrelationMean: number;
        groupIcMean: Record<string, number>;
        groupRankIcMean: Record<string, number>;
        groupQuantileMean: Record<string, (number | null)[]>;
      };
      const mine = ours.horizons[h]!;
      expectClose(`quantile mean ${period}D`, mine.quantileMean, theirs.quantileMean);
      expectClose(`quantile std ${period}D`, mine.quantileStd, theirs.quantileStd);
      expectClose(`quantile count ${period}D`, mine.quantileCount, theirs.quantileCount);
      const dates = data.factor.dates;
      for (const [date, row] of Object.entries(theirs.quantileReturnsByDate)) {
        const d = dates.indexOf(date);
        expectClose(
          `quantile returns ${period}D ${date}`,
          mine.quantileReturnsByDate.subarray(d * Q, (d + 1) * Q),
          row,
        );
      }
      expect(close(mine.spreadMean, theirs.spreadMean)).toBe(true);
      expectClose(
        `factor returns ${period}D`,
        Object.keys(theirs.factorReturns).map((date) => mine.factorReturns[dates.indexOf(date)]!),
        Object.values(theirs.factorReturns),
      );
      expectClose(`turnover ${period}D`, mine.turnoverMean, theirs.turnoverMean);
      expect([period, close(mine.rankAutocorrelationMean, theirs.rankAutocorrelationMean)]).toEqual(
        [period, true],
      );
      for (const group of ours.groups!) {
        expect([group.group, close(group.icMean[h], theirs.groupIcMean[group.group])]).toEqual([
          group.group,
          true,
        ]);
        expect([
          group.group,
          close(group.rankIcMean[h], theirs.groupRankIcMean[group.group]),
        ]).toEqual([group.group, true]);
        expectClose(
          `group ${group.group} quantiles ${period}D`,
          group.quantileMean[h]!,
          theirs.groupQuantileMean[group.group]!,
        );
      }
    });
  });

  it('winsorizing (MAD and quantile) and standardizing', () => {
    expectClose('MAD', winsorize(data.factor, { method: 'mad' }).values, golden.winsorizeMad);
    expectClose(
      'quantile',
      winsorize(data.factor, { method: 'quantile', lower: 0.05, upper: 0.95 }).values,
      golden.winsorizeQuantile,
    );
    expectClose('standardize', standardize(data.factor).values, golden.standardize);
  });
});
