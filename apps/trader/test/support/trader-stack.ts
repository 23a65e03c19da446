import { randomUUID } from 'node:crypto';
import { connect as amqpConnect, Channel, ChannelModel } from 'amqplib';
import {
  AppProcess,
  FakeMarket,
  freePort,
  serviceUrls,
  TestDatabase,
  waitFor,
} from '@qautlra/testing';

export { AppProcess, freePort };

/** The REST token the tests' traders are started with (`--api_token`). */
export const TRADER_TOKEN = 'trader-test-token';
/** Headers of an authorised JSON request to a test trader. */
export const traderHeaders = {
  'content-type': 'application/json',
  authorization: `Bearer ${TRADER_TOKEN}`,
};

/** The trade server with a demo user owning `account` (password `pw`), on a fixed port. */
export function tradeServerProcess(options: {
  port: number;
  databaseUrl: string;
  marketUrl: string;
  account: string;
}): AppProcess {
  return new AppProcess(
    'trade-server',
    [],
    {
      TRADE_SERVER_ADDR: `127.0.0.1:${options.port}`,
      DATABASE_URL: options.databaseUrl,
      TRADE_MARKET_URL: options.marketUrl,
      TRADE_DEMO: 'true',
      TRADE_DEMO_USER: options.account,
      TRADE_DEMO_PASSWORD: 'pw',
      TRADE_SIM_ALWAYS_OPEN: 'true',
      REDIS_URL: '',
    },
    `http://127.0.0.1:${options.port}/health`,
  );
}

/** RabbitMQ as a strategy sees it: publish to QAORDER_ROUTER, consume QATRANSACTION and QATRADER_EVENT. */
export class Strategy {
  readonly trades: Record<string, unknown>[] = [];
  readonly events: Record<string, unknown>[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async connect(account: string): Promise<Strategy> {
    const connection = await amqpConnect(serviceUrls.amqp);
    const channel = await connection.createChannel();
    const strategy = new Strategy(connection, channel);
    for (const [exchange, list] of [
      ['QATRANSACTION', strategy.trades],
      ['QATRADER_EVENT', strategy.events],
    ] as const) {
      await channel.assertExchange(exchange, 'direct', { durable: false });
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, account);
      await channel.consume(
        queue,
        (message) => {
          if (message) list.push(JSON.parse(message.content.toString()) as Record<string, unknown>);
        },
        { noAck: true },
      );
    }
    await channel.assertExchange('QAORDER_ROUTER', 'direct', { durable: false });
    return strategy;
  }

  send(account: string, body: unknown): void {
    this.channel.publish(
      'QAORDER_ROUTER',
      account,
      Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    );
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

export const newAccount = () => `t${randomUUID().replace(/-/g, '').slice(0, 10)}`;

/** The trader's status page. */
export async function traderStatus(base: string): Promise<any> {
  return (await fetch(`${base}/api/status`)).json();
}

/** Logs in to the trade server's REST API and reads the account as the server has it. */
export async function serverAccount(http: string, account: string): Promise<any> {
  const login = await fetch(`${http}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_name: account, password: 'pw' }),
  });
  const { token } = (await login.json()) as { token: string };
  const response = await fetch(`${http}/api/accounts/${account}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.json();
}

export const RB = 'SHFE.rb2601';

/** A `sendorder` body: 1 lot of rb2601 bought at 3501 (marketable against the stack's book) unless overridden. */
export const sendorder = (
  account: string,
  orderId: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  topic: 'sendorder',
  account_cookie: account,
  exchange_id: 'SHFE',
  code: 'rb2601',
  order_direction: 'BUY',
  order_offset: 'OPEN',
  volume: 1,
  price: 3501,
  order_id: orderId,
  ...extra,
});

/** The trader's flags for one account against `wsuri` (RabbitMQ when `database` is given too). */
export const traderFlags = (options: {
  account: string;
  wsuri: string;
  database?: string;
  amqp?: boolean;
  statusAddr: string;
}): string[] => [
  ...['--account', options.account, '--password', 'pw', '--broker', 'sim'],
  ...['--wsuri', options.wsuri, '--ping_gap', '1', '--status_addr', options.statusAddr],
  ...['--api_token', TRADER_TOKEN],
  ...(options.amqp ? ['--eventmq_ip', serviceUrls.amqp] : []),
  ...(options.database ? ['--database_ip', options.database] : []),
];

/**
 * A trade server child process on its own PostgreSQL database, fed by a market double quoting
 * rb2601 (3500 / 3501), with a demo user owning `account` (password `pw`).
 */
export class ServerStack {
  private constructor(
    readonly market: FakeMarket,
    readonly database: TestDatabase,
    readonly server: AppProcess,
    readonly port: number,
  ) {}

  static async start(account: string): Promise<ServerStack> {
    const market = new FakeMarket([RB]);
    const marketUrl = await market.start();
    market.book(RB, 3500, 3501, 1000, { upper_limit: 3800, lower_limit: 3200 });
    const database = await TestDatabase.create('trader_srv');
    const port = await freePort();
    const server = tradeServerProcess({ port, databaseUrl: database.url, marketUrl, account });
    await server.start();
    await waitFor(() => market.subscribed(RB), { what: 'the sim broker subscribing' });
    return new ServerStack(market, database, server, port);
  }

  get http(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsuri(): string {
    return `ws://127.0.0.1:${this.port}/ws/trade`;
  }

  async close(): Promise<void> {
    await this.server.kill('SIGTERM');
    await this.market.close();
    await this.database.drop();
  }
}
