import fc from 'fast-check';
import { formatF64, formatInteger } from './rust-json';

describe('formatF64 (serde_json/ryu layout)', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [-1, '-1.0'],
    [10.45, '10.45'],
    [1000000, '1000000.0'],
    [43212000000, '43212000000.0'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e16'],
    [1.5e16, '1.5e16'],
    [123456789012345680000, '1.2345678901234568e20'],
    [0.1, '0.1'],
    [0.00001, '0.00001'],
    [0.000012, '0.000012'],
    [1e-6, '1e-6'],
    [1.5e-7, '1.5e-7'],
    [5e-5, '0.00005'],
    [Number.MAX_VALUE, '1.7976931348623157e308'],
    [Number.NaN, 'null'],
    [Number.POSITIVE_INFINITY, 'null'],
  ])('%p → %s', (value, expected) => {
    expect(formatF64(value)).toBe(expected);
  });

  it('always parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(Object.is(Number(formatF64(value)), value)).toBe(true);
      }),
    );
  });

  it('writes integers without a fraction', () => {
    expect(formatInteger(25000)).toBe('25000');
    expect(formatInteger(-3)).toBe('-3');
  });
});
