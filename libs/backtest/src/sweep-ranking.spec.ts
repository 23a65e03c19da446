import { resolveConvention } from '@qautlra/analytics';
import { rankSweep, statisticOver, type SweepOutcome } from './sweep-ranking';

/** Weekdays from 2025-01-01 (the first is the base point). */
function weekdays(count: number): string[] {
  const out: string[] = [];
  const day = new Date('2025-01-01T00:00:00Z');
  while (out.length < count) {
    if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

/** A NAV with drift `first` per day before `turn` and `second` after, plus a fixed wiggle. */
function outcome(
  index: number,
  dates: string[],
  first: number,
  second: number,
  turn: number,
): SweepOutcome {
  const navs = [1];
  for (let i = 1; i < dates.length; i += 1)
    navs.push(navs[i - 1]! * (1 + (i < turn ? first : second) + (i % 2 ? 0.004 : -0.004)));
  return { index, params: { k: index }, dates, navs };
}

describe('sweep ranking', () => {
  const dates = weekdays(121);
  const split = dates[61]!;

  it('a statistic over a window is the window re-based on the NAV before it', () => {
    const o = outcome(0, dates, 0.001, 0.002, 61);
    const convention = resolveConvention('quantstats');
    const comp = statisticOver(o, 'comp', convention, dates[10], dates[40]);
    expect(comp).toBeCloseTo(o.navs[40]! / o.navs[9]! - 1, 12);
    expect(statisticOver(o, 'comp', convention)).toBeCloseTo(o.navs[120]! - 1, 12);
  });

  it('flags an overfit grid: the in-sample order reverses out of sample', () => {
    const outcomes = [0, 1, 2, 3, 4].map((i) => outcome(i, dates, 0.0005 * i, -0.0005 * i, 61));
    const ranking = rankSweep(outcomes, { rankBy: 'comp', order: 'desc', split });
    expect(ranking.rows.map((r) => r.index)).toEqual([4, 3, 2, 1, 0]);
    expect(ranking.split!.rankCorrelation).toBeCloseTo(-1, 12);
    expect(ranking.split!.winnerOutOfSampleRank).toBe(5);
    expect(ranking.split!.winnerOutOfSample).toBeLessThan(ranking.split!.medianOutOfSample!);
  });

  it('keeps a robust grid: same order in and out of sample; walk-forward picks the best each fold', () => {
    const outcomes = [0, 1, 2, 3, 4].map((i) => outcome(i, dates, 0.0003 * i, 0.0003 * i, 61));
    const ranking = rankSweep(outcomes, {
      rankBy: 'sharpe',
      order: 'desc',
      split,
      walkForward: { folds: 3 },
    });
    expect(ranking.split!.rankCorrelation).toBeCloseTo(1, 12);
    expect(ranking.split!.winnerOutOfSampleRank).toBe(1);
    const wf = ranking.walkForward!;
    expect(wf.folds.map((f) => f.chosen)).toEqual([4, 4, 4]);
    // The chained test segments are the winner's own NAV from the first test date on, re-based.
    const best = outcomes[4]!;
    const start = best.dates.indexOf(wf.folds[0]!.test[0]);
    expect(wf.dates).toEqual(best.dates.slice(start - 1));
    wf.navs.forEach((nav, i) =>
      expect(nav).toBeCloseTo(best.navs[start - 1 + i]! / best.navs[start - 1]!, 12),
    );
    expect(wf.value).not.toBeNull();
  });

  it('ranks ascending statistics (drawdown-like) and puts missing values last', () => {
    const outcomes = [0, 1, 2].map((i) => outcome(i, dates, 0.001 * (i + 1), 0.001 * (i + 1), 61));
    outcomes.push({ index: 3, params: {}, dates: dates.slice(0, 2), navs: [1, 1] });
    const ranking = rankSweep(outcomes, { rankBy: 'comp', order: 'asc' });
    expect(ranking.rows.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(ranking.rows[3]!.value).toBeNull();
  });

  it('ranks by a dated series (a factor sweep’s rank IC) over the same windows', () => {
    const outcomes = [0, 1, 2].map((i) => {
      const o = outcome(i, dates, 0.001, 0.001, 61);
      // rank IC: 0.01·i before the split, −0.01·i after, with a wiggle
      const series = {
        rank_ic: dates
          .slice(1)
          .map((d, k) => (d < split ? 0.01 * i : -0.01 * i) + (k % 2 ? 0.02 : -0.02)),
      };
      return { ...o, series };
    });
    const ranking = rankSweep(outcomes, { rankBy: 'rank_ic_mean', order: 'desc', split });
    expect(ranking.rows.map((r) => r.index)).toEqual([2, 1, 0]);
    expect(ranking.rows[0]!.inSample).toBeCloseTo(0.02, 2);
    expect(ranking.rows[0]!.outOfSample).toBeCloseTo(-0.02, 2);
    expect(ranking.split!.rankCorrelation).toBeCloseTo(-1, 12);
    const ir = rankSweep(outcomes, { rankBy: 'rank_ic_ir', order: 'desc' });
    expect(ir.rows.every((r) => r.value !== null)).toBe(true);
  });
});
