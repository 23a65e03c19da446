import { Generated, Kysely, Migration, sql } from 'kysely';

/** What a rule watches. */
export type AlertKind =
  | 'risk_ratio'
  | 'drawdown'
  | 'drawdown_ratio'
  | 'loss'
  | 'position'
  | 'factor_above'
  | 'factor_below';

export const ALERT_KINDS: readonly AlertKind[] = [
  'risk_ratio',
  'drawdown',
  'drawdown_ratio',
  'loss',
  'position',
  'factor_above',
  'factor_below',
];

interface RuleTable {
  id: string;
  account: string;
  user_name: string;
  kind: AlertKind;
  threshold: number;
  /** `position`: the instrument (all positions when null); factor rules: the factor room. */
  target: string | null;
  webhook: string | null;
  created_at: Generated<Date>;
}

interface EventTable {
  id: string;
  rule_id: string;
  account: string;
  kind: AlertKind;
  value: number;
  threshold: number;
  message: string;
  at: Date;
}

export interface AlertDatabase {
  realtime_alert_rule: RuleTable;
  realtime_alert_event: EventTable;
}

export const ALERT_MIGRATIONS: Record<string, Migration> = {
  '0001_alerts': {
    up: async (db) => {
      await db.schema
        .createTable('realtime_alert_rule')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('account', 'text', (column) => column.notNull())
        .addColumn('user_name', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('threshold', 'double precision', (column) => column.notNull())
        .addColumn('target', 'text')
        .addColumn('webhook', 'text')
        .addColumn('created_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema
        .createTable('realtime_alert_event')
        .ifNotExists()
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('rule_id', 'text', (column) => column.notNull())
        .addColumn('account', 'text', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('value', 'double precision', (column) => column.notNull())
        .addColumn('threshold', 'double precision', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('at', 'timestamptz', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('realtime_alert_event_account')
        .ifNotExists()
        .on('realtime_alert_event')
        .columns(['account', 'at'])
        .execute();
    },
  },
};

export type AlertRule = Omit<RuleTable, 'created_at'> & { created_at?: Date };
export type AlertEvent = EventTable;

/** Events kept per account (older ones are pruned). */
const KEPT_EVENTS = 1_000;

/** Alert rules and the alerts they raised (the only code here that runs SQL). */
export class AlertStore {
  constructor(private readonly db: Kysely<AlertDatabase>) {}

  async addRule(rule: AlertRule): Promise<void> {
    await this.db.insertInto('realtime_alert_rule').values(rule).execute();
  }

  async deleteRule(id: string, account: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('realtime_alert_rule')
      .where('id', '=', id)
      .where('account', '=', account)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  rules(account?: string): Promise<AlertRule[]> {
    let query = this.db.selectFrom('realtime_alert_rule').selectAll().orderBy('created_at');
    if (account !== undefined) query = query.where('account', '=', account);
    return query.execute();
  }

  async countRules(account: string): Promise<number> {
    const row = await this.db
      .selectFrom('realtime_alert_rule')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account', '=', account)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async record(event: AlertEvent): Promise<void> {
    await this.db.insertInto('realtime_alert_event').values(event).execute();
    const old = await this.db
      .selectFrom('realtime_alert_event')
      .select('id')
      .where('account', '=', event.account)
      .orderBy('at', 'desc')
      .offset(KEPT_EVENTS)
      .limit(100)
      .execute();
    if (old.length > 0)
      await this.db
        .deleteFrom('realtime_alert_event')
        .where(
          'id',
          'in',
          old.map((row) => row.id),
        )
        .execute();
  }

  events(account: string, limit: number): Promise<AlertEvent[]> {
    return this.db
      .selectFrom('realtime_alert_event')
      .selectAll()
      .where('account', '=', account)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
  }
}
