import fc from 'fast-check';
import { evaluateExpression, parseExpression, printExpression } from './expression';
import { FactorError, Panel } from './panel';

const dates = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'];
const instruments = ['A', 'B', 'C'];
const close = new Panel(
  dates,
  instruments,
  Float64Array.from([10, 20, 30, 11, 19, 33, 12, Number.NaN, 36, 13, 21, 30]),
);
const volume = new Panel(
  dates,
  instruments,
  Float64Array.from([5, 6, 7, 5, 8, 7, 6, 1, 9, 4, 6, 8]),
);

describe('factor expressions', () => {
  it('parses with the usual precedence and prints a canonical form', () => {
    expect(printExpression(parseExpression('-close + 2 * volume ^ 2 > 3'))).toBe(
      '(((-close) + (2 * (volume ^ 2))) > 3)',
    );
    expect(printExpression(parseExpression('rank( ts_mean(close,2) / close )'))).toBe(
      'rank((ts_mean(close, 2) / close))',
    );
  });

  it('computes what the same loops written by hand compute', () => {
    const out = evaluateExpression('delta(close, 1) / delay(close, 1) * 100', { close });
    for (let d = 0; d < dates.length; d += 1)
      for (let i = 0; i < instruments.length; i += 1) {
        const now = close.at(d, i);
        const before = d >= 1 ? close.at(d - 1, i) : Number.NaN;
        const expected = ((now - before) / before) * 100;
        expect([d, i, out.at(d, i)]).toEqual([
          d,
          i,
          Number.isNaN(expected) ? Number.NaN : expected,
        ]);
      }
    const ranked = evaluateExpression('rank(close)', { close });
    expect(Array.from(ranked.row(2))).toEqual([1 / 2, Number.NaN, 2 / 2]);
    const where = evaluateExpression('where(volume > 6, close, -1)', { close, volume });
    expect(Array.from(where.row(0))).toEqual([-1, -1, 30]);
    expect(Array.from(evaluateExpression('close / 0', { close }).row(0))).toEqual([NaN, NaN, NaN]);
    expect(Array.from(evaluateExpression('2 + 3', { close }).row(1))).toEqual([5, 5, 5]);
  });

  it('refuses bad input with a FactorError naming the fault (never another error)', () => {
    const cases: [string, string][] = [
      ['close +', 'expression_syntax'],
      ['ts_mean(close)', 'bad_argument'],
      ['ts_mean(close, 2.5)', 'bad_window'],
      ['ts_mean(close, 0)', 'bad_window'],
      ['ts_mean(close, volume)', 'bad_window'],
      ['nosuch(close)', 'unknown_function'],
      ['price * 2', 'unknown_column'],
      ['close $ 2', 'expression_syntax'],
      ['(((close)', 'expression_syntax'],
      ['rank(1)', 'bad_argument'],
      ['x'.repeat(2001), 'expression_too_long'],
      ['abs('.repeat(40) + 'close' + ')'.repeat(40), 'expression_too_deep'],
      [Array.from({ length: 300 }, () => '1').join('+'), 'expression_too_large'],
      ['toString(close)', 'unknown_function'],
      ['constructor + 1', 'unknown_column'],
    ];
    for (const [text, code] of cases) {
      let caught: unknown;
      try {
        evaluateExpression(text, { close, volume });
      } catch (error) {
        caught = error;
      }
      expect([text.slice(0, 30), caught instanceof FactorError ? caught.code : caught]).toEqual([
        text.slice(0, 30),
        code,
      ]);
    }
  });

  it('fuzz: any text either evaluates to a panel of the data’s shape or throws a FactorError', () => {
    const alphabet = fc.constantFrom(
      ...'close volume rank ts_mean delta ( ) , + - * / ^ < > = 1 2 0.5 e'.split(' '),
      ' ',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (tokens, noise) => {
          for (const text of [tokens.join(''), noise]) {
            try {
              const out = evaluateExpression(text, { close, volume });
              expect(out.values.length).toBe(close.values.length);
            } catch (error) {
              expect(error).toBeInstanceOf(FactorError);
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
