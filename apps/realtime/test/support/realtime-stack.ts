import {
  AppProcess,
  FakeMarket,
  freePort,
  realtimeProcess,
  TestDatabase,
  tradeServerProcess,
  waitFor,
} from '@qautlra/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergePatchInPlace } from '@qautlra/diff';
import WebSocket from 'ws';

export const MONITOR_TOKEN = 'realtime-monitor-token';
export const ADMIN = 'rtadmin';

/** JSON over HTTP: `{status, body}`. */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * A market double, the trade server (built, its own process, PostgreSQL) trading on it with the
 * monitor socket open to `MONITOR_TOKEN`, and realtime monitors (built, own processes) on both.
 */
export class RealtimeStack {
  readonly realtimes: { process: AppProcess; url: string; port: number }[] = [];

  private constructor(
    readonly database: TestDatabase,
    readonly market: FakeMarket,
    readonly marketPort: number,
    readonly trade: AppProcess,
    readonly tradeUrl: string,
    readonly tradePort: number,
    readonly adminToken: string,
  ) {}

  static async start(instruments: string[]): Promise<RealtimeStack> {
    const database = await TestDatabase.create('realtime');
    const market = new FakeMarket(instruments);
    const marketPort = Number(new URL(await market.start()).port);
    const tradePort = await freePort();
    const trade = tradeServerProcess({
      port: tradePort,
      marketPort,
      databaseUrl: database.url,
      user: ADMIN,
      password: 'pw',
      env: { TRADE_MONITOR_TOKEN: MONITOR_TOKEN, TRADE_JWT_SECRET: 'realtime-test-secret' },
    });
    await trade.start();
    const tradeUrl = `http://127.0.0.1:${tradePort}`;
    const login = await http<{ token: string }>(tradeUrl, 'POST', '/api/auth/login', {
      body: { user_name: ADMIN, password: 'pw' },
    });
    return new RealtimeStack(
      database,
      market,
      marketPort,
      trade,
      tradeUrl,
      tradePort,
      login.body.token,
    );
  }

  /** A realtime monitor; `env` adds to its settings (REDIS_URL, the push interval…). */
  async addRealtime(
    env: Record<string, string> = {},
  ): Promise<{ url: string; process: AppProcess }> {
    const port = await freePort();
    const process = realtimeProcess({
      port,
      tradePort: this.tradePort,
      marketPort: this.marketPort,
      token: MONITOR_TOKEN,
      dataDir: mkdtempSync(join(tmpdir(), 'realtime-')),
      env: {
        REALTIME_PUSH_INTERVAL_MS: '50',
        DATABASE_URL: this.database.url,
        // No tsdb unless a test brings its double: factor rooms warm from nothing.
        REALTIME_TSDB_URL: 'http://127.0.0.1:9',
        ...env,
      },
    });
    await process.start();
    const entry = { process, url: `http://127.0.0.1:${port}`, port };
    this.realtimes.push(entry);
    return entry;
  }

  /** A user (password `pw`) with one sim account of the same name, and their JWT. */
  async newUser(name: string, cash = 1_000_000): Promise<string> {
    const user = await http(this.tradeUrl, 'POST', '/api/admin/users', {
      token: this.adminToken,
      body: { user_name: name, password: 'pw' },
    });
    if (user.status !== 201) throw new Error(`user: ${JSON.stringify(user.body)}`);
    const account = await http(this.tradeUrl, 'POST', '/api/admin/accounts', {
      token: this.adminToken,
      body: { account_cookie: name, user_name: name, cash },
    });
    if (account.status !== 201) throw new Error(`account: ${JSON.stringify(account.body)}`);
    return this.tokenOf(name);
  }

  async tokenOf(user: string): Promise<string> {
    const login = await http<{ token: string }>(this.tradeUrl, 'POST', '/api/auth/login', {
      body: { user_name: user, password: 'pw' },
    });
    return login.body.token;
  }

  async close(): Promise<void> {
    for (const realtime of this.realtimes) await realtime.process.kill('SIGTERM');
    await this.trade.kill('SIGTERM');
    await this.market.close();
    await this.database.drop();
  }
}

/** A client of the original `/ws/` protocol that keeps what it was sent. */
export class TopicClient {
  readonly frames: Record<string, any>[] = [];
  /** Room states as merged from the pushes. */
  readonly rooms = new Map<string, any>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Record<string, any>;
      this.frames.push(frame);
      if (frame.topic === 'realtime_pub') {
        const room = frame.room as string;
        if (frame.reset) this.rooms.set(room, structuredClone(frame.data));
        else if (this.rooms.has(room)) mergePatchInPlace(this.rooms.get(room), frame.data);
      }
    });
  }

  static async open(url: string): Promise<TopicClient> {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new TopicClient(socket);
  }

  /** Sends a message and waits for the reply of `topic` after it. */
  async ask(message: Record<string, unknown>, topic: string): Promise<Record<string, any>> {
    const from = this.frames.length;
    this.socket.send(JSON.stringify(message));
    let found: Record<string, any> | undefined;
    await waitFor(
      () => (found = this.frames.slice(from).find((f) => f.topic === topic)) !== undefined,
      {
        what: `a ${topic} reply`,
      },
    );
    return found!;
  }

  close(): void {
    this.socket.close();
  }
}
