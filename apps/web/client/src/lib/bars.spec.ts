import { BarBuilder, barStart, fromTsdb } from './bars';

const at = (iso: string) => Date.parse(iso);

describe('web bars: tsdb history joined with live ticks', () => {
  it('puts ticks on the tsdb grid (epoch multiples; daily bars from 00:00 Beijing)', () => {
    const s = Date.parse('2026-11-25T01:37:42Z') / 1000;
    expect(barStart(s, '1m')).toBe(Date.parse('2026-11-25T01:37:00Z') / 1000);
    expect(barStart(s, '15m')).toBe(Date.parse('2026-11-25T01:30:00Z') / 1000);
    expect(barStart(s, '1h')).toBe(Date.parse('2026-11-25T01:00:00Z') / 1000);
    // 23:30 Beijing on the 24th is 15:30Z: the bar of the 24th starts 16:00Z on the 23rd.
    expect(barStart(Date.parse('2026-11-24T15:30:00Z') / 1000, '1d')).toBe(
      Date.parse('2026-11-23T16:00:00Z') / 1000,
    );
  });

  it('extends the last history bar, then opens new ones; volume from cumulative rises', () => {
    const history = fromTsdb([
      { datetime: '2026-11-25T01:01:00.000Z', open: 10, high: 11, low: 9, close: 10.5, volume: 7 },
      { datetime: '2026-11-25T01:00:00.000Z', open: 9, high: 10, low: 9, close: 10, volume: 5 },
    ]);
    expect(history.map((bar) => bar.time)).toEqual([
      Date.parse('2026-11-25T01:00:00Z') / 1000,
      Date.parse('2026-11-25T01:01:00Z') / 1000,
    ]);
    const builder = new BarBuilder('1m', history);
    builder.add(at('2026-11-25T01:01:30Z'), 12, 100); // first tick: no volume yet (no previous)
    builder.add(at('2026-11-25T01:01:40Z'), 8, 103);
    expect(builder.bars[1]).toMatchObject({ open: 10, high: 12, low: 8, close: 8, volume: 10 });
    const opened = builder.add(at('2026-11-25T01:02:05Z'), 9, 110);
    expect(opened).toMatchObject({ open: 9, high: 9, low: 9, close: 9, volume: 7 });
    expect(builder.bars).toHaveLength(3);
    // An older tick (a late quote) changes nothing; a new day's cumulative restarts at 0.
    expect(builder.add(at('2026-11-25T01:00:10Z'), 1, 111)).toBeUndefined();
    builder.add(at('2026-11-25T01:02:30Z'), 9.5, 3);
    expect(builder.bars[2]).toMatchObject({ close: 9.5, high: 9.5, volume: 10 });
  });
});
