import { MarketDistributor, QuoteBatch } from '../distributor/market-distributor';
import { SourceStatus } from '../sources/market-source';
import { rtnDataFrame } from './market-session';
import { mergeQuoteBatch, SocketSession } from './socket-session';

class RecordingSession extends SocketSession {
  readonly sent: QuoteBatch[] = [];
  protected dispatch(): void {}
  protected sendQuotes(quotes: QuoteBatch): void {
    this.sent.push(JSON.parse(JSON.stringify(quotes)) as QuoteBatch);
  }
  protected sendStatus(_status: SourceStatus): void {}
}

describe('SocketSession slow-client coalescing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('merges quotes while congested into one latest-state backlog and sends it when drained', () => {
    let congested = false;
    const deliveries: ((quotes: QuoteBatch) => void)[] = [];
    const distributor = {
      addClient: (_id: string, subscriber: { deliver(q: QuoteBatch): void }) =>
        deliveries.push((quotes) => subscriber.deliver(quotes)),
      removeClient: () => undefined,
    } as unknown as MarketDistributor;
    const session = new RecordingSession(
      { send: () => undefined, congested: () => congested },
      distributor,
    );
    const deliver = deliveries[0]!;
    deliver({ a: { last_price: 1 } });
    expect(session.sent).toEqual([{ a: { last_price: 1 } }]);

    congested = true;
    for (let i = 2; i <= 10_000; i += 1)
      deliver(i % 2 ? { a: { last_price: i } } : { b: { volume: i, last_price: i } });
    expect(session.sent).toHaveLength(1);
    jest.advanceTimersByTime(100);
    expect(session.sent).toHaveLength(1);

    congested = false;
    jest.advanceTimersByTime(25);
    expect(session.sent).toEqual([
      { a: { last_price: 1 } },
      { a: { last_price: 9_999 }, b: { volume: 10_000, last_price: 10_000 } },
    ]);
    session.close();
  });

  it('mergeQuoteBatch keeps the latest value of each field per instrument', () => {
    expect(mergeQuoteBatch({ a: { x: 1, y: 1 } }, { a: { y: 2, z: null }, b: { x: 3 } })).toEqual({
      a: { x: 1, y: 2, z: null },
      b: { x: 3 },
    });
  });
});

describe('rtnDataFrame', () => {
  it('is byte-identical to JSON.stringify of the rtn_data message, with shared patches', () => {
    const shared = { last_price: 1.5, datetime: '2025-03-28T01:00:00.500Z', bid_price2: null };
    const quotes = { 'SHFE.au2512': shared, 'a"b': { x: '\u2028' }, au2512: shared };
    expect(rtnDataFrame(quotes)).toBe(JSON.stringify({ aid: 'rtn_data', data: [{ quotes }] }));
    expect(rtnDataFrame({})).toBe(JSON.stringify({ aid: 'rtn_data', data: [{ quotes: {} }] }));
  });
});
