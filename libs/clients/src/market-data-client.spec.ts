import { FakeMarket, waitFor } from '@qautlra/testing';
import { MarketDataClient, MarketDataState } from './market-data-client';

describe('MarketDataClient against a local gateway double', () => {
  let market: FakeMarket;
  let url: string;
  let client: MarketDataClient | undefined;

  beforeEach(async () => {
    market = new FakeMarket(['SHFE.rb2601', 'SHFE.au2602']);
    url = await market.start();
  });
  afterEach(async () => {
    client?.stop();
    await market.close();
  });

  it('lists the instruments, subscribes, merges each patch into the quote', async () => {
    const seen: [string, Record<string, unknown>][] = [];
    let listed: string[] = [];
    client = new MarketDataClient(
      { url, instruments: true },
      {
        onInstruments: (instruments) => {
          listed = instruments.map((instrument) => instrument.id);
          client!.subscribe(listed);
        },
        onQuote: (id, quote) => seen.push([id, { ...quote }]),
      },
    );
    client.start();
    await waitFor(() => market.subscribed('SHFE.au2602'), { what: 'the subscription' });
    expect(listed).toEqual(['SHFE.rb2601', 'SHFE.au2602']);
    market.quote('SHFE.rb2601', { last_price: 3300, volume: 1 });
    market.quote('SHFE.rb2601', { volume: 2 });
    await waitFor(() => seen.length === 2, { what: 'two updates' });
    expect(seen[1]).toEqual(['SHFE.rb2601', { last_price: 3300, volume: 2 }]);
    expect(client.quote('SHFE.rb2601')).toEqual({ last_price: 3300, volume: 2 });
  });

  it('reconnects after a drop, says so, and subscribes again; the gateway resends the quote', async () => {
    const states: MarketDataState[] = [];
    const prices: unknown[] = [];
    client = new MarketDataClient(
      { url, backoffBaseMs: 20 },
      {
        onState: (state) => states.push(state),
        onQuote: (_id, quote) => prices.push(quote.last_price),
      },
    );
    client.subscribe(['SHFE.rb2601']);
    client.start();
    await waitFor(() => market.subscribed('SHFE.rb2601'), { what: 'the subscription' });
    market.quote('SHFE.rb2601', { last_price: 3300 });
    await waitFor(() => prices.length === 1, { what: 'the first quote' });
    market.dropClients();
    await waitFor(() => states.filter((state) => state === 'connected').length === 2, {
      what: 'the second connection',
    });
    await waitFor(() => prices.length === 2, { what: 'the quote again on resubscribing' });
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    expect(prices).toEqual([3300, 3300]);
  });

  it('unsubscribing the last instrument says so explicitly (an empty list is a protocol error)', async () => {
    client = new MarketDataClient({ url });
    client.subscribe(['SHFE.rb2601']);
    client.start();
    await waitFor(() => market.subscribed('SHFE.rb2601'), { what: 'the subscription' });
    client.unsubscribe(['SHFE.rb2601']);
    expect(client.subscriptions()).toEqual([]);
    await waitFor(() => !market.subscribed('SHFE.rb2601'), { what: 'the unsubscription' });
    client.stop();
    expect(client.state).toBe('disconnected');
  });
});
