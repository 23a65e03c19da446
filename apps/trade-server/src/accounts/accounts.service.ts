import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { futuresTradingDay, toCompactDate } from '@qautlra/calendar';
import type { JsonObject } from '@qautlra/diff';
import { defaultPresetFor, QifiAccount } from '@qautlra/qifi';
import { hashPassword } from '../auth/password';
import { TradeAccount, UserRepository } from '../auth/user.repository';
import { ACCOUNTS_CHANNEL } from '../bus/event-bus';
import { SIM_BROKER, TradeTransport } from '../bus/transport';
import type { TradeServerConfig } from '../config';
import { simBank, TradeStore } from '../store/trade-store';
import { TRADE_SERVER_CONFIG, TRADE_TRANSPORT } from '../tokens';
import { AccountHub, AccountListener } from './account-hub';

/** The trading day (`YYYYMMDD`) of the current instant: the night session counts for the next day. */
export function tradingDayNow(): string {
  return toCompactDate(futuresTradingDay(Date.now()));
}

/** Accounts: who owns which, opening them, their live sections and stored settlements. */
@Injectable()
export class AccountsService implements OnModuleInit {
  constructor(
    @Inject(TRADE_SERVER_CONFIG) private readonly config: TradeServerConfig,
    private readonly users: UserRepository,
    private readonly store: TradeStore,
    private readonly hub: AccountHub,
    @Inject(TRADE_TRANSPORT) private readonly transport: TradeTransport,
  ) {}

  /** The demo user and account (`TRADE_DEMO`), made on the first start. */
  async onModuleInit(): Promise<void> {
    const demo = this.config.demo;
    if (!demo) return;
    if (!(await this.users.findUser(demo.user)))
      await this.users.createUser(demo.user, await hashPassword(demo.password), true);
    if (!(await this.users.findAccount(demo.user)))
      await this.openSimAccount(demo.user, demo.user, demo.cash);
  }

  accountsOf(userName: string): Promise<TradeAccount[]> {
    return this.users.accountsOf(userName);
  }

  /** Every account (the account monitor's `*`). */
  allAccounts(): Promise<TradeAccount[]> {
    return this.users.allAccounts();
  }

  async exists(account: string): Promise<boolean> {
    return (await this.users.findAccount(account)) !== undefined;
  }

  /** Whether `userName` owns `account` (another user's account does not exist for them). */
  async owns(userName: string, account: string): Promise<boolean> {
    return (await this.users.findAccount(account))?.user_name === userName;
  }

  /** The account's section as the broker worker has it now (undefined when not loaded). */
  async section(account: string, timeoutMs = 5_000): Promise<JsonObject | undefined> {
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

  settlements(account: string): Promise<{ trading_day: string; content: string }[]> {
    return this.store.settlements(account);
  }

  /** Settlement statements of `accounts` for `tradingDay`, joined; undefined if none (DIFF). */
  async settlementText(accounts: string[], tradingDay: string): Promise<string | undefined> {
    const texts: string[] = [];
    for (const account of accounts) {
      const text = await this.store.settlement(account, tradingDay);
      if (text !== undefined) texts.push(accounts.length > 1 ? `[${account}]\n${text}` : text);
    }
    return texts.length > 0 ? texts.join('\n\n') : undefined;
  }

  /** Creates a user's sim account with its first document and a simulated bank, and loads it. */
  async createAccount(userName: string, accountCookie: string, cash: number): Promise<void> {
    await this.openSimAccount(userName, accountCookie, cash);
    await this.transport.queue.add({ command: { type: 'load_account', account: accountCookie } });
    this.transport.bus.publish(ACCOUNTS_CHANNEL, accountCookie);
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
      tradingDay: tradingDayNow(),
      brokerName: SIM_BROKER,
      investorName: userName,
      presetFor: defaultPresetFor,
    });
    await this.store.createAccount(account, simBank(accountCookie));
  }
}
