import { metricGroups } from './metric-rows';
import { heatColor } from './format';
import { sheetWords } from './sheet-language';

const CJK = /[\u4e00-\u9fff]/;

describe('tear sheet languages', () => {
  it.each([252, 52, 12, 4, 1])(
    'every report group and row has a Chinese label (%i periods a year)',
    (periods) => {
      const en = metricGroups(periods);
      const zh = metricGroups(periods, sheetWords('zh'));
      expect(zh.map((g) => g.rows.length)).toEqual(en.map((g) => g.rows.length));
      const untranslated = zh.flatMap((group) =>
        [group.title, ...group.rows.map((row) => row.label)].filter((text) => !CJK.test(text)),
      );
      expect(untranslated).toEqual([]);
      // The translation merges no two English labels (for monthly series English itself repeats
      // "Expected Monthly": the frequency row and the calendar row, as quantstats does).
      const pairs = new Set(
        en.flatMap((group, g) =>
          group.rows.map((row, r) => `${row.label}\u0000${zh[g]!.rows[r]!.label}`),
        ),
      );
      const english = new Set([...pairs].map((pair) => pair.split('\u0000')[0]));
      const chinese = new Set([...pairs].map((pair) => pair.split('\u0000')[1]));
      expect(chinese.size).toBe(english.size);
    },
  );

  it('names the frequency rows after the series in each language', () => {
    const daily = metricGroups(252, sheetWords('zh')).flatMap((g) => g.rows.map((r) => r.label));
    expect(daily).toEqual(
      expect.arrayContaining(['预期日收益', '日风险价值（VaR）', '最好单日', '盈利日占比']),
    );
    const weekly = metricGroups(52).flatMap((g) => g.rows.map((r) => r.label));
    expect(weekly).toEqual(
      expect.arrayContaining(['Expected Weekly', 'Weekly Value-at-Risk', 'Best Week', 'Win Weeks']),
    );
  });

  it('gains=red|green overrides the colours of either language (the web passes its own)', () => {
    expect(sheetWords('en', 'red').gain).toBe(sheetWords('zh').gain);
    expect(sheetWords('en', 'red').loss).toBe(sheetWords('zh').loss);
    expect(heatColor(0.05, 0.1, sheetWords('en', 'red'))).toMatch(/^rgba\(207,34,46,/);
    expect(sheetWords('zh', 'green').gain).toBe(sheetWords('en').gain);
    expect(sheetWords('en', 'green')).toBe(sheetWords('en'));
  });

  it('colours gains green in English and red in Chinese', () => {
    expect(heatColor(0.05, 0.1, sheetWords('en'))).toMatch(/^rgba\(45,164,78,/);
    expect(heatColor(0.05, 0.1, sheetWords('zh'))).toMatch(/^rgba\(207,34,46,/);
    expect(heatColor(-0.05, 0.1, sheetWords('zh'))).toMatch(/^rgba\(45,164,78,/);
    expect(heatColor(-0.05, 0.1)).toMatch(/^rgba\(207,34,46,/);
    expect(sheetWords('zh').gain).toBe(sheetWords('en').loss);
  });
});
