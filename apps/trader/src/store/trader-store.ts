import { Kysely, Migration, sql } from 'kysely';
import { Qifi, QifiTrade } from '@qautlra/qifi';
import { QIFI_STORE_MIGRATIONS, QifiDatabase, QifiRepository } from '@qautlra/platform';

interface QifiDailyTable {
  account_cookie: string;
  trading_day: string;
  document: unknown;
  updated_at: Date;
}

/** Every trade the trader has seen, and whether it went out on QATRANSACTION (the outbox). */
interface TradeOutboxTable {
  account_cookie: string;
  trade_id: string;
  body: unknown;
  published_at: Date | null;
}

/** The day's orders and trades, one row each: a save writes what changed, not the whole day. */
interface QifiOrderTable {
  account_cookie: string;
  trading_day: string;
  order_id: string;
  body: unknown;
}

interface QifiTradeTable {
  account_cookie: string;
  trading_day: string;
  trade_id: string;
  body: unknown;
}

export interface TraderDatabase extends QifiDatabase {
  trader_qifi_daily: QifiDailyTable;
  trader_trade_outbox: TradeOutboxTable;
  trader_qifi_order: QifiOrderTable;
  trader_qifi_trade: QifiTradeTable;
}

/** What changed in a document since the last save (absent: everything). */
export interface DocumentChanges {
  orders: readonly string[];
  trades: readonly string[];
}

/** Rows per multi-row statement. */
const CHUNK = 500;

export const TRADER_MIGRATIONS: Record<string, Migration> = {
  ...QIFI_STORE_MIGRATIONS,
  '0002_trader_qifi_daily': {
    up: async (db) => {
      await db.schema
        .createTable('trader_qifi_daily')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.notNull())
        .addColumn('trading_day', 'text', (column) => column.notNull())
        .addColumn('document', 'jsonb', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('trader_qifi_daily_pk', ['account_cookie', 'trading_day'])
        .execute();
    },
  },
  '0003_trader_trade_outbox': {
    up: async (db) => {
      await db.schema
        .createTable('trader_trade_outbox')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.notNull())
        .addColumn('trade_id', 'text', (column) => column.notNull())
        .addColumn('body', 'jsonb', (column) => column.notNull())
        .addColumn('published_at', 'timestamptz')
        .addPrimaryKeyConstraint('trader_trade_outbox_pk', ['account_cookie', 'trade_id'])
        .execute();
    },
  },
  '0004_trader_qifi_rows': {
    up: async (db) => {
      for (const [table, key] of [
        ['trader_qifi_order', 'order_id'],
        ['trader_qifi_trade', 'trade_id'],
      ] as const)
        await db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('account_cookie', 'text', (column) => column.notNull())
          .addColumn('trading_day', 'text', (column) => column.notNull())
          .addColumn(key, 'text', (column) => column.notNull())
          .addColumn('body', 'jsonb', (column) => column.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['account_cookie', 'trading_day', key])
          .execute();
      // The whole document as the original kept it (MongoDB `QAREALTIME.account`), for readers of
      // the database: the stored head with the day's orders and trades put back.
      await sql`CREATE OR REPLACE VIEW trader_qifi_document AS
        SELECT q.account_cookie, q.trading_day, q.document::jsonb || jsonb_build_object(
          'orders', coalesce((SELECT jsonb_object_agg(o.order_id, o.body) FROM trader_qifi_order o
            WHERE o.account_cookie = q.account_cookie AND o.trading_day = q.trading_day), '{}'::jsonb),
          'trades', coalesce((SELECT jsonb_object_agg(t.trade_id, t.body) FROM trader_qifi_trade t
            WHERE t.account_cookie = q.account_cookie AND t.trading_day = q.trading_day), '{}'::jsonb)
        ) AS document
        FROM qifi_account q`.execute(db);
    },
  },
};

async function upsertDaily(
  db: Kysely<TraderDatabase>,
  account: string,
  tradingDay: string,
  text: string,
): Promise<void> {
  const row = {
    account_cookie: account,
    trading_day: tradingDay,
    document: text,
    updated_at: new Date(),
  };
  await db
    .insertInto('trader_qifi_daily')
    .values(row)
    .onConflict((conflict) =>
      conflict
        .columns(['account_cookie', 'trading_day'])
        .doUpdateSet({ document: row.document, updated_at: row.updated_at }),
    )
    .execute();
}

/** Upserts the named entries of a document's `orders` or `trades` as rows (in chunks). */
async function upsertRows(
  db: Kysely<TraderDatabase>,
  table: 'trader_qifi_order' | 'trader_qifi_trade',
  key: 'order_id' | 'trade_id',
  account: string,
  day: string,
  ids: readonly string[],
  entries: Readonly<Record<string, unknown>>,
): Promise<void> {
  const rows = ids.flatMap((id) =>
    entries[id] === undefined
      ? []
      : [
          {
            account_cookie: account,
            trading_day: day,
            [key]: id,
            body: JSON.stringify(entries[id]),
          },
        ],
  );
  for (let start = 0; start < rows.length; start += CHUNK)
    await db
      .insertInto(table)
      .values(rows.slice(start, start + CHUNK))
      .onConflict((conflict) =>
        conflict
          .columns(['account_cookie', 'trading_day', key] as never)
          .doUpdateSet({ body: sql`excluded.body` }),
      )
      .execute();
}

/** The QIFI table's view of the trader's database (Kysely's table types are invariant). */
const qifiView = (db: Kysely<TraderDatabase>) => db as unknown as Kysely<QifiDatabase>;

/**
 * The trader's PostgreSQL (or PGlite) state: the QIFI document per account (upsert by
 * `account_cookie`, the original's MongoDB `QAREALTIME.account`), one snapshot per account and
 * trading day, and the trade outbox that makes each trade go out on QATRANSACTION once.
 */
export class TraderStore {
  private readonly documents: QifiRepository;

  constructor(private readonly db: Kysely<TraderDatabase>) {
    this.documents = new QifiRepository(qifiView(db));
  }

  /**
   * Saves the document incrementally: its head (everything but orders and trades, a few KiB) as
   * the account's row, and only the orders and trades that `changes` names (all of them without
   * `changes`) as rows of their own — a write costs what changed, not the size of the day. With
   * `daily`, the whole document also goes to the day's snapshot row (once a day, and at stop).
   */
  async saveDocument(document: Qifi, daily = true, changes?: DocumentChanges): Promise<void> {
    const account = document.account_cookie;
    const day = document.trading_day;
    const head = JSON.stringify({ ...document, orders: {}, trades: {} });
    const orderIds = changes ? changes.orders : Object.keys(document.orders);
    const tradeIds = changes ? changes.trades : Object.keys(document.trades);
    await this.db.transaction().execute(async (trx) => {
      await new QifiRepository(qifiView(trx)).saveText(account, day, head);
      await upsertRows(
        trx,
        'trader_qifi_order',
        'order_id',
        account,
        day,
        orderIds,
        document.orders,
      );
      await upsertRows(
        trx,
        'trader_qifi_trade',
        'trade_id',
        account,
        day,
        tradeIds,
        document.trades,
      );
      if (daily && day) await upsertDaily(trx, account, day, JSON.stringify(document));
    });
  }

  /** Writes one day's snapshot (the last state of a day that just ended). */
  saveDaily(account: string, tradingDay: string, text: string): Promise<void> {
    return upsertDaily(this.db, account, tradingDay, text);
  }

  /** The account's document: its head with the day's orders and trades. */
  async findDocument(account: string): Promise<Qifi | undefined> {
    const head = await this.documents.find(account);
    if (!head) return undefined;
    const parsed = (value: unknown): unknown =>
      typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    const where = { account, day: head.trading_day };
    const orders = await this.db
      .selectFrom('trader_qifi_order')
      .select(['order_id', 'body'])
      .where('account_cookie', '=', where.account)
      .where('trading_day', '=', where.day)
      .execute();
    const trades = await this.db
      .selectFrom('trader_qifi_trade')
      .select(['trade_id', 'body'])
      .where('account_cookie', '=', where.account)
      .where('trading_day', '=', where.day)
      .execute();
    return {
      ...head,
      orders: {
        ...head.orders,
        ...Object.fromEntries(orders.map((row) => [row.order_id, parsed(row.body)])),
      },
      trades: {
        ...head.trades,
        ...Object.fromEntries(trades.map((row) => [row.trade_id, parsed(row.body)])),
      },
    } as Qifi;
  }

  /** Trade ids already recorded for the account. */
  async knownTrades(account: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('trader_trade_outbox')
      .select('trade_id')
      .where('account_cookie', '=', account)
      .execute();
    return new Set(rows.map((row) => row.trade_id));
  }

  /** Records trades; returns those not recorded before (only they are to be published). */
  async recordTrades(account: string, trades: readonly QifiTrade[]): Promise<QifiTrade[]> {
    if (trades.length === 0) return [];
    const inserted = await this.db
      .insertInto('trader_trade_outbox')
      .values(
        trades.map((trade) => ({
          account_cookie: account,
          trade_id: trade.trade_id,
          body: JSON.stringify(trade),
          published_at: null,
        })),
      )
      .onConflict((conflict) => conflict.columns(['account_cookie', 'trade_id']).doNothing())
      .returning('trade_id')
      .execute();
    const fresh = new Set(inserted.map((row) => row.trade_id));
    return trades.filter((trade) => fresh.has(trade.trade_id));
  }

  /** Recorded trades not yet published (a crash between the two), oldest first. */
  async unpublished(account: string): Promise<QifiTrade[]> {
    const rows = await this.db
      .selectFrom('trader_trade_outbox')
      .select('body')
      .where('account_cookie', '=', account)
      .where('published_at', 'is', null)
      .execute();
    return rows
      .map((row) => (typeof row.body === 'string' ? JSON.parse(row.body) : row.body) as QifiTrade)
      .sort((a, b) => a.trade_date_time - b.trade_date_time || a.seqno - b.seqno);
  }

  async markPublished(account: string, tradeIds: readonly string[]): Promise<void> {
    if (tradeIds.length === 0) return;
    await this.db
      .updateTable('trader_trade_outbox')
      .set({ published_at: new Date() })
      .where('account_cookie', '=', account)
      .where('trade_id', 'in', [...tradeIds])
      .execute();
  }
}
