import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TradeIdentityClient } from './trade-identity';

describe('TradeIdentityClient', () => {
  let server: Server;
  let client: TradeIdentityClient;
  const asked: string[] = [];
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
  const KEY = `0123456789ab.${'k'.repeat(32)}`;
  const BAD = `0123456789ab.${'b'.repeat(32)}`;

  beforeAll(async () => {
    // A double of the trade server: JWT → user `alice` (admin), KEY → `bob`; anything else 401.
    server = createServer((request, response) => {
      const credential = String(request.headers.authorization ?? request.headers['x-api-key']);
      asked.push(`${request.url} ${credential}`);
      const user =
        credential === `Bearer ${JWT}` ? 'alice' : credential === KEY ? 'bob' : undefined;
      response.setHeader('content-type', 'application/json');
      if (!user) {
        response.statusCode = 401;
        response.end('{}');
      } else if (request.url === '/api/auth/me')
        response.end(JSON.stringify({ user_name: user, is_admin: user === 'alice' }));
      else
        response.end(
          JSON.stringify([{ account_cookie: `${user}-1` }, { account_cookie: `${user}-2` }]),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new TradeIdentityClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the user, their admin flag and their accounts; caches answers; never asks about what has no credential shape', async () => {
    const alice = await client.verify(JWT, 1_000);
    expect(alice).toMatchObject({ userName: 'alice', isAdmin: true });
    expect([...alice!.accounts]).toEqual(['alice-1', 'alice-2']);
    expect((await client.verify(KEY, 1_000))?.userName).toBe('bob');
    expect(await client.verify(BAD, 1_000)).toBeUndefined();
    expect(await client.verify('not a credential', 1_000)).toBeUndefined();
    expect(await client.verify(`${'a.'.repeat(3_000)}b`, 1_000)).toBeUndefined();
    const before = asked.length;
    // Within the cache: verified for 30 s, refused for 5 s — no request.
    expect((await client.verify(JWT, 20_000))?.userName).toBe('alice');
    expect(await client.verify(BAD, 5_000)).toBeUndefined();
    expect(asked.length).toBe(before);
    // Past it: asked again.
    await client.verify(JWT, 40_000);
    await client.verify(BAD, 7_000);
    expect(asked.length).toBe(before + 3);
    expect(asked.every((line) => !line.includes('not a credential'))).toBe(true);
  });
});
