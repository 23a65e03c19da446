import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { JsonObject } from '@qautlra/diff';
import { DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import { randomUUID } from 'node:crypto';
import type { AccountBook, MonitoredAccountFields } from '../accounts/account-book';
import type { RealtimeConfig } from '../config';
import { REALTIME_CONFIG } from '../tokens';
import {
  ALERT_MIGRATIONS,
  AlertDatabase,
  AlertEvent,
  AlertKind,
  AlertRule,
  AlertStore,
} from './alert-store';

/** Alerts kept per account in its room. */
const RECENT = 20;
/** Rules per account at most. */
export const MAX_RULES_PER_ACCOUNT = 100;
/** Webhook calls in flight at most (more are dropped, and logged). */
const MAX_WEBHOOKS_IN_FLIGHT = 16;

const describe: Record<AlertKind, (value: number, threshold: number, target?: string) => string> = {
  risk_ratio: (v, t) => `risk ratio ${v.toFixed(4)} ≥ ${t}`,
  drawdown: (v, t) => `drawdown from the day's peak ${v.toFixed(2)} ≥ ${t}`,
  drawdown_ratio: (v, t) => `drawdown from the day's peak ${(v * 100).toFixed(2)} % ≥ ${t * 100} %`,
  loss: (v, t) => `day loss ${v.toFixed(2)} ≥ ${t}`,
  position: (v, t, target) => `position ${target ?? '(all)'} ${v} lots ≥ ${t}`,
  factor_above: (v, t, target) => `${target} ${v} crossed above ${t}`,
  factor_below: (v, t, target) => `${target} ${v} crossed below ${t}`,
};

/** An alert as the room, the API and a webhook carry it. */
export function wireEvent(event: AlertEvent): JsonObject {
  return { ...event, at: event.at.toISOString() };
}

/**
 * Alert rules per account — risk ratio ≥ x, drawdown (money or ratio) ≥ y, day loss ≥ z, lots held
 * ≥ n, a factor crossing a level — checked by the leader on every push of the account's figures
 * (factor rules every second on the factor room's value). A rule fires when its condition becomes
 * true and again only after it was false: recorded, pushed to the account's room (`alerts`), and
 * POSTed as JSON to the rule's webhook when it has one.
 */
@Injectable()
export class AlertService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('realtime-alerts');
  private handle?: DatabaseHandle<AlertDatabase>;
  private store?: AlertStore;
  private rulesByAccount = new Map<string, AlertRule[]>();
  /** Rules whose condition holds now (they fire again only after it stops). */
  private readonly active = new Set<string>();
  private readonly recent = new Map<string, AlertEvent[]>();
  private timer?: NodeJS.Timeout;
  private webhooksInFlight = 0;
  /** Set by the app: a factor room's value now, and where an alert goes out to a room. */
  factorValue: (room: string) => number | undefined = () => undefined;
  push: (account: string, patch: JsonObject) => void = () => undefined;

  constructor(
    @Inject(REALTIME_CONFIG) private readonly config: RealtimeConfig,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.handle = await openAppDatabase<AlertDatabase>({
      url: this.config.databaseUrl,
      dataDir: this.config.dataDir,
      migrations: ALERT_MIGRATIONS,
      migrationTable: 'realtime_migration',
      health: this.health,
    });
    this.store = new AlertStore(this.handle.db);
    await this.reload();
    // Rules added on other instances (one PostgreSQL) come in here within seconds.
    this.timer = setInterval(() => {
      void this.reload().catch((error: Error) =>
        this.logger.warn(`alert rules not reloaded: ${error.message}`),
      );
      this.checkFactors();
    }, 1_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.handle?.close();
  }

  private get db(): AlertStore {
    if (!this.store) throw new Error('alert store not open');
    return this.store;
  }

  async addRule(rule: Omit<AlertRule, 'id'>): Promise<AlertRule> {
    if ((await this.db.countRules(rule.account)) >= MAX_RULES_PER_ACCOUNT)
      throw new RangeError(`an account has at most ${MAX_RULES_PER_ACCOUNT} alert rules`);
    const saved: AlertRule = { ...rule, id: randomUUID() };
    await this.db.addRule(saved);
    await this.reload();
    return saved;
  }

  async deleteRule(id: string, account: string): Promise<boolean> {
    const deleted = await this.db.deleteRule(id, account);
    this.active.delete(id);
    await this.reload();
    return deleted;
  }

  rules(account: string): Promise<AlertRule[]> {
    return this.db.rules(account);
  }

  events(account: string, limit = 100): Promise<AlertEvent[]> {
    return this.db.events(account, limit);
  }

  /** Whether the account has rules on its figures (then they are computed every push interval). */
  hasRules(account: string): boolean {
    return (this.rulesByAccount.get(account) ?? []).some(
      (rule) => rule.kind !== 'factor_above' && rule.kind !== 'factor_below',
    );
  }

  /** The account's latest alerts for its room's state. */
  recentOf(account: string): JsonObject {
    return Object.fromEntries(
      (this.recent.get(account) ?? []).map((event) => [event.id, wireEvent(event)]),
    );
  }

  /** The leader's check after each push of an account's figures. */
  check(account: string, _user: string, figures: MonitoredAccountFields, book: AccountBook): void {
    for (const rule of this.rulesByAccount.get(account) ?? []) {
      let value: number;
      switch (rule.kind) {
        case 'risk_ratio':
          value = figures.risk_ratio;
          break;
        case 'drawdown':
          value = figures.drawdown;
          break;
        case 'drawdown_ratio':
          value = figures.drawdown_ratio;
          break;
        case 'loss':
          value = -figures.day_pnl;
          break;
        case 'position':
          value = 0;
          for (const [key, { position }] of book.held)
            if (!rule.target || rule.target === key)
              value +=
                position.long.today.volume +
                position.long.his.volume +
                position.short.today.volume +
                position.short.his.volume;
          break;
        case 'factor_above':
        case 'factor_below':
          continue;
      }
      this.judge(rule, value, value >= rule.threshold);
    }
  }

  private checkFactors(): void {
    for (const rules of this.rulesByAccount.values())
      for (const rule of rules) {
        if (rule.kind !== 'factor_above' && rule.kind !== 'factor_below') continue;
        const value = rule.target ? this.factorValue(rule.target) : undefined;
        if (value === undefined) continue;
        this.judge(
          rule,
          value,
          rule.kind === 'factor_above' ? value > rule.threshold : value < rule.threshold,
        );
      }
  }

  /** The rooms factor rules watch (the leader keeps them computed). */
  factorRooms(): string[] {
    const rooms = new Set<string>();
    for (const rules of this.rulesByAccount.values())
      for (const rule of rules)
        if ((rule.kind === 'factor_above' || rule.kind === 'factor_below') && rule.target)
          rooms.add(rule.target);
    return [...rooms];
  }

  private judge(rule: AlertRule, value: number, holds: boolean): void {
    if (!holds) {
      this.active.delete(rule.id);
      return;
    }
    if (this.active.has(rule.id)) return;
    this.active.add(rule.id);
    const event: AlertEvent = {
      id: randomUUID(),
      rule_id: rule.id,
      account: rule.account,
      kind: rule.kind,
      value,
      threshold: rule.threshold,
      message: `${rule.account}: ${describe[rule.kind](value, rule.threshold, rule.target ?? undefined)}`,
      at: new Date(),
    };
    const recent = this.recent.get(rule.account) ?? [];
    recent.push(event);
    const dropped = recent.length > RECENT ? recent.splice(0, recent.length - RECENT) : [];
    this.recent.set(rule.account, recent);
    this.push(rule.account, {
      alerts: {
        ...Object.fromEntries(dropped.map((old) => [old.id, null])),
        [event.id]: wireEvent(event),
      },
    });
    void this.db
      .record(event)
      .catch((error: Error) => this.logger.error(`alert not recorded: ${error.message}`));
    if (rule.webhook) this.callWebhook(rule.webhook, event);
  }

  private callWebhook(url: string, event: AlertEvent): void {
    if (this.webhooksInFlight >= MAX_WEBHOOKS_IN_FLIGHT) {
      this.logger.warn(`webhook ${url} not called for ${event.id}: too many calls in flight`);
      return;
    }
    this.webhooksInFlight += 1;
    void fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(wireEvent(event)),
      signal: AbortSignal.timeout(5_000),
      redirect: 'manual',
    })
      .then((response) => {
        if (!response.ok) this.logger.warn(`webhook ${url} answered ${response.status}`);
        return response.body?.cancel();
      })
      .catch((error: Error) => this.logger.warn(`webhook ${url} failed: ${error.message}`))
      .finally(() => (this.webhooksInFlight -= 1));
  }

  private async reload(): Promise<void> {
    if (!this.store) return;
    const byAccount = new Map<string, AlertRule[]>();
    for (const rule of await this.store.rules()) {
      const list = byAccount.get(rule.account) ?? [];
      list.push(rule);
      byAccount.set(rule.account, list);
    }
    this.rulesByAccount = byAccount;
  }
}
