import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseHandle, HealthRegistry, openAppDatabase } from '@qautlra/platform';
import type { QifiTrade } from '@qautlra/qifi';
import type { TraderConfig } from './config';
import {
  AmqpEventSink,
  InProcessEventSink,
  TraderEvent,
  TraderEventSink,
} from './events/trader-events';
import { TRADER_MIGRATIONS, TraderDatabase, TraderStore } from './store/trader-store';
import { TRADER_CONFIG, TRADER_DATABASE, TRADER_EVENT_SINK } from './tokens';

/** Recent events and trades per account, for `GET /api/accounts/:account/events`. */
const RECENT = 200;

/** The last events and trades of each account (what the REST status shows). */
@Injectable()
export class RecentActivity {
  private readonly recent = new Map<string, { events: TraderEvent[]; trades: QifiTrade[] }>();

  remember(account: string, kind: 'events' | 'trades', value: TraderEvent | QifiTrade): void {
    let recent = this.recent.get(account);
    if (!recent) this.recent.set(account, (recent = { events: [], trades: [] }));
    const list = recent[kind] as unknown[];
    list.push(value);
    if (list.length > RECENT) list.splice(0, list.length - RECENT);
  }

  of(account: string): { events: TraderEvent[]; trades: QifiTrade[] } {
    return this.recent.get(account) ?? { events: [], trades: [] };
  }
}

/** Closes the event sink, then the database, once the accounts and intakes have stopped. */
@Injectable()
class InfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(TRADER_EVENT_SINK) private readonly sink: TraderEventSink,
    @Inject(TRADER_DATABASE) private readonly database: DatabaseHandle<TraderDatabase>,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sink.close();
    await this.database.close();
  }
}

/**
 * What the trader stands on, each chosen by the configuration through a factory provider: the QIFI
 * database (PostgreSQL with `database_ip`/`DATABASE_URL`, else PGlite) and its store, and where
 * trades and events go (RabbitMQ `QATRANSACTION`/`QATRADER_EVENT` with `eventmq_ip`/`AMQP_URL`,
 * else in process).
 */
@Global()
@Module({
  providers: [
    RecentActivity,
    {
      provide: TRADER_DATABASE,
      inject: [TRADER_CONFIG, HealthRegistry],
      useFactory: (config: TraderConfig, health: HealthRegistry) =>
        openAppDatabase<TraderDatabase>({
          url: config.databaseUrl,
          dataDir: config.dataDir,
          migrations: TRADER_MIGRATIONS,
          migrationTable: 'trader_migration',
          health,
        }),
    },
    {
      provide: TraderStore,
      inject: [TRADER_DATABASE],
      useFactory: (database: DatabaseHandle<TraderDatabase>) => new TraderStore(database.db),
    },
    {
      provide: TRADER_EVENT_SINK,
      inject: [TRADER_CONFIG, HealthRegistry, RecentActivity],
      useFactory: async (
        config: TraderConfig,
        health: HealthRegistry,
        recent: RecentActivity,
      ): Promise<TraderEventSink> => {
        if (!config.amqpUrl) {
          const sink = new InProcessEventSink();
          sink.onTrade((account, trade) => recent.remember(account, 'trades', trade));
          return sink;
        }
        const logger = new Logger('trader');
        const sink = new AmqpEventSink(config.amqpUrl, (message) => logger.warn(message));
        await sink.start();
        health.register('rabbitmq', () => {
          if (!sink.connected) throw new Error('RabbitMQ is not connected (reconnecting)');
        });
        return sink;
      },
    },
    InfraShutdown,
  ],
  exports: [RecentActivity, TRADER_DATABASE, TraderStore, TRADER_EVENT_SINK],
})
export class TraderInfraModule {}
