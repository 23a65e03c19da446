import fc from 'fast-check';
import type { MDSnapshot } from '@qautlra/qamd';
import { UpstreamSource } from './upstream-source';

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

describe('UpstreamSource frame handling fuzz', () => {
  const full = {
    instrument_id: 'SSE.600000',
    amount: 1,
    ask_price1: 10.01,
    ask_volume1: 100,
    bid_price1: 10,
    bid_volume1: 200,
    close: null,
    datetime: '2025-03-28T01:30:00Z',
    highest: 10.2,
    last_price: 10,
    lower_limit: 9,
    lowest: 9.9,
    open: 10,
    open_interest: '-',
    pre_close: 10,
    pre_open_interest: '-',
    pre_settlement: '-',
    settlement: '-',
    upper_limit: 11,
    volume: 100,
    average: 10,
  };

  it('ignores any malformed frame and still applies a good one afterwards', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.json(),
            fc
              .record({
                aid: fc.constantFrom('rtn_data', 'x'),
                data: fc.oneof(
                  fc.anything(),
                  fc.array(fc.oneof(fc.anything(), fc.record({ quotes: fc.anything() }))),
                  fc.array(
                    fc.record({
                      quotes: fc.dictionary(
                        fc.constantFrom('SSE.600000', 'sh600000', 'x.y', ''),
                        fc.oneof(
                          fc.anything(),
                          fc.dictionary(
                            fc.constantFrom('last_price', 'bid_price2', 'datetime', 'volume'),
                            fc.anything(),
                          ),
                        ),
                      ),
                    }),
                  ),
                ),
              })
              .map((value) => JSON.stringify(value)),
          ),
          { maxLength: 20 },
        ),
        (frames) => {
          const source = new UpstreamSource({ url: 'ws://127.0.0.1:1/ws/market' });
          const out: MDSnapshot[] = [];
          (source as unknown as { events: unknown }).events = {
            snapshot: (snapshot: MDSnapshot) => out.push(snapshot),
            state: () => undefined,
          };
          source.subscribe(['SSE.600000']);
          for (const text of frames) source.receive(text);
          source.receive(
            JSON.stringify({ aid: 'rtn_data', data: [{ quotes: { 'SSE.600000': full } }] }),
          );
          expect(out.at(-1)).toMatchObject({ instrument_id: 'SSE.600000', last_price: 10 });
        },
      ),
      runs,
    );
  });
});
