import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import { createRedis, DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import type { QifiTrade } from '@qautlra/qifi';
import { Done, SubmitResult, TraderAccount } from './account/trader-account';
import type { TraderConfig } from './config';
import {
  AmqpEventSink,
  InProcessEventSink,
  TraderEvent,
  TraderEventSink,
} from './events/trader-events';
import { AmqpIntake, DeliveryHandler } from './intake/amqp-intake';
import type { TraderCommand } from './intake/mq-message';
import { TRADER_MIGRATIONS, TraderDatabase, TraderStore } from './store/trader-store';
import { TRADER_CONFIG } from './tokens';

/** Recent events and trades per account, for `GET /api/accounts/:account/events`. */
const RECENT = 200;

/** A REST or BullMQ body without `topic` is an order (`sendorder`). */
export function withDefaultTopic(body: unknown): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !('topic' in body)
    ? { topic: 'sendorder', ...body }
    : body;
}

/** The BullMQ intake queue of an account. */
export const bullQueueOf = (account: string) => `trader-${account}`;

/**
 * The trader process: one `TraderAccount` per configured account, fed by RabbitMQ (`QAORDER_ROUTER`),
 * BullMQ (`trader-<account>`, with `REDIS_URL`) and REST; QIFI in PostgreSQL or PGlite; trades and
 * events on RabbitMQ or in process.
 */
@Injectable()
export class TraderService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('trader');
  private handle?: DatabaseHandle<TraderDatabase>;
  private sink!: TraderEventSink;
  private intake?: AmqpIntake;
  private readonly accounts = new Map<string, TraderAccount>();
  private readonly bull: { queue: Queue; worker: Worker; connections: Redis[] }[] = [];
  private readonly recent = new Map<string, { events: TraderEvent[]; trades: QifiTrade[] }>();
  private readonly metrics;

  constructor(
    @Inject(TRADER_CONFIG) private readonly config: TraderConfig,
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
    const config = this.config;
    this.handle = await openAppDatabase<TraderDatabase>({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      migrations: TRADER_MIGRATIONS,
      migrationTable: 'trader_migration',
      health: this.health,
    });
    const db = this.handle.db;
    const store = new TraderStore(db);
    if (config.amqpUrl) {
      const sink = new AmqpEventSink(config.amqpUrl, (message) => this.logger.warn(message));
      await sink.start();
      this.sink = sink;
      this.health.register('rabbitmq', () => {
        if (!sink.connected) throw new Error('RabbitMQ is not connected (reconnecting)');
      });
    } else {
      const sink = new InProcessEventSink();
      sink.onTrade((account, trade) => this.remember(account, 'trades', trade));
      this.sink = sink;
    }
    const sink = () => this.sink;
    for (const accountConfig of config.accounts) {
      const account = new TraderAccount({
        config: accountConfig,
        store,
        events: {
          publishTrade: (name, trade) => this.sink.publishTrade(name, trade),
          publishEvent: (event) => {
            this.remember(event.account_cookie, 'events', event);
            this.sink.publishEvent(event);
          },
          get connected() {
            return sink().connected;
          },
          close: () => Promise.resolve(),
        },
        amqpUrl: config.amqpUrl,
        databaseUrl: config.databaseUrl,
        orderTimeoutMs: config.orderTimeoutMs,
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
    if (config.amqpUrl) {
      const handlers = new Map<string, DeliveryHandler>();
      for (const [name, account] of this.accounts)
        handlers.set(name, (delivery) =>
          account.submit(delivery.body, () => delivery.ack(), { messageId: delivery.messageId }),
        );
      const intake = new AmqpIntake(config.amqpUrl, handlers);
      await intake.start();
      this.intake = intake;
      this.health.register('order-intake', () => {
        if (intake.state !== 'consuming')
          throw new Error(
            `RabbitMQ intake is ${intake.state}${intake.lastError ? `: ${intake.lastError}` : ''}`,
          );
      });
    }
    if (config.redisUrl) {
      const redisUrl = config.redisUrl;
      for (const [name, account] of this.accounts) {
        const queueConnection = createRedis(redisUrl, `trader-${name}-queue`);
        const workerConnection = createRedis(redisUrl, `trader-${name}-worker`);
        const queue = new Queue(bullQueueOf(name), {
          connection: queueConnection,
          defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 1000 },
        });
        const worker = new Worker(
          bullQueueOf(name),
          (job) =>
            new Promise<SubmitResult>((resolve) =>
              account.submit(withDefaultTopic(job.data), resolve),
            ).then((result) => {
              if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
              return result;
            }),
          { connection: workerConnection, concurrency: 256 },
        );
        worker.on('error', (error) => this.logger.warn(`bullmq ${name}: ${error.message}`));
        this.bull.push({ queue, worker, connections: [queueConnection, workerConnection] });
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { worker, queue, connections } of this.bull) {
      await worker.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      for (const connection of connections) connection.disconnect();
    }
    await this.intake?.close();
    for (const account of this.accounts.values()) await account.stop();
    await this.sink?.close();
    await this.handle?.close();
  }

  private remember(
    account: string,
    kind: 'events' | 'trades',
    value: TraderEvent | QifiTrade,
  ): void {
    let recent = this.recent.get(account);
    if (!recent) this.recent.set(account, (recent = { events: [], trades: [] }));
    const list = recent[kind] as unknown[];
    list.push(value);
    if (list.length > RECENT) list.splice(0, list.length - RECENT);
  }

  account(name: string): TraderAccount | undefined {
    return this.accounts.get(name);
  }

  accountNames(): string[] {
    return [...this.accounts.keys()];
  }

  recentOf(account: string): { events: TraderEvent[]; trades: QifiTrade[] } {
    return this.recent.get(account) ?? { events: [], trades: [] };
  }

  /** Submits a REST command and waits for its outcome. */
  submit(account: TraderAccount, command: TraderCommand): Promise<SubmitResult> {
    return new Promise((resolve) => {
      const done: Done = resolve;
      account.submitCommand(command, done);
    });
  }

  status() {
    return {
      intake: {
        amqp: this.config.amqpUrl
          ? { state: this.intake?.state ?? 'connecting', last_error: this.intake?.lastError }
          : 'off (no eventmq_ip / AMQP_URL: REST and in-process only)',
        bullmq: this.config.redisUrl ? this.accountNames().map(bullQueueOf) : 'off (no REDIS_URL)',
        rest: 'POST /api/orders',
      },
      events: this.config.amqpUrl
        ? { transport: 'rabbitmq', connected: this.sink.connected }
        : { transport: 'in-process' },
      database: this.handle?.kind,
      accounts: [...this.accounts.values()].map((account) => account.status()),
    };
  }
}
