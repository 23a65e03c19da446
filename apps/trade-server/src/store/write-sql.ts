import type { TradeBankTable } from './trade-store';

/** The rows of one write statement (documents as objects: each table's rows travel as one jsonb array). */
export interface WriteRows {
  states: { account_cookie: string; trading_day: string; document: unknown }[];
  orders: {
    account_cookie: string;
    trading_day: string;
    order_id: string;
    status: string;
    document: unknown;
  }[];
  trades: {
    account_cookie: string;
    trading_day: string;
    trade_id: string;
    order_id: string;
    document: unknown;
  }[];
  settlements: { account_cookie: string; trading_day: string; content: string }[];
  banks: TradeBankTable[];
}

/**
 * Every table's upsert in one statement whose text never changes: each table's rows are one jsonb
 * array parameter ($1–$5, an empty array writes nothing), the write time is $6. Data-modifying CTEs
 * run to completion whether or not the outer query reads them. Building it costs one
 * `JSON.stringify` per table — no query builder walks the rows, and PostgreSQL parses one jsonb
 * value per table instead of five parameters per row.
 */
export const WRITE_SQL = `WITH
  states AS (
    INSERT INTO trade_account_state (account_cookie, trading_day, document, updated_at)
    SELECT r.account_cookie, r.trading_day, r.document, $6::timestamptz
    FROM jsonb_to_recordset($1::jsonb) AS r(account_cookie text, trading_day text, document jsonb)
    ON CONFLICT (account_cookie) DO UPDATE SET trading_day = excluded.trading_day,
      document = excluded.document, updated_at = excluded.updated_at
    RETURNING 1),
  orders AS (
    INSERT INTO trade_order (account_cookie, trading_day, order_id, status, document, updated_at)
    SELECT r.account_cookie, r.trading_day, r.order_id, r.status, r.document, $6::timestamptz
    FROM jsonb_to_recordset($2::jsonb)
      AS r(account_cookie text, trading_day text, order_id text, status text, document jsonb)
    ON CONFLICT (account_cookie, trading_day, order_id) DO UPDATE SET status = excluded.status,
      document = excluded.document, updated_at = excluded.updated_at
    RETURNING 1),
  trades AS (
    INSERT INTO trade_trade (account_cookie, trading_day, trade_id, order_id, document)
    SELECT r.account_cookie, r.trading_day, r.trade_id, r.order_id, r.document
    FROM jsonb_to_recordset($3::jsonb)
      AS r(account_cookie text, trading_day text, trade_id text, order_id text, document jsonb)
    ON CONFLICT (account_cookie, trading_day, trade_id) DO NOTHING
    RETURNING 1),
  settlements AS (
    INSERT INTO trade_settlement (account_cookie, trading_day, content)
    SELECT r.account_cookie, r.trading_day, r.content
    FROM jsonb_to_recordset($4::jsonb) AS r(account_cookie text, trading_day text, content text)
    ON CONFLICT (account_cookie, trading_day) DO UPDATE SET content = excluded.content
    RETURNING 1),
  banks AS (
    INSERT INTO trade_bank (account_cookie, bank_id, bank_name, balance, password)
    SELECT r.account_cookie, r.bank_id, r.bank_name, r.balance, r.password
    FROM jsonb_to_recordset($5::jsonb)
      AS r(account_cookie text, bank_id text, bank_name text, balance double precision, password text)
    ON CONFLICT (account_cookie, bank_id) DO UPDATE SET balance = excluded.balance
    RETURNING 1)
SELECT 1`;

/** The name {@link WRITE_SQL} is prepared under on a PostgreSQL connection. */
export const WRITE_STATEMENT = 'trade_store_write';

/** The parameters of {@link WRITE_SQL} for one chunk of rows written at `at`. */
export function writeParameters(rows: WriteRows, at: Date): string[] {
  return [
    JSON.stringify(rows.states),
    JSON.stringify(rows.orders),
    JSON.stringify(rows.trades),
    JSON.stringify(rows.settlements),
    JSON.stringify(rows.banks),
    at.toISOString(),
  ];
}
