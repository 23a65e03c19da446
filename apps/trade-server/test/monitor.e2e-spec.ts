import { TradeMonitorClient } from '@qautlra/clients';
import { JsonObject } from '@qautlra/diff';
import { waitFor } from '@qautlra/testing';
import WebSocket from 'ws';
import { DiffClient, insertOrder } from './support/diff-client';
import { rest, TradeStack } from './support/start-trade-server';

const RB = 'SHFE.rb2601';
const TOKEN = 'monitor-token-for-tests';

/** The HTTP status the server answers an upgrade to `/ws/monitor` with these headers. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

describe('trade server: the account monitor socket (/ws/monitor)', () => {
  let stack: TradeStack;
  let monitorUrl: string;

  beforeAll(async () => {
    stack = await TradeStack.start([RB], { TRADE_MONITOR_TOKEN: TOKEN });
    stack.market.book(RB, 3300, 3301, 100, { upper_limit: 3500, lower_limit: 3100 });
    monitorUrl = stack.server.ws.replace('/ws/trade', '/ws/monitor');
  });

  afterAll(() => stack?.close());

  it('opens for the monitor token and admins only', async () => {
    const user = await stack.newUser();
    const userToken = await stack.tokenOf(user);
    expect(await upgradeStatus(monitorUrl, {})).toBe(401);
    expect(await upgradeStatus(monitorUrl, { authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus(monitorUrl, { authorization: `Bearer ${userToken}` })).toBe(403);
    expect(await upgradeStatus(monitorUrl, { authorization: `Bearer ${stack.adminToken}` })).toBe(
      101,
    );
    expect(await upgradeStatus(monitorUrl, { authorization: `Bearer ${TOKEN}` })).toBe(101);
  });

  it('carries every account with its owner, new ones included, and their sections as the engine has them', async () => {
    const before = await stack.newUser();
    const monitor = new TradeMonitorClient({ url: monitorUrl, token: TOKEN });
    const resets: string[] = [];
    const watching = new TradeMonitorClient(
      { url: monitorUrl, token: TOKEN },
      { onSection: (account, _section, reset) => reset && resets.push(account) },
    );
    watching.start();
    monitor.start();
    try {
      await waitFor(() => monitor.section(before) !== undefined, {
        what: "the monitor holding an existing account's section",
      });
      expect(monitor.accounts().get(before)).toEqual({ user_name: before, broker: 'sim' });
      const after = await stack.newUser();
      await waitFor(() => monitor.section(after) !== undefined, {
        what: 'the monitor taking an account opened after it connected',
      });
      expect(monitor.accounts().get(after)?.user_name).toBe(after);

      const client = await DiffClient.login(stack.server.ws, after, 'pw');
      client.send(insertOrder(after, 'm-1', { volume: 2, limit_price: 3305 }));
      await client.until(() => client.order(after, 'm-1')?.status === 'FINISHED');
      const token = await stack.tokenOf(after);
      await waitFor(
        async () => {
          const engine = await rest(stack.server.http, 'GET', `/api/accounts/${after}`, { token });
          const seen = monitor.section(after) as JsonObject;
          return (
            JSON.stringify(engine.body.positions) === JSON.stringify(seen.positions) &&
            JSON.stringify(engine.body.trades) === JSON.stringify(seen.trades) &&
            JSON.stringify(engine.body.accounts) === JSON.stringify(seen.accounts)
          );
        },
        { what: "the monitor's section equal to the engine's after a fill" },
      );
      expect(((monitor.section(after) as JsonObject).positions as JsonObject)[RB]).toMatchObject({
        volume_long: 2,
      });
      expect(resets).toContain(before);
      client.close();
    } finally {
      monitor.stop();
      watching.stop();
    }
  });

  it('answers a frame it cannot use with a notice and keeps the connection', async () => {
    const notices: string[] = [];
    const socket = new WebSocket(monitorUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { data?: JsonObject[] };
      for (const patch of frame.data ?? [])
        for (const entry of Object.values((patch.notify ?? {}) as Record<string, JsonObject>))
          notices.push(String(entry.content));
    });
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send('not json');
    socket.send(JSON.stringify({ aid: 'watch', accounts: 'everything' }));
    socket.send(JSON.stringify({ aid: 'watch', accounts: [''.padEnd(200, 'x')] }));
    await waitFor(() => notices.length === 3, { what: 'three notices' });
    expect(notices[0]).toMatch(/not JSON/);
    expect(notices[1]).toMatch(/accounts: a list/);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });
});
