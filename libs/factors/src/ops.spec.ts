import fc from 'fast-check';
import { argsortFloat64, rankRow, RankScratch } from './ops';

/** The radix argsort and the average-tie ranks against the plain definitions. */
describe('ranking kernels', () => {
  const value = fc.oneof(
    fc.double({ noNaN: false }),
    fc.constantFrom(
      0,
      -0,
      1,
      -1,
      0.5,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Infinity,
      -Infinity,
      1e300,
      -1e300,
    ),
    fc.integer({ min: -3, max: 3 }),
  );

  it('argsortFloat64 orders any finite or infinite values as < does (stable)', () => {
    fc.assert(
      fc.property(
        fc.array(
          value.filter((v) => !Number.isNaN(v)),
          { maxLength: 300 },
        ),
        (values) => {
          const scratch = new RankScratch(Math.max(1, values.length));
          const order = Array.from(
            argsortFloat64(Float64Array.from(values), values.length, scratch).subarray(
              0,
              values.length,
            ),
          );
          const expected = values
            .map((v, i) => [v, i] as const)
            .sort((a, b) =>
              a[0] < b[0]
                ? -1
                : a[0] > b[0]
                  ? 1
                  : Object.is(a[0], -0) && !Object.is(b[0], -0)
                    ? -1
                    : !Object.is(a[0], -0) && Object.is(b[0], -0)
                      ? 1
                      : a[1] - b[1],
            );
          expect(order).toEqual(expected.map(([, i]) => i));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rankRow gives 1-based average-tie ranks of the present values, NaN where absent', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 200 }), (values) => {
        const out = new Float64Array(values.length);
        const count = rankRow(values, out, new RankScratch(Math.max(1, values.length)));
        const present = values.filter((v) => !Number.isNaN(v));
        expect(count).toBe(present.length);
        values.forEach((v, i) => {
          if (Number.isNaN(v)) return expect(out[i]).toBeNaN();
          const below = present.filter((x) => x < v).length;
          const equal = present.filter((x) => x === v).length;
          expect(out[i]).toBe(below + (equal + 1) / 2);
        });
      }),
      { numRuns: 500 },
    );
  });
});
