import { Kysely, Migration, sql } from 'kysely';
import type { ImportedProduct, NavRecord } from '../import/nav-import';

interface ProductTable {
  code: string;
  name: string;
  source: string;
  updated_at: Date;
}

interface NavTable {
  code: string;
  date: string;
  unit_nav: number;
  acc_nav: number | null;
  adj_nav: number | null;
}

export interface FundDatabase {
  fund_product: ProductTable;
  fund_nav: NavTable;
}

export const FUND_MIGRATIONS: Record<string, Migration> = {
  '0001_fund': {
    up: async (db) => {
      await db.schema
        .createTable('fund_product')
        .ifNotExists()
        .addColumn('code', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('fund_nav')
        .ifNotExists()
        .addColumn('code', 'text', (column) => column.notNull().references('fund_product.code'))
        .addColumn('date', 'text', (column) => column.notNull())
        .addColumn('unit_nav', 'float8', (column) => column.notNull())
        .addColumn('acc_nav', 'float8')
        .addColumn('adj_nav', 'float8')
        .addPrimaryKeyConstraint('fund_nav_pk', ['code', 'date'])
        .execute();
    },
  },
};

export interface ProductChange {
  code: string;
  name: string;
  /** The product is new. */
  created: boolean;
  added: number;
  changed: number;
  unchanged: number;
}

export interface ProductSummary {
  code: string;
  name: string;
  points: number;
  first: string | null;
  last: string | null;
}

const same = (a: number | null | undefined, b: number | null | undefined) =>
  (a ?? null) === (b ?? null);

/** Products and their NAV series (PostgreSQL or PGlite). */
export class FundStore {
  constructor(private readonly db: Kysely<FundDatabase>) {}

  /**
   * What importing `products` changes (new products, added / changed / unchanged points); with
   * `apply`, writes it in one transaction. Importing the same data again changes nothing.
   */
  async importProducts(
    products: readonly ImportedProduct[],
    apply: boolean,
  ): Promise<ProductChange[]> {
    const run = async (db: Kysely<FundDatabase>) => {
      const changes: ProductChange[] = [];
      for (const product of products) {
        const existing = await db
          .selectFrom('fund_product')
          .select(['code'])
          .where('code', '=', product.code)
          .executeTakeFirst();
        const stored = new Map(
          (
            await db.selectFrom('fund_nav').selectAll().where('code', '=', product.code).execute()
          ).map((row) => [row.date, row]),
        );
        const change: ProductChange = {
          code: product.code,
          name: product.name,
          created: !existing,
          added: 0,
          changed: 0,
          unchanged: 0,
        };
        const writes: NavRecord[] = [];
        for (const point of product.points) {
          const row = stored.get(point.date);
          if (!row) change.added += 1;
          else if (
            same(row.unit_nav, point.unitNav) &&
            same(row.acc_nav, point.accNav) &&
            same(row.adj_nav, point.adjNav)
          ) {
            change.unchanged += 1;
            continue;
          } else change.changed += 1;
          writes.push(point);
        }
        changes.push(change);
        if (!apply) continue;
        await db
          .insertInto('fund_product')
          .values({
            code: product.code,
            name: product.name,
            source: product.source,
            updated_at: new Date(),
          })
          .onConflict((conflict) =>
            conflict
              .column('code')
              .doUpdateSet({ name: product.name, source: product.source, updated_at: new Date() }),
          )
          .execute();
        for (let i = 0; i < writes.length; i += 1000) {
          const chunk = writes.slice(i, i + 1000).map((point) => ({
            code: product.code,
            date: point.date,
            unit_nav: point.unitNav,
            acc_nav: point.accNav ?? null,
            adj_nav: point.adjNav ?? null,
          }));
          await db
            .insertInto('fund_nav')
            .values(chunk)
            .onConflict((conflict) =>
              conflict.columns(['code', 'date']).doUpdateSet((eb) => ({
                unit_nav: eb.ref('excluded.unit_nav'),
                acc_nav: eb.ref('excluded.acc_nav'),
                adj_nav: eb.ref('excluded.adj_nav'),
              })),
            )
            .execute();
        }
      }
      return changes;
    };
    return apply ? this.db.transaction().execute((trx) => run(trx)) : run(this.db);
  }

  async listProducts(search?: string): Promise<ProductSummary[]> {
    let query = this.db
      .selectFrom('fund_product as p')
      .leftJoin('fund_nav as n', 'n.code', 'p.code')
      .select((eb) => [
        'p.code',
        'p.name',
        eb.fn.count<string>('n.date').as('points'),
        eb.fn.min('n.date').as('first'),
        eb.fn.max('n.date').as('last'),
      ])
      .groupBy(['p.code', 'p.name'])
      .orderBy('p.code');
    if (search) {
      const like = `%${search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([eb('p.code', 'ilike', like), eb('p.name', 'ilike', like)]),
      );
    }
    const rows = await query.execute();
    return rows.map((row) => ({
      code: row.code,
      name: row.name,
      points: Number(row.points),
      first: row.first ?? null,
      last: row.last ?? null,
    }));
  }

  async product(code: string): Promise<{ code: string; name: string } | undefined> {
    return this.db
      .selectFrom('fund_product')
      .select(['code', 'name'])
      .where('code', '=', code)
      .executeTakeFirst();
  }

  async nav(code: string, start?: string, end?: string): Promise<NavRecord[]> {
    let query = this.db.selectFrom('fund_nav').selectAll().where('code', '=', code).orderBy('date');
    if (start) query = query.where('date', '>=', start);
    if (end) query = query.where('date', '<=', end);
    return (await query.execute()).map((row) => ({
      date: row.date,
      unitNav: row.unit_nav,
      ...(row.acc_nav !== null ? { accNav: row.acc_nav } : {}),
      ...(row.adj_nav !== null ? { adjNav: row.adj_nav } : {}),
    }));
  }
}
