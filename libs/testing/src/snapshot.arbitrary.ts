import fc from 'fast-check';
import { DEPTH_LEVELS, epochMsToDatetime, MDSnapshot, OptionalF64 } from '@qautlra/qamd';

/** Generated snapshots for property tests (test support; not used at run time). */
export function snapshotArbitrary(options: { withNaN?: boolean } = {}): fc.Arbitrary<MDSnapshot> {
  const finite = fc.oneof(
    // -0 is the same price as 0 (change detection treats them alike).
    fc.double({ min: -1e6, max: 1e9, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
    fc.constantFrom(0, 1, 10.5, 3.14),
  );
  const price = options.withNaN ? fc.oneof(finite, fc.constant(Number.NaN)) : finite;
  const volume = fc.integer({ min: 0, max: 2 ** 40 });
  const optional: fc.Arbitrary<OptionalF64> = fc.oneof(
    price,
    fc.constant('-' as const),
    fc.constant(null),
  );
  const levels = fc.array(
    fc.record({
      side: fc.constantFrom('ask', 'bid'),
      level: fc.constantFrom(...DEPTH_LEVELS),
      price,
      volume,
    }),
    { maxLength: 6 },
  );
  return fc
    .record({
      instrument_id: fc.constantFrom('SHFE.au2512', 'SSE.600000', 'au2512', 'SSE_688286'),
      amount: price,
      ask_price1: price,
      ask_volume1: volume,
      bid_price1: price,
      bid_volume1: volume,
      close: optional,
      datetime: fc.integer({ min: 0, max: 4_102_444_800_000 }).map(epochMsToDatetime),
      highest: price,
      last_price: price,
      lower_limit: price,
      lowest: price,
      open: price,
      open_interest: optional,
      pre_close: price,
      pre_open_interest: optional,
      pre_settlement: optional,
      settlement: optional,
      upper_limit: price,
      volume,
      average: price,
      iopv: optional,
      levels,
    })
    .map(({ levels: depth, ...rest }) => {
      const snapshot: Record<string, unknown> = { ...rest };
      for (const { side, level, price: p, volume: v } of depth) {
        snapshot[`${side}_price${level}`] = p;
        snapshot[`${side}_volume${level}`] = v;
      }
      return snapshot as MDSnapshot;
    });
}
