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

export interface TraderDatabase extends QifiDatabase {
  trader_qifi_daily: QifiDailyTable;
  trader_trade_outbox: TradeOutboxTable;
}

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
   * Upserts the document, and with `daily` also the day's snapshot (same transaction). Callers
   * write the snapshot less often than the document: it only has to hold each day's last state.
   */
  async saveDocument(document: Qifi, daily = true): Promise<void> {
    const text = JSON.stringify(document);
    if (!daily || !document.trading_day) {
      await this.documents.saveText(document.account_cookie, document.trading_day, text);
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      await new QifiRepository(qifiView(trx)).saveText(
        document.account_cookie,
        document.trading_day,
        text,
      );
      await upsertDaily(trx, document.account_cookie, document.trading_day, text);
    });
  }

  /** Writes one day's snapshot (the last state of a day that just ended). */
  saveDaily(account: string, tradingDay: string, text: string): Promise<void> {
    return upsertDaily(this.db, account, tradingDay, text);
  }

  findDocument(account: string): Promise<Qifi | undefined> {
    return this.documents.find(account);
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
