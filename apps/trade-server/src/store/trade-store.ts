import { CompiledQuery, Generated, Kysely, Migration, sql } from 'kysely';
import { DatabaseHandle, openAppDatabase } from '@qautlra/platform';
import type { Pool } from 'pg';
import { parseQifi, Qifi, QifiAccount, QifiBankDetail, QifiOrder, QifiTrade } from '@qautlra/qifi';
import { TRADE_USER_MIGRATIONS, TradeUserDatabase } from '../auth/user.repository';
import { WRITE_SQL, WRITE_STATEMENT, writeParameters, WriteRows } from './write-sql';

/** One account's QIFI document without the day's orders and trades (those have their own tables). */
export interface TradeAccountStateTable {
  account_cookie: string;
  trading_day: string;
  document: unknown;
  updated_at: Date;
}

export interface TradeOrderTable {
  account_cookie: string;
  trading_day: string;
  order_id: string;
  status: string;
  document: unknown;
  updated_at: Date;
}

export interface TradeTradeTable {
  account_cookie: string;
  trading_day: string;
  trade_id: string;
  order_id: string;
  document: unknown;
}

export interface TradeSettlementTable {
  account_cookie: string;
  trading_day: string;
  content: string;
  created_at: Generated<Date>;
}

/** The simulated bank behind an account's `req_transfer` / `qry_bankcapital`. */
export interface TradeBankTable {
  account_cookie: string;
  bank_id: string;
  bank_name: string;
  balance: number;
  password: string;
}

/** REST API keys: the secret is shown once; only its SHA-256 is kept. */
export interface TradeApiKeyTable {
  key_id: string;
  user_name: string;
  secret_sha256: string;
  label: string;
  created_at: Generated<Date>;
}

export interface TradeStoreDatabase extends TradeUserDatabase {
  trade_api_key: TradeApiKeyTable;
  trade_account_state: TradeAccountStateTable;
  trade_order: TradeOrderTable;
  trade_trade: TradeTradeTable;
  trade_settlement: TradeSettlementTable;
  trade_bank: TradeBankTable;
}

export const TRADE_SERVER_MIGRATIONS: Record<string, Migration> = {
  ...TRADE_USER_MIGRATIONS,
  '0002_trade_store': {
    up: async (db) => {
      await sql`ALTER TABLE trade_account ADD COLUMN IF NOT EXISTS risk_limits jsonb`.execute(db);
      await db.schema
        .createTable('trade_account_state')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.primaryKey())
        .addColumn('trading_day', 'text', (column) => column.notNull())
        .addColumn('document', 'jsonb', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('trade_order')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.notNull())
        .addColumn('trading_day', 'text', (column) => column.notNull())
        .addColumn('order_id', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('document', 'jsonb', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('trade_order_pk', ['account_cookie', 'trading_day', 'order_id'])
        .execute();
      await db.schema
        .createTable('trade_trade')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.notNull())
        .addColumn('trading_day', 'text', (column) => column.notNull())
        .addColumn('trade_id', 'text', (column) => column.notNull())
        .addColumn('order_id', 'text', (column) => column.notNull())
        .addColumn('document', 'jsonb', (column) => column.notNull())
        .addPrimaryKeyConstraint('trade_trade_pk', ['account_cookie', 'trading_day', 'trade_id'])
        .execute();
      await db.schema
        .createTable('trade_settlement')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.notNull())
        .addColumn('trading_day', 'text', (column) => column.notNull())
        .addColumn('content', 'text', (column) => column.notNull())
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('trade_settlement_pk', ['account_cookie', 'trading_day'])
        .execute();
      await db.schema
        .createTable('trade_bank')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.notNull())
        .addColumn('bank_id', 'text', (column) => column.notNull())
        .addColumn('bank_name', 'text', (column) => column.notNull())
        .addColumn('balance', 'double precision', (column) => column.notNull())
        .addColumn('password', 'text', (column) => column.notNull().defaultTo(''))
        .addPrimaryKeyConstraint('trade_bank_pk', ['account_cookie', 'bank_id'])
        .execute();
    },
  },
  '0003_trade_api_key': {
    up: async (db) => {
      await db.schema
        .createTable('trade_api_key')
        .ifNotExists()
        .addColumn('key_id', 'text', (column) => column.primaryKey())
        .addColumn('user_name', 'text', (column) =>
          column.notNull().references('trade_user.user_name').onDelete('cascade'),
        )
        .addColumn('secret_sha256', 'text', (column) => column.notNull())
        .addColumn('label', 'text', (column) => column.notNull().defaultTo(''))
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/** Opens the trade server's database (PostgreSQL at `url`, else PGlite under `dataDir`), migrated. */
export function openTradeDatabase(options: {
  url?: string;
  dataDir: string;
  health?: { register(name: string, check: () => Promise<void>): void };
}): Promise<DatabaseHandle<TradeStoreDatabase>> {
  return openAppDatabase<TradeStoreDatabase>({
    ...options,
    migrations: TRADE_SERVER_MIGRATIONS,
    migrationTable: 'trade_server_migration',
  });
}

/** What an account has in the store: its engine document (orders/trades of its day included) and banks. */
export interface StoredAccount {
  document: Qifi;
  banks: TradeBankTable[];
}

const json = (value: unknown) => JSON.stringify(value);
const parsed = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

/** Rows per multi-row statement (well under PostgreSQL's 65,535 parameters). */
const CHUNK = 1000;

/** One batch of changes to write in one transaction. */
interface Batch {
  accounts: Map<string, QifiAccount>;
  orders: Map<string, { account: QifiAccount; orderId: string }>;
  trades: { account: QifiAccount; trade: QifiTrade }[];
  settlements: { account_cookie: string; trading_day: string; content: string }[];
  banks: Map<string, TradeBankTable>;
}

const emptyBatch = (): Batch => ({
  accounts: new Map(),
  orders: new Map(),
  trades: [],
  settlements: [],
  banks: new Map(),
});

/**
 * Accounts, orders, trades, settlements and simulated banks in PostgreSQL (or PGlite). The engine
 * stages changes as they happen; they are written behind it in group commits — one transaction
 * for everything staged while the previous one ran — and `commit()` resolves once everything
 * staged before the call is durable. A failed write keeps the batch and is retried.
 */
export class TradeStore {
  private batch = emptyBatch();
  private waiters: (() => void)[] = [];
  /** A drain loop runs (cleared by the loop itself, in the same turn as its last check). */
  private draining = false;
  private failures = 0;

  private readonly db: Kysely<TradeStoreDatabase>;
  /** On PostgreSQL the writes go straight to the driver as a named prepared statement. */
  private readonly pool?: Pool;

  private lastWriteAt = -Infinity;
  private writeCount = 0;

  /**
   * `commitIntervalMs`: the least time between the starts of two commits (0: back to back). A
   * commit costs the database a fixed part per statement and a small part per row, so under load
   * a few milliseconds of gathering divide its work; callers of `commit()` wait that much longer
   * (the engine publishes before its commit, so nobody's order answer does).
   */
  constructor(
    database: Pick<DatabaseHandle<TradeStoreDatabase>, 'db' | 'pool'>,
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly commitIntervalMs = 0,
  ) {
    this.db = database.db;
    this.pool = database.pool;
  }

  /** Write statements run so far (a multi-chunk commit counts each). */
  get writes(): number {
    return this.writeCount;
  }

  /** An account and everything of its trading day, as an engine document; undefined if never saved. */
  async loadAccount(accountCookie: string): Promise<StoredAccount | undefined> {
    const state = await this.db
      .selectFrom('trade_account_state')
      .select(['document', 'trading_day'])
      .where('account_cookie', '=', accountCookie)
      .executeTakeFirst();
    if (!state) return undefined;
    const document = parsed(state.document) as Record<string, unknown>;
    const orders = await this.db
      .selectFrom('trade_order')
      .select(['order_id', 'document'])
      .where('account_cookie', '=', accountCookie)
      .where('trading_day', '=', state.trading_day)
      .execute();
    const trades = await this.db
      .selectFrom('trade_trade')
      .select(['trade_id', 'document'])
      .where('account_cookie', '=', accountCookie)
      .where('trading_day', '=', state.trading_day)
      .execute();
    document.orders = Object.fromEntries(orders.map((row) => [row.order_id, parsed(row.document)]));
    document.trades = Object.fromEntries(trades.map((row) => [row.trade_id, parsed(row.document)]));
    const banks = await this.db
      .selectFrom('trade_bank')
      .selectAll()
      .where('account_cookie', '=', accountCookie)
      .orderBy('bank_id')
      .execute();
    return { document: parseQifi(document), banks };
  }

  /** Writes a new account's first document and its simulated bank at once (not behind). */
  async createAccount(account: QifiAccount, bank: TradeBankTable): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('trade_account_state')
        .values({
          account_cookie: account.accountCookie,
          trading_day: account.getTradingDay(),
          document: json(account.toQifi('', { dayRecords: false })),
          updated_at: new Date(),
        })
        .onConflict((conflict) => conflict.column('account_cookie').doNothing())
        .execute();
      await trx
        .insertInto('trade_bank')
        .values(bank)
        .onConflict((conflict) => conflict.columns(['account_cookie', 'bank_id']).doNothing())
        .execute();
    });
  }

  /** Marks an account's document for the next write, with the orders and new trades that changed. */
  stage(
    account: QifiAccount,
    orders: Iterable<string> = [],
    trades: Iterable<QifiTrade> = [],
  ): void {
    this.batch.accounts.set(account.accountCookie, account);
    for (const orderId of orders)
      this.batch.orders.set(`${account.accountCookie}\u0000${orderId}`, { account, orderId });
    for (const trade of trades) this.batch.trades.push({ account, trade });
  }

  stageSettlement(accountCookie: string, tradingDay: string, content: string): void {
    this.batch.settlements.push({
      account_cookie: accountCookie,
      trading_day: tradingDay,
      content,
    });
  }

  stageBank(bank: TradeBankTable): void {
    this.batch.banks.set(`${bank.account_cookie}\u0000${bank.bank_id}`, { ...bank });
  }

  /** Resolves when everything staged so far is committed. */
  commit(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.draining) void this.drain();
    });
  }

  async settlement(accountCookie: string, tradingDay: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('trade_settlement')
      .select('content')
      .where('account_cookie', '=', accountCookie)
      .where('trading_day', '=', tradingDay)
      .executeTakeFirst();
    return row?.content;
  }

  settlements(accountCookie: string): Promise<{ trading_day: string; content: string }[]> {
    return this.db
      .selectFrom('trade_settlement')
      .select(['trading_day', 'content'])
      .where('account_cookie', '=', accountCookie)
      .orderBy('trading_day', 'desc')
      .execute();
  }

  /** Orders of an account in the store (all trading days unless one is given). */
  async orders(accountCookie: string, tradingDay?: string): Promise<QifiOrder[]> {
    let query = this.db
      .selectFrom('trade_order')
      .select('document')
      .where('account_cookie', '=', accountCookie);
    if (tradingDay) query = query.where('trading_day', '=', tradingDay);
    const rows = await query.orderBy('updated_at').execute();
    return rows.map((row) => parsed(row.document) as QifiOrder);
  }

  async banks(accountCookie: string): Promise<TradeBankTable[]> {
    return this.db
      .selectFrom('trade_bank')
      .selectAll()
      .where('account_cookie', '=', accountCookie)
      .execute();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiters.length > 0) {
        // A commit starts at most every `commitIntervalMs`: what is staged meanwhile joins it.
        const wait = this.commitIntervalMs - (performance.now() - this.lastWriteAt);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.lastWriteAt = performance.now();
        const batch = this.batch;
        const waiters = this.waiters;
        this.batch = emptyBatch();
        this.waiters = [];
        try {
          await this.write(batch);
          this.failures = 0;
          for (const resolve of waiters) resolve();
        } catch (error) {
          this.onError(error);
          this.failures += 1;
          this.requeue(batch);
          this.waiters.unshift(...waiters);
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(5_000, 50 * 2 ** this.failures)),
          );
        }
      }
    } finally {
      // Cleared in the turn of the loop's last check — not in a callback of the returned promise:
      // a caller the last write resolved runs before such a callback, and a commit it asked then
      // would find the loop still marked running and wait for ever.
      this.draining = false;
    }
  }

  /** A failed batch goes back in front of what was staged since (newer state wins on write). */
  private requeue(failed: Batch): void {
    const current = this.batch;
    for (const [key, value] of failed.accounts)
      if (!current.accounts.has(key)) current.accounts.set(key, value);
    for (const [key, value] of failed.orders)
      if (!current.orders.has(key)) current.orders.set(key, value);
    current.trades.unshift(...failed.trades);
    current.settlements.unshift(...failed.settlements);
    for (const [key, value] of failed.banks)
      if (!current.banks.has(key)) current.banks.set(key, value);
  }

  private async write(batch: Batch): Promise<void> {
    const now = new Date();
    const states = [...batch.accounts.values()].map((account) => ({
      account_cookie: account.accountCookie,
      trading_day: account.getTradingDay(),
      document: account.toQifi('', { dayRecords: false }),
    }));
    const orders: WriteRows['orders'] = [];
    for (const { account, orderId } of batch.orders.values()) {
      const order = account.order(orderId);
      if (!order) continue;
      orders.push({
        account_cookie: account.accountCookie,
        trading_day: account.getTradingDay(),
        order_id: orderId,
        status: order.status,
        document: order,
      });
    }
    const trades = batch.trades.map(({ account, trade }) => ({
      account_cookie: account.accountCookie,
      trading_day: account.getTradingDay(),
      trade_id: trade.trade_id,
      order_id: trade.order_id,
      document: trade,
    }));
    // One row per key: a statement may not update the same row twice.
    const settlements: WriteRows['settlements'] = [
      ...new Map(
        batch.settlements.map((row) => [`${row.account_cookie}\u0000${row.trading_day}`, row]),
      ).values(),
    ];
    const banks = [...batch.banks.values()];
    const statements = Math.max(
      ...[states, orders, trades, settlements, banks].map((rows) => Math.ceil(rows.length / CHUNK)),
    );
    if (statements === 0) return;
    // Each statement writes a chunk of every table at once (data-modifying CTEs): one round trip
    // and, alone, its own transaction — not BEGIN, five INSERTs and COMMIT, one write each.
    const part = (index: number) => ({
      states: states.slice(index * CHUNK, (index + 1) * CHUNK),
      orders: orders.slice(index * CHUNK, (index + 1) * CHUNK),
      trades: trades.slice(index * CHUNK, (index + 1) * CHUNK),
      settlements: settlements.slice(index * CHUNK, (index + 1) * CHUNK),
      banks: banks.slice(index * CHUNK, (index + 1) * CHUNK),
    });
    const parameters = Array.from({ length: statements }, (_, index) =>
      writeParameters(part(index), now),
    );
    this.writeCount += statements;
    if (this.pool) await writePrepared(this.pool, parameters);
    else if (parameters.length === 1)
      await this.db.executeQuery(CompiledQuery.raw(WRITE_SQL, parameters[0]));
    else
      await this.db.transaction().execute(async (trx) => {
        for (const values of parameters)
          await trx.executeQuery(CompiledQuery.raw(WRITE_SQL, values));
      });
  }
}

/**
 * Runs the write statements on one pooled connection as the named statement {@link
 * WRITE_STATEMENT}: PostgreSQL parses and plans the five-CTE text once per connection instead of
 * at every commit (measured: half the database's CPU per commit). Several run in one transaction.
 */
async function writePrepared(pool: Pool, parameters: string[][]): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    const several = parameters.length > 1;
    if (several) await client.query('BEGIN');
    try {
      for (const values of parameters)
        await client.query({ name: WRITE_STATEMENT, text: WRITE_SQL, values });
      if (several) await client.query('COMMIT');
    } catch (error) {
      if (several) await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/** The default simulated bank of a new account. */
export function simBank(accountCookie: string, balance = 10_000_000): TradeBankTable {
  return {
    account_cookie: accountCookie,
    bank_id: 'sim',
    bank_name: '模拟银行',
    balance,
    password: '',
  };
}

/** A bank row as the QIFI/DIFF `banks` entry. */
export function bankDetail(bank: TradeBankTable, queries = 0): QifiBankDetail {
  return {
    id: bank.bank_id,
    name: bank.bank_name,
    bank_account: `${bank.account_cookie}@${bank.bank_id}`,
    fetch_amount: bank.balance,
    qry_count: queries,
  };
}
