import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from '@nestjs/common';
import type { TraderConfig } from '../config';
import { looksLikeTradeServerCredential, TraderAuthGuard } from './trader-auth.guard';

describe('TraderAuthGuard', () => {
  let server: Server;
  const asked: string[] = [];
  let guard: TraderAuthGuard;

  beforeAll(async () => {
    // A stand-in for the trade server's `GET /api/auth/me` and `GET /api/accounts`: any credential
    // is the user `u`, owner of `acc`.
    server = createServer((request, response) => {
      asked.push(String(request.headers.authorization ?? request.headers['x-api-key']));
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify(
          request.url === '/api/auth/me'
            ? { user_name: 'u', is_admin: false }
            : [{ account_cookie: 'acc' }],
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    guard = new TraderAuthGuard({
      apiToken: 'the-token',
      accounts: [{ account: 'acc', wsuri: `ws://127.0.0.1:${port}/` }],
    } as unknown as TraderConfig);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const context = (headers: Record<string, string>) =>
    ({
      switchToHttp: () => ({
        getRequest: () => ({ headers, params: { account: 'acc' }, body: undefined }),
      }),
    }) as unknown as ExecutionContext;

  it('does not ask the trade server about a value without the shape of its credentials', async () => {
    const refused: Record<string, string>[] = [
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${'a.'.repeat(3_000)}b` },
      { 'x-api-key': 'not-a-key' },
      { 'x-api-key': `0123456789ab.${'x'.repeat(31)}` },
    ];
    for (const headers of refused)
      await expect(guard.canActivate(context(headers))).rejects.toThrow('is required');
    expect(asked).toEqual([]);
  });

  it("asks about a JWT- or API-key-shaped value and lets the owner's through", async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
    const apiKey = `0123456789ab.${'x'.repeat(32)}`;
    await expect(guard.canActivate(context({ authorization: `Bearer ${jwt}` }))).resolves.toBe(
      true,
    );
    await expect(guard.canActivate(context({ 'x-api-key': apiKey }))).resolves.toBe(true);
    await expect(guard.canActivate(context({ authorization: 'Bearer the-token' }))).resolves.toBe(
      true,
    );
    expect([...new Set(asked)]).toEqual([`Bearer ${jwt}`, apiKey]);
    expect(looksLikeTradeServerCredential('jwt', jwt)).toBe(true);
  });
});
