import { BarSeries } from './batch';
import { INDICATORS, IndicatorValue, parseIndicator } from './registry';
import { BarInput } from './window';

/** A deterministic walk of bars, with forming drafts before each final bar. */
function walk(count: number): BarInput[] {
  let seed = 7;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  let price = 100;
  return Array.from({ length: count }, (_, i) => {
    price = Math.max(1, price + (next() - 0.5) * 4);
    return {
      high: price + next() * 2,
      low: price - next() * 2,
      close: price,
      volume: Math.round(next() * 1000),
      tradingDay: `202601${String(10 + Math.floor(i / 40)).padStart(2, '0')}`,
    };
  });
}

const columnsOf = (bars: BarInput[]): BarSeries => ({
  high: Float64Array.from(bars, (b) => b.high),
  low: Float64Array.from(bars, (b) => b.low),
  close: Float64Array.from(bars, (b) => b.close),
  volume: Float64Array.from(bars, (b) => b.volume ?? 0),
  tradingDay: bars.map((b) => b.tradingDay!),
});

const valueAt = (columns: ReturnType<ReturnType<typeof parseIndicator>['batch']>, i: number) =>
  columns instanceof Float64Array
    ? columns[i]!
    : Object.fromEntries(Object.entries(columns).map(([key, column]) => [key, column[i]!]));

describe('indicator registry', () => {
  it('gives each name with defaults, conventions and a canonical label', () => {
    expect(parseIndicator('ma').label).toBe('MA(20)');
    expect(parseIndicator(' macd( 5 , 10 ) ').params).toEqual([5, 10, 9]);
    expect(parseIndicator('RSI(6,tdx)')).toMatchObject({ convention: 'tdx', label: 'RSI(6,tdx)' });
    expect(parseIndicator('obv').label).toBe('OBV');
    expect(parseIndicator('Boll(20,2.5)').params).toEqual([20, 2.5]);
  });

  it.each([
    ['FOO(3)', /unknown indicator FOO/],
    ['MA(0)', /whole number of bars/],
    ['MA(2.5)', /whole number of bars/],
    ['MA(x)', /not a number/],
    ['MA(1,2)', /at most 1 parameters/],
    ['MA(((', /write NAME/],
    ['STD(1,tdx)', /RangeError|n must be|at least/i],
  ])('refuses %s', (text, why) => {
    expect(() => parseIndicator(text)).toThrow(why);
  });

  it.each(Object.keys(INDICATORS))(
    '%s streaming (with the forming bar replaced) equals its batch form',
    (name) => {
      const spec = parseIndicator(name);
      const bars = walk(120);
      const indicator = spec.make();
      const streamed: IndicatorValue[] = bars.map((bar) => {
        indicator.update({ ...bar, close: bar.low, high: bar.low + 0.1 });
        return indicator.replace(bar);
      });
      const columns = spec.batch(columnsOf(bars));
      streamed.forEach((value, i) => {
        const expected = valueAt(columns, i);
        if (typeof value === 'number') expect(value).toBe(expected);
        else expect(value).toEqual(expected);
      });
      // Past the warm-up there are numbers.
      const last = streamed.at(-1)!;
      const numbers = typeof last === 'number' ? [last] : Object.values(last);
      expect(numbers.every(Number.isFinite)).toBe(true);
    },
  );
});
