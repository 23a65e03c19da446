import { waitFor } from '@qautlra/testing';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, RealtimeStack, TopicClient } from './support/realtime-stack';

const RB = 'SHFE.rb2601';

describe('realtime alerts: rules per account, pushed, recorded and sent to a webhook', () => {
  jest.setTimeout(120_000);
  let stack: RealtimeStack;
  let url: string;
  let token: string;
  let other: string;
  let hook: Server;
  let hookUrl: string;
  const received: Record<string, unknown>[] = [];

  beforeAll(async () => {
    hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/risk`;
    stack = await RealtimeStack.start([RB]);
    stack.market.book(RB, 3300, 3302, 100, { volume: 1_000 });
    token = await stack.newUser('rtalert', 200_000);
    other = await stack.newUser('rtalert2');
    ({ url } = await stack.addRealtime());
  });

  afterAll(async () => {
    await stack?.close();
    hook?.close();
  });

  it('checks the body, the owner and the target of a rule', async () => {
    const bad = await http(url, 'POST', '/api/alerts/rules', {
      token,
      body: { account: 'rtalert', kind: 'nonsense', threshold: 'x' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.details)).toMatch(/kind/);
    expect(JSON.stringify(bad.body.details)).toMatch(/threshold/);
    const foreign = await http(url, 'POST', '/api/alerts/rules', {
      token: other,
      body: { account: 'rtalert', kind: 'loss', threshold: 1 },
    });
    expect(foreign.status).toBe(404);
    const noTarget = await http(url, 'POST', '/api/alerts/rules', {
      token,
      body: { account: 'rtalert', kind: 'factor_above', threshold: 1 },
    });
    expect(noTarget.status).toBe(400);
    const badHook = await http(url, 'POST', '/api/alerts/rules', {
      token,
      body: { account: 'rtalert', kind: 'loss', threshold: 1, webhook: 'file:///etc/passwd' },
    });
    expect(badHook.status).toBe(400);
  });

  it('fires a risk-ratio and a loss rule once each when they become true: room, record and webhook', async () => {
    const client = await TopicClient.open(url);
    await client.ask({ topic: 'auth', key: token }, 'auth_result');
    await client.ask({ topic: 'realtime_sub', room: 'ACCOUNT:rtalert' }, 'realtime_sub_result');
    const risk = await http(url, 'POST', '/api/alerts/rules', {
      token,
      body: { account: 'rtalert', kind: 'risk_ratio', threshold: 0.05, webhook: hookUrl },
    });
    expect(risk.status).toBe(201);
    const loss = await http(url, 'POST', '/api/alerts/rules', {
      token,
      body: { account: 'rtalert', kind: 'loss', threshold: 5_000 },
    });
    expect(loss.status).toBe(201);
    const order = await http(stack.tradeUrl, 'POST', '/api/accounts/rtalert/orders', {
      token,
      body: {
        order_id: 'a-1',
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 5,
        price_type: 'LIMIT',
        limit_price: 3305,
      },
    });
    expect(order.status).toBe(201);
    await waitFor(() => received.length === 1, { what: 'the webhook called' });
    expect(received[0]).toMatchObject({ account: 'rtalert', kind: 'risk_ratio', threshold: 0.05 });
    // The price falls 150: 5 lots × 10 t × 150 = 7,500 lost (> 5,000).
    stack.market.book(RB, 3150, 3152, 100, { volume: 3_000 });
    await waitFor(
      () =>
        Object.values(client.rooms.get('ACCOUNT:rtalert')?.alerts ?? {}).some(
          (alert: any) => alert.kind === 'loss',
        ),
      { what: 'the loss alert in the room' },
    );
    stack.market.book(RB, 3140, 3142, 100, { volume: 3_100 });
    await waitFor(() => client.rooms.get('ACCOUNT:rtalert')?.positions?.[RB]?.last_price === 3141, {
      what: 'a further mark',
    });
    const listed = await http(url, 'GET', '/api/alerts/rtalert', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.rules).toHaveLength(2);
    // Still true after the further fall: no second alert of either rule.
    expect((listed.body.events as { kind: string }[]).map((event) => event.kind).sort()).toEqual([
      'loss',
      'risk_ratio',
    ]);
    expect((await http(url, 'GET', '/api/alerts/rtalert', { token: other })).status).toBe(404);
    const removed = await http(url, 'DELETE', `/api/alerts/rules/${risk.body.id}?account=rtalert`, {
      token,
    });
    expect(removed.status).toBe(204);
    client.close();
  });

  it('fires a factor rule when the factor crosses its level', async () => {
    const rule = await http(url, 'POST', '/api/alerts/rules', {
      token,
      body: {
        account: 'rtalert',
        kind: 'factor_above',
        threshold: 3_500,
        target: 'factor:shfe.rb2601:1min:MA(1)',
      },
    });
    expect(rule.status).toBe(201);
    expect(rule.body.target).toBe('FACTOR:SHFE.rb2601:1m:MA(1)');
    const beijing = (ms: number) =>
      new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').replace('Z', '');
    let volume = 5_000;
    // Ticks below the level, then above it: the rule fires once it is crossed.
    await waitFor(
      async () => {
        volume += 1;
        const high = volume % 2 === 0;
        stack.market.quote(RB, {
          datetime: beijing(Date.now()),
          last_price: high ? 3_600 : 3_400,
          volume,
        });
        const listed = await http(url, 'GET', '/api/alerts/rtalert', { token });
        return (listed.body.events as { kind: string }[]).some((e) => e.kind === 'factor_above');
      },
      { what: 'the factor alert', timeoutMs: 20_000, intervalMs: 300 },
    );
  });
});
