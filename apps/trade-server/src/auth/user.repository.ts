import { Generated, Kysely, Migration, Selectable, sql } from 'kysely';
import { AccountTradingState } from '@qautlra/risk';

export interface TradeUserTable {
  user_name: string;
  password_hash: string;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  is_admin: Generated<boolean>;
  created_at: Generated<Date>;
  /** When the password last changed or the user was locked: older tokens are refused (migration 0004). */
  credentials_changed_at: Date | null;
}

export interface TradeAccountTable {
  account_cookie: string;
  user_name: string;
  /** Broker id (`bid` of `req_login`), e.g. `sim`. */
  broker: string;
  state: AccountTradingState;
  /** Per-account overrides of the default risk limits (JSON), added by migration 0002. */
  risk_limits: Generated<unknown>;
  created_at: Generated<Date>;
}

export interface TradeUserDatabase {
  trade_user: TradeUserTable;
  trade_account: TradeAccountTable;
}

export const TRADE_USER_MIGRATIONS: Record<string, Migration> = {
  '0001_trade_user': {
    up: async (db) => {
      await db.schema
        .createTable('trade_user')
        .ifNotExists()
        .addColumn('user_name', 'text', (column) => column.primaryKey())
        .addColumn('password_hash', 'text', (column) => column.notNull())
        .addColumn('failed_logins', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('locked_until', 'timestamptz')
        .addColumn('is_admin', 'boolean', (column) => column.notNull().defaultTo(false))
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('trade_account')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.primaryKey())
        .addColumn('user_name', 'text', (column) =>
          column.notNull().references('trade_user.user_name').onDelete('cascade'),
        )
        .addColumn('broker', 'text', (column) => column.notNull())
        .addColumn('state', 'text', (column) => column.notNull().defaultTo('ACTIVE'))
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createIndex('trade_account_user')
        .ifNotExists()
        .on('trade_account')
        .column('user_name')
        .execute();
    },
  },
  '0004_trade_user_credentials': {
    up: async (db) => {
      await db.schema
        .alterTable('trade_user')
        .addColumn('credentials_changed_at', 'timestamptz')
        .execute();
    },
  },
};

export type TradeUser = Pick<
  Selectable<TradeUserTable>,
  | 'user_name'
  | 'password_hash'
  | 'failed_logins'
  | 'locked_until'
  | 'is_admin'
  | 'credentials_changed_at'
>;
export type TradeAccount = Pick<
  TradeAccountTable,
  'account_cookie' | 'user_name' | 'broker' | 'state'
>;

/** An account with its trading state and risk-limit overrides. */
export interface AccountSettings extends TradeAccount {
  limits: Record<string, unknown>;
}

function settingsOf(row: TradeAccount & { risk_limits: unknown }): AccountSettings {
  const raw =
    typeof row.risk_limits === 'string'
      ? (JSON.parse(row.risk_limits) as unknown)
      : row.risk_limits;
  const limits =
    raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return {
    account_cookie: row.account_cookie,
    user_name: row.user_name,
    broker: row.broker,
    state: row.state,
    limits,
  };
}

/** Users and the accounts they own (the only code that touches these tables). */
export class UserRepository {
  constructor(private readonly db: Kysely<TradeUserDatabase>) {}

  async createUser(userName: string, passwordHash: string, isAdmin = false): Promise<void> {
    await this.db
      .insertInto('trade_user')
      .values({
        user_name: userName,
        password_hash: passwordHash,
        is_admin: isAdmin,
        failed_logins: 0,
      })
      .execute();
  }

  findUser(userName: string): Promise<TradeUser | undefined> {
    return this.db
      .selectFrom('trade_user')
      .select([
        'user_name',
        'password_hash',
        'failed_logins',
        'locked_until',
        'is_admin',
        'credentials_changed_at',
      ])
      .where('user_name', '=', userName)
      .executeTakeFirst();
  }

  /** Counts a failed login; locks the user until `lockUntil` when given. Returns the new count. */
  async recordFailure(userName: string, lockUntil?: Date): Promise<number> {
    const row = await this.db
      .updateTable('trade_user')
      .set((eb) => ({
        failed_logins: eb('failed_logins', '+', 1),
        ...(lockUntil ? { locked_until: lockUntil, credentials_changed_at: new Date() } : {}),
      }))
      .where('user_name', '=', userName)
      .returning('failed_logins')
      .executeTakeFirst();
    return row?.failed_logins ?? 0;
  }

  async clearFailures(userName: string): Promise<void> {
    await this.db
      .updateTable('trade_user')
      .set({ failed_logins: 0, locked_until: null })
      .where('user_name', '=', userName)
      .execute();
  }

  async setPasswordHash(userName: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('trade_user')
      .set({ password_hash: passwordHash, credentials_changed_at: new Date() })
      .where('user_name', '=', userName)
      .execute();
  }

  async createAccount(
    account: Omit<TradeAccount, 'state'> & { state?: AccountTradingState },
  ): Promise<void> {
    await this.db
      .insertInto('trade_account')
      .values({ ...account, state: account.state ?? 'ACTIVE' })
      .execute();
  }

  accountsOf(userName: string): Promise<TradeAccount[]> {
    return this.db
      .selectFrom('trade_account')
      .select(['account_cookie', 'user_name', 'broker', 'state'])
      .where('user_name', '=', userName)
      .orderBy('account_cookie')
      .execute();
  }

  /** Every account, by cookie. */
  allAccounts(): Promise<TradeAccount[]> {
    return this.db
      .selectFrom('trade_account')
      .select(['account_cookie', 'user_name', 'broker', 'state'])
      .orderBy('account_cookie')
      .execute();
  }

  findAccount(accountCookie: string): Promise<TradeAccount | undefined> {
    return this.db
      .selectFrom('trade_account')
      .select(['account_cookie', 'user_name', 'broker', 'state'])
      .where('account_cookie', '=', accountCookie)
      .executeTakeFirst();
  }

  /** The accounts at one broker, with their state and risk-limit overrides. */
  async accountsAtBroker(broker: string): Promise<AccountSettings[]> {
    const rows = await this.db
      .selectFrom('trade_account')
      .select(['account_cookie', 'user_name', 'broker', 'state', 'risk_limits'])
      .where('broker', '=', broker)
      .orderBy('account_cookie')
      .execute();
    return rows.map(settingsOf);
  }

  async accountSettings(accountCookie: string): Promise<AccountSettings | undefined> {
    const row = await this.db
      .selectFrom('trade_account')
      .select(['account_cookie', 'user_name', 'broker', 'state', 'risk_limits'])
      .where('account_cookie', '=', accountCookie)
      .executeTakeFirst();
    return row ? settingsOf(row) : undefined;
  }

  async setRiskLimits(accountCookie: string, limits: Record<string, unknown>): Promise<boolean> {
    const result = await this.db
      .updateTable('trade_account')
      .set({ risk_limits: JSON.stringify(limits) })
      .where('account_cookie', '=', accountCookie)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  listUsers(): Promise<Pick<TradeUser, 'user_name' | 'is_admin'>[]> {
    return this.db
      .selectFrom('trade_user')
      .select(['user_name', 'is_admin'])
      .orderBy('user_name')
      .execute();
  }

  async setAccountState(accountCookie: string, state: AccountTradingState): Promise<boolean> {
    const result = await this.db
      .updateTable('trade_account')
      .set({ state })
      .where('account_cookie', '=', accountCookie)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
