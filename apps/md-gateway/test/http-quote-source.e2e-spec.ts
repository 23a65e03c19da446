import type { MDSnapshot } from '@qautlra/qamd';
import { waitFor } from '@qautlra/testing';
import type { SourceState } from '../src/sources/market-source';
import { HttpQuoteSource } from '../src/sources/http-quote-source';
import { QuoteProvider, sinaProvider, tencentProvider } from '../src/sources/quote-providers';
import { parseSinaBody } from '../src/sources/sina-parser';
import { parseTencentBody } from '../src/sources/tencent-parser';
import { QuoteHttpDouble } from './support/quote-http-double';

describe('Sina/Tencent pollers against the local HTTP double', () => {
  const double = new QuoteHttpDouble();
  let source: HttpQuoteSource | undefined;
  let snapshots: MDSnapshot[];
  let states: { state: SourceState; detail?: string }[];

  beforeAll(() => double.start());
  afterAll(() => double.stop());
  beforeEach(() => {
    snapshots = [];
    states = [];
    double.mode = { sina: 'ok', tencent: 'ok' };
    double.requests.length = 0;
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
  });

  function startSource(providers: QuoteProvider[], timeoutMs = 2_000): HttpQuoteSource {
    source = new HttpQuoteSource({
      name: 'sina',
      providers,
      pollIntervalMs: 40,
      timeoutMs,
      backoffBaseMs: 150,
    });
    source.start({
      snapshot: (snapshot) => snapshots.push(snapshot),
      state: (_name, state, detail) => states.push({ state, detail }),
    });
    return source;
  }

  const latestOf = (id: string) => snapshots.filter((s) => s.instrument_id === id).at(-1);

  it('polls Sina with the Referer, decodes GBK, keeps the lines around an empty one', async () => {
    startSource([sinaProvider(double.sinaUrl)]).subscribe([
      'SSE.600000',
      'SZSE.160923',
      'SZSE.160924',
    ]);
    await waitFor(() => latestOf('SZSE.160924') && latestOf('SSE.600000'));
    const request = double.requests[0]!;
    expect(request.referer).toBe('https://finance.sina.com.cn/');
    expect(request.symbols.sort()).toEqual(['sh600000', 'sz160923', 'sz160924']);
    const expected = parseSinaBody([...double.sina.values()].join('\n')).snapshots;
    expect(latestOf('SSE.600000')).toEqual(expected.find((s) => s.instrument_id === 'SSE.600000'));
    expect(latestOf('SZSE.160923')).toBeUndefined();
    expect(states.at(-1)).toEqual({ state: 'connected', detail: 'via sina' });
  });

  it('a garbled line (negative last price) is refused and counted, never sent (issue 16 §14)', async () => {
    const before = double.sina.get('sh600000')!;
    double.setSinaLast('sh600000', '-12.5');
    try {
      const running = startSource([sinaProvider(double.sinaUrl)]);
      running.subscribe(['SSE.600000', 'SZSE.160924']);
      await waitFor(
        () => (running.quality().lines_refused > 0 && latestOf('SZSE.160924')) || undefined,
      );
      expect(latestOf('SSE.600000')).toBeUndefined();
      expect(running.quality().last_refusal).toBe(
        'sh600000: last_price -12.5 is not a non-negative number',
      );
    } finally {
      double.sina.set('sh600000', before);
    }
  });

  it('splits codes into batches of the provider size', async () => {
    const ids = ['SZSE.002074', 'SZSE.002075', 'SZSE.002076', 'SZSE.002077', 'SZSE.002078'];
    startSource([{ ...sinaProvider(double.sinaUrl), batchSize: 2 }]).subscribe(ids);
    await waitFor(() => ids.every((id) => latestOf(id)));
    const first = double.requests.slice(0, 3).map((r) => r.symbols.length);
    expect(first).toEqual([2, 2, 1]);
  });

  it('a request without the Referer gets the block page and is reported as blocked', async () => {
    const bare = { ...sinaProvider(double.sinaUrl), headers: {} };
    startSource([bare]).subscribe(['SSE.600000']);
    await waitFor(() => states.find((s) => s.state === 'disconnected'));
    expect(states.find((s) => s.state === 'disconnected')?.detail).toContain('Kinsoku jikou desu!');
    expect(snapshots).toHaveLength(0);
  });

  it('fails over to Tencent on the block page and back to Sina when it recovers', async () => {
    double.mode.sina = 'blocked';
    startSource([sinaProvider(double.sinaUrl), tencentProvider(double.tencentUrl)]).subscribe([
      'SSE.600000',
    ]);
    await waitFor(() => states.find((s) => s.detail?.startsWith('via tencent')));
    const viaTencent = states.find((s) => s.detail?.startsWith('via tencent'))!;
    expect(viaTencent.state).toBe('connected');
    expect(viaTencent.detail).toContain('sina: blocked (HTTP 403, "Kinsoku jikou desu!")');
    const tencentQuote = parseTencentBody(double.tencent.get('sh600000')!).snapshots[0];
    await waitFor(() => latestOf('SSE.600000'));
    expect(latestOf('SSE.600000')).toEqual(tencentQuote);

    double.mode.sina = 'ok';
    await waitFor(() => states.at(-1)?.detail === 'via sina', { timeoutMs: 10_000 });
    double.requests.length = 0;
    await waitFor(() => double.requests.length >= 3);
    expect(double.requests.every((r) => r.service === 'sina')).toBe(true);
  });

  it('a slow reply within the timeout still serves; a slower one times out', async () => {
    double.mode.sina = 'slow';
    double.slowMs = 300;
    startSource([sinaProvider(double.sinaUrl)], 2_000).subscribe(['SSE.600000']);
    await waitFor(() => latestOf('SSE.600000'));
    expect(states.some((s) => s.state === 'disconnected')).toBe(false);
    await source?.stop();
    states = [];
    double.slowMs = 1_000;
    startSource([sinaProvider(double.sinaUrl)], 200).subscribe(['SSE.600000']);
    await waitFor(() => states.find((s) => s.state === 'disconnected'));
    expect(states.find((s) => s.state === 'disconnected')?.detail).toMatch(
      /^sina: timeout after 200 ms/,
    );
    double.slowMs = 3_000;
  });

  it('a dead reply times out and the other provider takes over', async () => {
    double.mode.tencent = 'dead';
    startSource([tencentProvider(double.tencentUrl), sinaProvider(double.sinaUrl)], 200).subscribe([
      'SZSE.002074',
    ]);
    await waitFor(() => states.find((s) => s.detail?.includes('tencent: timeout after 200 ms')));
    await waitFor(() => latestOf('SZSE.002074'));
    expect(states.find((s) => s.detail?.includes('timeout'))?.detail).toMatch(/^via sina/);
  });

  it('reports disconnected when the service is gone and resumes without resubscribing', async () => {
    startSource([sinaProvider(double.sinaUrl)]).subscribe(['SSE.600000']);
    await waitFor(() => latestOf('SSE.600000'));
    const port = double.port;
    await double.stop();
    await waitFor(() => states.at(-1)?.state === 'disconnected');
    expect(states.at(-1)?.detail).toMatch(/^sina: /);
    double.setSinaLast('sh600000', '11.990');
    await double.start(port);
    await waitFor(() => latestOf('SSE.600000')?.last_price === 11.99, { timeoutMs: 10_000 });
    expect(states.at(-1)).toEqual({ state: 'connected', detail: 'via sina' });
  });
});
