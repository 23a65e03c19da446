import { Kysely, Migration, sql } from 'kysely';
import { parseQifi, Qifi } from '@qautlra/qifi';

/** QIFI documents keyed by `account_cookie` (the original's MongoDB `QAREALTIME.account`), as JSONB. */
export interface QifiAccountTable {
  account_cookie: string;
  trading_day: string;
  document: unknown;
  updated_at: Date;
}

export interface QifiDatabase {
  qifi_account: QifiAccountTable;
}

export const QIFI_STORE_MIGRATIONS: Record<string, Migration> = {
  '0001_qifi_account': {
    up: async (db) => {
      await db.schema
        .createTable('qifi_account')
        .ifNotExists()
        .addColumn('account_cookie', 'text', (column) => column.primaryKey())
        .addColumn('trading_day', 'text', (column) => column.notNull())
        .addColumn('document', 'jsonb', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};

/** Repository of QIFI documents: upsert by account (as the original trader's sync), read back validated. */
export class QifiRepository {
  constructor(private readonly db: Kysely<QifiDatabase>) {}

  save(document: Qifi): Promise<void> {
    return this.saveText(document.account_cookie, document.trading_day, JSON.stringify(document));
  }

  /** Upserts a document already serialised (callers that write it to several places). */
  async saveText(accountCookie: string, tradingDay: string, text: string): Promise<void> {
    const row = {
      account_cookie: accountCookie,
      trading_day: tradingDay,
      document: text,
      updated_at: new Date(),
    };
    await this.db
      .insertInto('qifi_account')
      .values(row)
      .onConflict((conflict) =>
        conflict.column('account_cookie').doUpdateSet({
          trading_day: row.trading_day,
          document: row.document,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async find(accountCookie: string): Promise<Qifi | undefined> {
    const row = await this.db
      .selectFrom('qifi_account')
      .select('document')
      .where('account_cookie', '=', accountCookie)
      .executeTakeFirst();
    if (!row) return undefined;
    return parseQifi(typeof row.document === 'string' ? row.document : row.document);
  }
}
