import fc from 'fast-check';
import { MarketDistributor } from '../distributor/market-distributor';
import { HubSession } from './hub-session';
import { idsOf } from './market-io.session';
import { MarketSession } from './market-session';
import { SocketSession } from './socket-session';

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

const distributor = () =>
  new MarketDistributor({
    serves: (id) => id === 'SSE.600000' || id === 'SHFE.au2512',
    upstreamSubscribe: () => undefined,
    upstreamUnsubscribe: () => undefined,
  });

/** Client frames: arbitrary text, arbitrary JSON, and near-misses of every message shape. */
const frame = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        aid: fc.constantFrom('subscribe_quote', 'unsubscribe_quote', 'peek_message', 'x'),
        ins_list: fc.oneof(fc.string(), fc.constant('SSE.600000,au2512'), fc.integer()),
        type: fc.constantFrom('subscribe', 'unsubscribe', 'subscriptions', 'ping', 'auth', 'x'),
        payload: fc.oneof(fc.anything(), fc.record({ instruments: fc.anything() })),
        op: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe'), fc.anything()),
        symbols: fc.oneof(fc.array(fc.string()), fc.anything()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);

describe.each([
  [
    '/ws/market',
    (send: (text: string) => void, d: MarketDistributor) => new MarketSession({ send }, d),
  ],
  [
    '/ws/market?pacing=peek',
    (send: (text: string) => void, d: MarketDistributor) => new MarketSession({ send }, d, 'peek'),
  ],
  [
    '/ws/marketdata',
    (send: (text: string) => void, d: MarketDistributor) => new HubSession({ send }, d),
  ],
] as const)('%s session fuzz', (name, create) => {
  it('never throws, answers only JSON, and keeps serving after any input', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 15 }), (frames) => {
        const sent: string[] = [];
        const d = distributor();
        const session: SocketSession = create((text) => sent.push(text), d);
        for (const text of frames) session.handle(text);
        for (const text of sent) expect(() => JSON.parse(text) as unknown).not.toThrow();
        // Still alive: a valid subscribe after the junk works.
        const before = sent.length;
        session.handle(
          name === '/ws/marketdata'
            ? JSON.stringify({ op: 'subscribe', symbols: ['SSE.600000'] })
            : JSON.stringify({ aid: 'subscribe_quote', ins_list: 'SSE.600000' }),
        );
        expect(sent.length).toBeGreaterThan(before);
        expect(d.activeInstruments()).toContain('SSE.600000');
        session.close();
        expect(d.activeInstruments()).toEqual([]);
      }),
      runs,
    );
  });
});

describe('Socket.IO payload parsing fuzz', () => {
  it('idsOf returns a string array or undefined for anything', () => {
    fc.assert(
      fc.property(fc.anything(), (payload) => {
        const ids = idsOf(payload);
        if (ids !== undefined) for (const id of ids) expect(typeof id).toBe('string');
      }),
      runs,
    );
  });
});
