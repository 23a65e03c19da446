import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { HealthRegistry } from '@qautlra/platform';
import type { QifiTrade } from '@qautlra/qifi';
import type { TraderConfig } from '../config';
import type { TraderEvent, TraderEventSink } from '../events/trader-events';
import { RecentActivity } from '../infra.module';
import type { TraderCommand } from '../intake/mq-message';
import { TraderStore } from '../store/trader-store';
import { TRADER_CONFIG, TRADER_EVENT_SINK } from '../tokens';
import { Done, SubmitResult, TraderAccount } from './trader-account';

/**
 * The trader's accounts: one `TraderAccount` per configured account (its DIFF session, risk
 * checks, QIFI document), started with the app, with their metrics and health checks. The intakes
 * (REST, RabbitMQ, BullMQ) hand them commands.
 */
@Injectable()
export class TraderAccounts implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('trader');
  private readonly accounts = new Map<string, TraderAccount>();
  private readonly metrics;

  constructor(
    @Inject(TRADER_CONFIG) private readonly config: TraderConfig,
    @Inject(TRADER_EVENT_SINK) private readonly sink: TraderEventSink,
    private readonly store: TraderStore,
    private readonly recent: RecentActivity,
    private readonly health: HealthRegistry,
    registry: Registry,
  ) {
    const accounts = this.accounts;
    const each = (read: (account: TraderAccount) => number) =>
      function (this: Gauge) {
        for (const account of accounts.values())
          this.set({ account: account.account }, read(account));
      };
    this.metrics = {
      connected: new Gauge({
        name: 'trader_session_connected',
        help: '1 while the account is logged in to the trade server',
        labelNames: ['account'],
        registers: [registry],
        collect: each((account) => (account.session.ready ? 1 : 0)),
      }),
      reconnects: new Gauge({
        name: 'trader_session_reconnects',
        help: 'Connections to the trade server lost since start',
        labelNames: ['account'],
        registers: [registry],
        collect: each((account) => account.session.snapshot().reconnects),
      }),
      unconfirmed: new Gauge({
        name: 'trader_orders_unconfirmed',
        help: 'Orders sent (or waiting to be sent) that the trade server has not shown yet',
        labelNames: ['account'],
        registers: [registry],
        collect: each((account) => account.status().unconfirmed_orders),
      }),
      refused: new Counter({
        name: 'trader_commands_refused_total',
        help: 'Intake commands refused (bad message, risk rule, not confirmed)',
        labelNames: ['account', 'code'],
        registers: [registry],
      }),
      confirmed: new Histogram({
        name: 'trader_order_confirm_seconds',
        help: 'Intake → the trade server showing the order',
        labelNames: ['account'],
        buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        registers: [registry],
      }),
      trades: new Counter({
        name: 'trader_trades_published_total',
        help: 'Trades published on QATRANSACTION (or the in-process bus)',
        labelNames: ['account'],
        registers: [registry],
      }),
    };
  }

  async onModuleInit(): Promise<void> {
    const sink = this.sink;
    for (const accountConfig of this.config.accounts) {
      const account = new TraderAccount({
        config: accountConfig,
        store: this.store,
        events: {
          publishTrade: (name, trade) => sink.publishTrade(name, trade),
          publishEvent: (event) => {
            this.recent.remember(event.account_cookie, 'events', event);
            sink.publishEvent(event);
          },
          get connected() {
            return sink.connected;
          },
          close: () => Promise.resolve(),
        },
        amqpUrl: this.config.amqpUrl,
        databaseUrl: this.config.databaseUrl,
        orderTimeoutMs: this.config.orderTimeoutMs,
        log: (level, message) =>
          level === 'info'
            ? this.logger.log(message)
            : level === 'warn'
              ? this.logger.warn(message)
              : this.logger.error(message),
        onOrderConfirmed: (name, ms) =>
          this.metrics.confirmed.observe({ account: name }, ms / 1000),
        onRefused: (name, code) => this.metrics.refused.inc({ account: name, code }),
        onTradePublished: (name) => this.metrics.trades.inc({ account: name }),
      });
      this.accounts.set(accountConfig.account, account);
      this.health.register(`session:${accountConfig.account}`, () => {
        const state = account.session.state;
        if (state !== 'ready') throw new Error(`trade server session is ${state}`);
      });
    }
    for (const account of this.accounts.values()) await account.start();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const account of this.accounts.values()) await account.stop();
  }

  account(name: string): TraderAccount | undefined {
    return this.accounts.get(name);
  }

  accountNames(): string[] {
    return [...this.accounts.keys()];
  }

  all(): TraderAccount[] {
    return [...this.accounts.values()];
  }

  recentOf(account: string): { events: TraderEvent[]; trades: QifiTrade[] } {
    return this.recent.of(account);
  }

  /** Submits a REST command and waits for its outcome. */
  submit(account: TraderAccount, command: TraderCommand): Promise<SubmitResult> {
    return new Promise((resolve) => {
      const done: Done = resolve;
      account.submitCommand(command, done);
    });
  }
}
