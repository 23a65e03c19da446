import { freePort, waitFor } from '@qautlra/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { http, RealtimeStack, TopicClient } from './support/realtime-stack';

const RB = 'SHFE.rb2601';

/** A Redis of this test's own (so that it can be stopped and started again). */
class PrivateRedis {
  private child?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    await waitFor(
      async () => {
        const { createConnection } = await import('node:net');
        return new Promise<boolean>((resolve) => {
          const socket = createConnection(this.port, '127.0.0.1');
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
        });
      },
      { what: 'redis-server listening' },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

describe('realtime monitor: two instances on one Redis, and faults', () => {
  jest.setTimeout(180_000);
  let stack: RealtimeStack;
  let redis: PrivateRedis;
  let token: string;
  let urls: string[];

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    stack = await RealtimeStack.start([RB]);
    stack.market.book(RB, 3300, 3302, 100, { volume: 1_000 });
    token = await stack.newUser('rtscale');
    const env = { REDIS_URL: redis.url, REALTIME_LEASE_MS: '1500' };
    urls = [(await stack.addRealtime(env)).url, (await stack.addRealtime(env)).url];
  });

  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  const leaderIndex = async () => {
    let index = -1;
    await waitFor(
      async () => {
        for (const [i, url] of urls.entries()) {
          const rooms = await http(url, 'GET', '/api/rooms', { token }).catch(() => undefined);
          if (rooms?.body?.leading) index = i;
        }
        return index >= 0;
      },
      { what: 'one instance leading' },
    );
    return index;
  };

  it('gives a client on either instance the same pushes, and survives the leader, Redis, the gateway and the trade server going away', async () => {
    const room = 'ACCOUNT:rtscale';
    const clients = await Promise.all(urls.map((url) => TopicClient.open(url)));
    for (const client of clients) {
      await client.ask({ topic: 'auth', key: token }, 'auth_result');
      expect(
        await client.ask({ topic: 'realtime_sub', room }, 'realtime_sub_result'),
      ).toMatchObject({
        code: 200,
      });
    }
    await waitFor(() => clients.every((client) => client.rooms.has(room)), {
      what: 'the room on both instances',
    });
    const order = await http(stack.tradeUrl, 'POST', '/api/accounts/rtscale/orders', {
      token,
      body: {
        order_id: 's-1',
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 2,
        price_type: 'LIMIT',
        limit_price: 3305,
      },
    });
    expect(order.status).toBe(201);
    const lastPrice = (client: TopicClient) =>
      client.rooms.get(room)?.positions?.[RB]?.last_price as number | undefined;
    await waitFor(
      () => clients.every((client) => client.rooms.get(room)?.positions?.[RB]?.volume_long === 2),
      {
        what: 'the fill on both instances',
      },
    );

    // The same pushes on both: record from here on.
    const marks = clients.map((client) => client.frames.length);
    for (const mid of [3321, 3333, 3347]) {
      stack.market.book(RB, mid - 1, mid + 1, 100, { volume: 2_000 + mid });
      await waitFor(() => clients.every((client) => lastPrice(client) === mid), {
        what: `both instances at ${mid}`,
      });
    }
    const pushes = clients.map((client, i) =>
      client.frames
        .slice(marks[i])
        .filter((frame) => frame.topic === 'realtime_pub' && frame.room === room),
    );
    expect(pushes[0]!.length).toBeGreaterThan(0);
    expect(pushes[0]).toEqual(pushes[1]);
    expect(clients[0]!.rooms.get(room)).toEqual(clients[1]!.rooms.get(room));

    // The leader dies: the other instance takes over; its client goes on without subscribing again.
    const leader = await leaderIndex();
    const survivor = 1 - leader;
    await stack.realtimes[leader]!.process.kill('SIGKILL');
    urls = [urls[survivor]!];
    stack.market.book(RB, 3359, 3361, 100, { volume: 9_000 });
    await waitFor(() => lastPrice(clients[survivor]!) === 3360, {
      what: 'the surviving instance leading and pushing',
      timeoutMs: 30_000,
    });

    // Redis goes away and comes back empty.
    await redis.stop();
    await redis.start();
    stack.market.book(RB, 3369, 3371, 100, { volume: 9_500 });
    await waitFor(() => lastPrice(clients[survivor]!) === 3370, {
      what: 'pushes after Redis came back',
      timeoutMs: 30_000,
    });

    // The gateway drops every connection: the monitor connects and subscribes again.
    stack.market.dropClients();
    await waitFor(() => stack.market.subscribed(RB) && stack.market.clients >= 2, {
      what: 'the gateway clients back',
    });
    stack.market.book(RB, 3379, 3381, 100, { volume: 9_900 });
    await waitFor(() => lastPrice(clients[survivor]!) === 3380, {
      what: 'pushes after the gateway came back',
      timeoutMs: 30_000,
    });

    // The trade server restarts: the monitor logs in again and the account is the same.
    await stack.trade.kill('SIGKILL');
    await stack.trade.start();
    const fresh = await stack.tokenOf('rtscale');
    const second = await http(stack.tradeUrl, 'POST', '/api/accounts/rtscale/orders', {
      token: fresh,
      body: {
        order_id: 's-2',
        exchange_id: 'SHFE',
        instrument_id: 'rb2601',
        direction: 'BUY',
        offset: 'OPEN',
        volume: 1,
        price_type: 'LIMIT',
        limit_price: 3385,
      },
    });
    expect(second.status).toBe(201);
    await waitFor(() => clients[survivor]!.rooms.get(room)?.positions?.[RB]?.volume_long === 3, {
      what: 'the fill after the trade server restarted',
      timeoutMs: 30_000,
    });
    for (const client of clients) client.close();
  });
});
