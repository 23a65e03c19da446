import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { futuresTradingDay, isSessionOpen, toCompactDate } from '@qautlra/calendar';
import { productOf } from '@qautlra/qamd';
import { defaultPresetFor, QifiAccount } from '@qautlra/qifi';
import { createRedis, DatabaseHandle, HealthRegistry } from '@qautlra/platform';
import type Redis from 'ioredis';
import { login } from './auth/login-policy';
import { hashPassword, verifyPassword } from './auth/password';
import { TradeUserDatabase, UserRepository } from './auth/user.repository';
import type { Kysely } from 'kysely';
import { BrokerLease, LocalLease, RedisLease } from './bus/broker-lease';
import {
  accountChannel,
  EventBus,
  InProcessEventBus,
  PrefixedBus,
  RedisEventBus,
} from './bus/event-bus';
import { BullOrderQueue, InProcessOrderQueue, OrderQueue, QueuedCommand } from './bus/order-queue';
import type { TradeServerConfig } from './config';
import { TradeEngine } from './engine/trade-engine';
import { AccountEvent, CommandReply, repliesOf, TradeCommand } from './engine/trade-events';
import { AccountHub, AccountListener } from './gateway/account-hub';
import { WindowRateLimit } from './gateway/rate-limit';
import { LoginAnswer, TradeSessionDeps } from './gateway/trade-session';
import { MarketFeed } from './market/market-feed';
import { openTradeDatabase, simBank, TradeStore, TradeStoreDatabase } from './store/trade-store';
import { TRADE_SERVER_CONFIG } from './tokens';

/** The broker this build runs (`bid` values that name it). */
export const SIM_BROKER = 'sim';

/**
 * One trade-server instance: the database, the broker queue and event bus (Redis or in-process),
 * the broker lease, and — while this instance holds the lease — the sim broker's engine with its
 * market feed. Sockets and REST use it through `sessionDeps()` and the methods below.
 */
@Injectable()
export class TradeService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('trade-server');
  private handle?: DatabaseHandle<TradeStoreDatabase>;
  users!: UserRepository;
  store!: TradeStore;
  private queue!: OrderQueue<TradeCommand>;
  private bus!: EventBus;
  private lease!: BrokerLease;
  hub!: AccountHub;
  private engine?: TradeEngine;
  private feed?: MarketFeed;
  private rollTimer?: NodeJS.Timeout;
  private readonly redisClients: Redis[] = [];
  /** Failed logins per IP per minute before the address must wait (WebSocket and REST alike). */
  readonly loginFailures = new WindowRateLimit(20, 60_000);

  constructor(
    @Inject(TRADE_SERVER_CONFIG) private readonly config: TradeServerConfig,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    const { config } = this;
    this.handle = await openTradeDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      health: this.health,
    });
    const db = this.handle.db;
    this.users = new UserRepository(db as unknown as Kysely<TradeUserDatabase>);
    this.store = new TradeStore(db, (error) =>
      this.logger.error(`store write failed, retrying: ${(error as Error).message}`),
    );
    if (config.demo) await this.ensureDemo(config.demo);

    const commandFailed = (error: unknown) =>
      this.logger.error(`a broker command failed: ${(error as Error).message}`);
    if (config.redisUrl) {
      const url = config.redisUrl;
      const connect = (role: string) => {
        // The event publisher sends a burst of account events in one write (not one per event).
        const client = createRedis(url, `trade-server-${role}`, {
          autoPipelining: role === 'publisher',
        });
        this.redisClients.push(client);
        return client;
      };
      const control = connect('control');
      await control.connect();
      this.health.register('redis', async () => {
        await control.ping();
      });
      this.queue = new BullOrderQueue({
        name: `trade-${SIM_BROKER}`,
        prefix: config.namespace,
        connect,
        concurrency: config.workerConcurrency,
        onError: commandFailed,
      });
      const publisher = connect('publisher');
      const subscriber = connect('subscriber');
      await Promise.all([publisher.connect(), subscriber.connect()]);
      this.bus = new PrefixedBus(new RedisEventBus(publisher, subscriber), config.namespace);
      this.lease = new RedisLease(
        control,
        `${config.namespace}:trade:lease:${SIM_BROKER}`,
        config.leaseMs,
      );
    } else {
      this.queue = new InProcessOrderQueue(commandFailed);
      this.bus = new InProcessEventBus();
      this.lease = new LocalLease();
    }
    this.hub = new AccountHub(this.bus, (command) => this.queue.add({ command }));
    await this.lease.start(
      () => this.becomeWorker(),
      () => this.stopWorker(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lease.stop();
    await this.queue.close();
    await this.bus.close();
    for (const client of this.redisClients) client.disconnect();
    await this.handle?.close();
  }

  get db() {
    if (!this.handle) throw new Error('trade server not started');
    return this.handle.db;
  }

  /** Whether this instance runs the sim broker's worker now. */
  get isWorker(): boolean {
    return this.engine !== undefined;
  }

  get marketConnected(): boolean {
    return this.feed?.connected ?? false;
  }

  enqueue(entry: QueuedCommand<TradeCommand>): Promise<void> {
    return this.queue.add(entry);
  }

  /**
   * Sends a command and waits for the reply on the account's channel (REST). Resolves undefined
   * after `timeoutMs` without one (the command stays queued and will still run).
   */
  async request(
    entry: QueuedCommand<TradeCommand> & { command: { account: string } },
    matches: (reply: CommandReply) => boolean,
    timeoutMs = 5_000,
  ): Promise<CommandReply | undefined> {
    let resolve!: (reply: CommandReply | undefined) => void;
    const answer = new Promise<CommandReply | undefined>((done) => (resolve = done));
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    const channel = accountChannel(entry.command.account);
    const handler = (message: string) => {
      const reply = repliesOf(JSON.parse(message) as AccountEvent).find(matches);
      if (reply) resolve(reply);
    };
    await this.bus.subscribe(channel, handler);
    try {
      await this.queue.add(entry);
      return await answer;
    } finally {
      clearTimeout(timer);
      await this.bus.unsubscribe(channel, handler);
    }
  }

  /** The accounts' sections as the worker has them now (REST reads). */
  async section(account: string, timeoutMs = 5_000) {
    const listener: AccountListener = { onPatch: () => undefined, onNotify: () => undefined };
    const ready = this.hub.watch(account, listener);
    try {
      await Promise.race([
        ready,
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error('the broker worker did not answer')),
            timeoutMs,
          ).unref(),
        ),
      ]);
      return this.hub.section(account);
    } finally {
      await this.hub.unwatch(account, listener);
    }
  }

  /** The trading day (`YYYYMMDD`) of the current instant: the night session counts for the next day. */
  tradingDay(): string {
    return toCompactDate(futuresTradingDay(Date.now()));
  }

  /** Creates a user's sim account with its first document and a simulated bank. */
  async createAccount(userName: string, accountCookie: string, cash: number): Promise<void> {
    await this.openSimAccount(userName, accountCookie, cash);
    await this.queue.add({ command: { type: 'load_account', account: accountCookie } });
  }

  sessionDeps(remoteAddress: string): TradeSessionDeps {
    return {
      hub: this.hub,
      enqueue: (entry) => this.queue.add(entry),
      login: (bid, userName, password) => this.login(bid, userName, password),
      verifyPassword: async (userName, password) => {
        const user = await this.users.findUser(userName);
        return user !== undefined && (await verifyPassword(password, user.password_hash));
      },
      changePassword: async (userName, password) =>
        this.users.setPasswordHash(userName, await hashPassword(password)),
      settlement: async (accounts, tradingDay) => {
        const texts: string[] = [];
        for (const account of accounts) {
          const text = await this.store.settlement(account, tradingDay);
          if (text !== undefined) texts.push(accounts.length > 1 ? `[${account}]\n${text}` : text);
        }
        return texts.length > 0 ? texts.join('\n\n') : undefined;
      },
      allowLogin: () => !this.loginFailures.exhausted(remoteAddress, Date.now()),
      loginFailed: () => void this.loginFailures.hit(remoteAddress, Date.now()),
    };
  }

  /** The broker a `bid` names, or undefined. */
  brokerOf(bid: string): string | undefined {
    return this.config.brokerAliases.includes(bid) ? SIM_BROKER : undefined;
  }

  async login(bid: string, userName: string, password: string): Promise<LoginAnswer> {
    const broker = this.brokerOf(bid);
    if (!broker) return { ok: false, message: `用户登录失败: unknown broker ${bid}` };
    const result = await login(this.users, userName, password, Date.now());
    if (!result.ok) return { ok: false, message: result.message };
    const accounts = result.accounts.filter((account) => account.broker === broker);
    if (accounts.length === 0)
      return { ok: false, message: `用户登录失败: no account at broker ${bid}` };
    return {
      ok: true,
      userName: result.userName,
      accounts: accounts.map((account) => account.account_cookie),
    };
  }

  /** The account row, its first QIFI document (today, `cash`) and its simulated bank. */
  private async openSimAccount(userName: string, accountCookie: string, cash: number) {
    await this.users.createAccount({
      account_cookie: accountCookie,
      user_name: userName,
      broker: SIM_BROKER,
    });
    const account = new QifiAccount({
      accountCookie,
      initCash: cash,
      tradingDay: this.tradingDay(),
      brokerName: SIM_BROKER,
      investorName: userName,
      presetFor: defaultPresetFor,
    });
    await this.store.createAccount(account, simBank(accountCookie));
  }

  private async ensureDemo(demo: NonNullable<TradeServerConfig['demo']>): Promise<void> {
    if (!(await this.users.findUser(demo.user)))
      await this.users.createUser(demo.user, await hashPassword(demo.password), true);
    if (!(await this.users.findAccount(demo.user)))
      await this.openSimAccount(demo.user, demo.user, demo.cash);
  }

  private isTrading(instrument: string, epochMs: number): boolean {
    if (this.config.alwaysOpen) return true;
    const dot = instrument.indexOf('.');
    const exchange = instrument.slice(0, dot);
    const code = instrument.slice(dot + 1);
    return isSessionOpen(exchange, productOf(code), epochMs);
  }

  private async becomeWorker(): Promise<void> {
    const feed = new MarketFeed({
      url: this.config.marketUrl,
      onQuote: (top) => this.engine?.onQuote(top),
    });
    const engine = new TradeEngine({
      broker: SIM_BROKER,
      store: this.store,
      accountsAtBroker: () => this.users.accountsAtBroker(SIM_BROKER),
      accountSettings: (cookie) => this.users.accountSettings(cookie),
      publish: (event) => this.bus.publish(accountChannel(event.account), JSON.stringify(event)),
      now: () => Date.now(),
      isTrading: (instrument, at) => this.isTrading(instrument, at),
      presetFor: defaultPresetFor,
      listed: (instrument) => feed.lists(instrument),
      onInstrument: (instrument) => feed.want(instrument),
      tradingDay: () => this.tradingDay(),
      onQuarantine: (cookie, reason) =>
        this.logger.error(`account ${cookie} quarantined: its stored state is corrupt (${reason})`),
    });
    this.health.register('accounts', () => {
      const quarantined = this.engine?.quarantinedAccounts() ?? [];
      if (quarantined.length > 0)
        return {
          degraded: `quarantined (corrupt stored state): ${quarantined.map((q) => q.account).join(', ')}`,
        };
    });
    await engine.start();
    this.engine = engine;
    this.feed = feed;
    feed.start();
    await this.queue.process((commands) => engine.handleAll(commands));
    // The trading-day roll: settle every account once the calendar's trading day moves on.
    this.rollTimer = setInterval(() => void this.rollIfDue(), 30_000);
    this.rollTimer.unref();
    await this.rollIfDue();
    this.logger.log(
      `this instance runs the ${SIM_BROKER} broker (${engine.accountCookies().length} accounts)`,
    );
  }

  private async rollIfDue(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    const today = this.tradingDay();
    const behind = engine
      .accountCookies()
      .some((cookie) => (engine.account(cookie)?.getTradingDay() ?? today) < today);
    if (behind) await this.queue.add({ command: { type: 'settle', trading_day: today } });
  }

  private async stopWorker(): Promise<void> {
    clearInterval(this.rollTimer);
    await this.queue.stopProcessing();
    this.feed?.stop();
    await this.engine?.stop();
    this.engine = undefined;
    this.feed = undefined;
  }
}
