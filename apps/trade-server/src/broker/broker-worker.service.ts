import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnModuleInit,
} from '@nestjs/common';
import { isSessionOpen } from '@qautlra/calendar';
import { HealthRegistry } from '@qautlra/platform';
import { productOf } from '@qautlra/qamd';
import { defaultPresetFor } from '@qautlra/qifi';
import { tradingDayNow } from '../accounts/accounts.service';
import { UserRepository } from '../auth/user.repository';
import { accountChannel } from '../bus/event-bus';
import { CTP_BROKER, SIM_BROKER, TradeTransport } from '../bus/transport';
import type { TradeCommand } from '../engine/trade-events';
import { hashPassword } from '../auth/password';
import { CtpBroker } from './ctp-broker';
import type { TradeServerConfig } from '../config';
import { TradeEngine } from '../engine/trade-engine';
import { MarketFeed } from '../market/market-feed';
import { TradeStore } from '../store/trade-store';
import { TRADE_SERVER_CONFIG, TRADE_TRANSPORT } from '../tokens';

/**
 * The sim broker's worker: while this instance holds the broker lease it runs the engine on the
 * queue's commands, fed by the market-data gateway, and rolls the trading day; without the lease
 * (another instance has it) it waits. Stopped before the transport and the database close.
 */
@Injectable()
export class BrokerWorker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('trade-server');
  private engine?: TradeEngine;
  private ctp?: CtpBroker;
  private feed?: MarketFeed;
  private rollTimer?: NodeJS.Timeout;

  constructor(
    @Inject(TRADE_SERVER_CONFIG) private readonly config: TradeServerConfig,
    @Inject(TRADE_TRANSPORT) private readonly transport: TradeTransport,
    private readonly health: HealthRegistry,
    private readonly users: UserRepository,
    private readonly store: TradeStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.transport.lease.start(
      () => this.becomeWorker(),
      () => this.stopWorker(),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.lease.stop();
    await this.stopWorker();
  }

  /** Whether this instance runs the sim broker's worker now. */
  get isWorker(): boolean {
    return this.engine !== undefined;
  }

  get marketConnected(): boolean {
    return this.feed?.connected ?? false;
  }

  private isTrading(instrument: string, epochMs: number): boolean {
    if (this.config.alwaysOpen) return true;
    const dot = instrument.indexOf('.');
    return isSessionOpen(instrument.slice(0, dot), productOf(instrument.slice(dot + 1)), epochMs);
  }

  private async becomeWorker(): Promise<void> {
    const { queue, bus } = this.transport;
    const feed = new MarketFeed({
      url: this.config.marketUrl,
      onQuote: (top) => this.engine?.onQuote(top),
    });
    const engine = new TradeEngine({
      broker: SIM_BROKER,
      store: this.store,
      accountsAtBroker: () => this.users.accountsAtBroker(SIM_BROKER),
      accountSettings: (cookie) => this.users.accountSettings(cookie),
      publish: (event) => bus.publish(accountChannel(event.account), JSON.stringify(event)),
      now: () => Date.now(),
      isTrading: (instrument, at) => this.isTrading(instrument, at),
      presetFor: defaultPresetFor,
      listed: (instrument) => feed.lists(instrument),
      onInstrument: (instrument) => feed.want(instrument),
      tradingDay: tradingDayNow,
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
    const ctp = this.config.ctp ? await this.startCtp() : undefined;
    // Commands of CTP accounts go to their CTP sessions; the rest to the sim engine.
    await queue.process((commands, origin) => {
      // A command from another instance: it listens on the account's channel (it subscribed before
      // sending), so the account's events must reach it through Redis.
      if (origin !== this.transport.instanceId)
        for (const command of commands)
          if ('account' in command) bus.expectListeners?.(accountChannel(command.account));
      if (!ctp) return engine.handleAll(commands);
      const sim: TradeCommand[] = [];
      for (const command of commands) {
        if ('account' in command && ctp.holds(command.account)) ctp.handle(command);
        else sim.push(command);
      }
      return sim.length > 0 ? engine.handleAll(sim) : Promise.resolve();
    });
    // The trading-day roll: settle every account once the calendar's trading day moves on.
    this.rollTimer = setInterval(() => void this.rollIfDue(), 30_000);
    this.rollTimer.unref();
    await this.rollIfDue();
    this.logger.log(
      `this instance runs the ${SIM_BROKER} broker (${engine.accountCookies().length} accounts)`,
    );
  }

  /**
   * The `ctp` broker: each configured investor gets its trade-server account (broker `ctp`, cookie = the
   * investor id) and, when its user does not exist yet, the user — with the CTP password as its password,
   * as Open-Trade-Gateway users log in with their broker credentials.
   */
  private async startCtp(): Promise<CtpBroker> {
    const config = this.config.ctp!;
    for (const account of config.accounts) {
      if (!(await this.users.findUser(account.userName)))
        await this.users.createUser(account.userName, await hashPassword(account.password));
      if (!(await this.users.findAccount(account.investorId)))
        await this.users.createAccount({
          account_cookie: account.investorId,
          user_name: account.userName,
          broker: CTP_BROKER,
        });
    }
    const broker = new CtpBroker({
      config,
      publish: (event) =>
        void this.transport.bus.publish(accountChannel(event.account), JSON.stringify(event)),
      now: () => Date.now(),
      log: (message) => this.logger.log(message),
    });
    broker.start();
    this.ctp = broker;
    this.health.register('ctp', () => {
      const down = broker.states().filter((s) => !s.ready);
      if (down.length > 0)
        return { degraded: `CTP not logged in: ${down.map((s) => s.account).join(', ')}` };
    });
    return broker;
  }

  private async rollIfDue(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    const today = tradingDayNow();
    const behind = engine
      .accountCookies()
      .some((cookie) => (engine.account(cookie)?.getTradingDay() ?? today) < today);
    if (behind) await this.transport.queue.add({ command: { type: 'settle', trading_day: today } });
  }

  private async stopWorker(): Promise<void> {
    clearInterval(this.rollTimer);
    if (!this.engine) return;
    await this.transport.queue.stopProcessing();
    this.ctp?.stop();
    this.ctp = undefined;
    this.feed?.stop();
    await this.engine.stop();
    this.engine = undefined;
    this.feed = undefined;
  }
}
