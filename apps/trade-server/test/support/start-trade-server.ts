import { INestApplication } from '@nestjs/common';
import { FakeMarket, serviceUrls, TestDatabase, waitFor } from '@qautlra/testing';

export { TestDatabase };
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config';
import { bootstrap } from '../../src/main';

export interface RunningTradeServer {
  app: INestApplication;
  http: string;
  ws: string;
}

/** Boots a trade server on a free port with `env` on top of test defaults (no demo user). */
export async function startTradeServer(env: Record<string, string>): Promise<RunningTradeServer> {
  const config = loadConfig({
    TRADE_SERVER_ADDR: '127.0.0.1:0',
    TRADE_DEMO: 'false',
    TRADE_SIM_ALWAYS_OPEN: 'true',
    LOG_LEVEL: 'error',
    ...env,
  });
  const app = await bootstrap(config);
  const http = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, http, ws: `${http.replace('http', 'ws')}/ws/trade` };
}

/** REST helper: JSON in, `{status, body}` out. */
export async function rest(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; apiKey?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * A trade server on its own PostgreSQL database and Redis namespace, fed by a local market double
 * quoting `instruments`, with an admin (`admin` / `admin-pw`) logged in over REST.
 */
export class TradeStack {
  private constructor(
    readonly database: TestDatabase,
    readonly market: FakeMarket,
    readonly server: RunningTradeServer,
    readonly adminToken: string,
  ) {}

  static async start(instruments: string[], env: Record<string, string> = {}): Promise<TradeStack> {
    const database = await TestDatabase.create('trade');
    const market = new FakeMarket(instruments);
    const server = await startTradeServer({
      DATABASE_URL: database.url,
      REDIS_URL: serviceUrls.redis,
      TRADE_REDIS_NAMESPACE: `t${randomUUID().slice(0, 8)}`,
      TRADE_MARKET_URL: await market.start(),
      TRADE_DEMO: 'true',
      TRADE_DEMO_USER: 'admin',
      TRADE_DEMO_PASSWORD: 'admin-pw',
      ...env,
    });
    const login = await rest(server.http, 'POST', '/api/auth/login', {
      body: { user_name: 'admin', password: 'admin-pw' },
    });
    const stack = new TradeStack(database, market, server, login.body.token as string);
    await waitFor(() => instruments.every((id) => market.subscribed(id)), {
      what: 'the sim broker subscribing to quotes',
    });
    return stack;
  }

  /** A new user (password `pw`) owning one sim account of the same name. */
  async newUser(cash = 1_000_000, limits?: Record<string, unknown>): Promise<string> {
    const name = `u${randomUUID().slice(0, 8)}`;
    const user = await rest(this.server.http, 'POST', '/api/admin/users', {
      token: this.adminToken,
      body: { user_name: name, password: 'pw' },
    });
    if (user.status !== 201) throw new Error(`user: ${JSON.stringify(user.body)}`);
    const account = await rest(this.server.http, 'POST', '/api/admin/accounts', {
      token: this.adminToken,
      body: {
        account_cookie: name,
        user_name: name,
        cash,
        ...(limits ? { risk_limits: limits } : {}),
      },
    });
    if (account.status !== 201) throw new Error(`account: ${JSON.stringify(account.body)}`);
    return name;
  }

  async tokenOf(user: string, password = 'pw'): Promise<string> {
    const login = await rest(this.server.http, 'POST', '/api/auth/login', {
      body: { user_name: user, password },
    });
    return login.body.token as string;
  }

  async close(): Promise<void> {
    await this.server.app.close();
    await this.market.close();
    await this.database.drop();
  }
}
