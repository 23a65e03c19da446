import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AccountTradingState, RiskLimits, riskLimits } from '@qautlra/risk';
import { AccountsService } from '../accounts/accounts.service';
import { hashPassword } from '../auth/password';
import { UserRepository } from '../auth/user.repository';
import { OrdersService } from '../orders/orders.service';

/** Why an admin operation did not happen, in the words the REST layer answers with. */
export class AdminRefusal extends Error {
  constructor(
    readonly kind: 'NOT_FOUND' | 'EXISTS' | 'INVALID' | 'REFUSED' | 'NO_ANSWER',
    message: string,
  ) {
    super(message);
  }
}

/** Users, accounts, transfers, trading states, risk limits and settlement, for admins. */
@Injectable()
export class AdminService {
  constructor(
    private readonly users: UserRepository,
    private readonly accounts: AccountsService,
    private readonly orders: OrdersService,
  ) {}

  listUsers() {
    return this.users.listUsers();
  }

  async createUser(userName: string, password: string, isAdmin: boolean): Promise<void> {
    if (await this.users.findUser(userName))
      throw new AdminRefusal('EXISTS', `user ${userName} exists`);
    await this.users.createUser(userName, await hashPassword(password), isAdmin);
  }

  async createAccount(
    userName: string,
    accountCookie: string,
    cash: number,
    limits?: Partial<RiskLimits>,
  ): Promise<void> {
    if (!(await this.users.findUser(userName)))
      throw new AdminRefusal('NOT_FOUND', `user ${userName} not found`);
    if (await this.accounts.exists(accountCookie))
      throw new AdminRefusal('EXISTS', `account ${accountCookie} exists`);
    if (limits !== undefined) checkedLimits(limits);
    await this.accounts.createAccount(userName, accountCookie, cash);
    if (limits !== undefined) await this.setLimits(accountCookie, limits);
  }

  /** Deposit (> 0) or withdraw (< 0) past the bank; the broker's message. */
  async transfer(account: string, amount: number): Promise<string> {
    await this.existing(account);
    const requestId = randomUUID();
    const reply = await this.orders.request(
      {
        command: {
          type: 'transfer',
          account,
          bank_id: '',
          bank_password: '',
          amount,
          request_id: requestId,
          admin: true,
        },
      },
      (candidate) => candidate.request_id === requestId,
    );
    if (!reply) throw new AdminRefusal('NO_ANSWER', 'the broker worker did not answer');
    if (!reply.ok) throw new AdminRefusal('REFUSED', reply.message);
    return reply.message;
  }

  async setState(account: string, state: AccountTradingState): Promise<void> {
    await this.existing(account);
    await this.users.setAccountState(account, state);
    await this.orders.request(
      { command: { type: 'set_state', account, state } },
      (candidate) => candidate.command === 'set_state',
    );
  }

  /** Sets the named limits (the others kept); the account's limits now. */
  async setLimits(account: string, overrides: Partial<RiskLimits>): Promise<RiskLimits> {
    await this.existing(account);
    const limits = checkedLimits(overrides);
    await this.users.setRiskLimits(account, overrides);
    await this.orders.request(
      { command: { type: 'set_limits', account, limits: overrides } },
      (candidate) => candidate.command === 'set_limits',
    );
    return limits;
  }

  /** Queues the settlement of every sim account into `tradingDay`. */
  settle(tradingDay: string): Promise<void> {
    return this.orders.enqueue({ command: { type: 'settle', trading_day: tradingDay } });
  }

  private async existing(account: string): Promise<void> {
    if (!(await this.accounts.exists(account)))
      throw new AdminRefusal('NOT_FOUND', `account ${account} not found`);
  }
}

function checkedLimits(overrides: Partial<RiskLimits>): RiskLimits {
  try {
    return riskLimits(overrides);
  } catch (error) {
    throw new AdminRefusal('INVALID', (error as Error).message);
  }
}
