import fc from 'fast-check';
import { roundMoney, roundMoneyExact } from './money';

describe('roundMoney (fen, half away from zero)', () => {
  it.each([
    [1.005, 1.01],
    [2.675, 2.68],
    [-1.005, -1.01],
    [2.625, 2.63],
    [9.999, 10],
    [3.333, 3.33],
    [0.1 + 0.2, 0.3],
    [-0.004, 0],
    [1234567.895, 1234567.9],
    [0, 0],
  ])('%p → %p', (value, expected) => {
    expect(roundMoney(value)).toBe(expected);
  });

  it('is idempotent and never moves a value by more than half a fen', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (value) => {
        const rounded = roundMoney(value);
        expect(roundMoney(rounded)).toBe(rounded);
        expect(Math.abs(rounded - value)).toBeLessThanOrEqual(
          0.005 + 1e-9 * Math.max(1, Math.abs(value)),
        );
      }),
    );
  });

  it('takes its fast path only where it agrees with the decimal-string reference', () => {
    const nearHalf = fc
      .tuple(
        fc.oneof(
          fc.integer({ min: -1e9, max: 1e9 }),
          fc.double({ min: -1e15, max: 1e15, noNaN: true }).map(Math.trunc),
        ),
        fc.integer({ min: -50, max: 50 }),
      )
      .map(([fen, noise]) => (fen + 0.5) / 100 + noise * Number.EPSILON * Math.abs(fen));
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -1e13, max: 1e13, noNaN: true }), nearHalf),
        (value) => {
          expect(roundMoney(value)).toBe(roundMoneyExact(value));
        },
      ),
      { numRuns: 50_000 },
    );
  });
});
