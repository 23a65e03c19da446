import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DatabaseHandle, HealthRegistry } from '@qautlra/platform';
import type { Kysely } from 'kysely';
import { ApiKeyRepository } from './auth/api-key.repository';
import { TradeUserDatabase, UserRepository } from './auth/user.repository';
import { createTransport, TradeTransport } from './bus/transport';
import type { TradeServerConfig } from './config';
import { AccountHub } from './accounts/account-hub';
import { openTradeDatabase, TradeStore, TradeStoreDatabase } from './store/trade-store';
import { TRADE_DATABASE, TRADE_SERVER_CONFIG, TRADE_TRANSPORT } from './tokens';

type TradeDatabase = DatabaseHandle<TradeStoreDatabase>;

/** Closes the transport, then the database, once everything above them has stopped. */
@Injectable()
class InfraShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(TRADE_TRANSPORT) private readonly transport: TradeTransport,
    @Inject(TRADE_DATABASE) private readonly database: TradeDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
    await this.database.close();
  }
}

/**
 * What every feature of the trade server stands on, each chosen by the configuration through a
 * factory provider: the database (PostgreSQL with `DATABASE_URL`, else PGlite under the data
 * directory), its repositories (the only code that runs SQL), and the broker transport (BullMQ +
 * Redis pub/sub with `REDIS_URL`, else in-process), with the account hub that mirrors the
 * worker's accounts for this instance's sockets and REST reads.
 */
@Global()
@Module({
  providers: [
    {
      provide: TRADE_DATABASE,
      inject: [TRADE_SERVER_CONFIG, HealthRegistry],
      useFactory: (config: TradeServerConfig, health: HealthRegistry): Promise<TradeDatabase> =>
        openTradeDatabase({ url: config.databaseUrl, dataDir: config.dataDir, health }),
    },
    {
      provide: UserRepository,
      inject: [TRADE_DATABASE],
      useFactory: (database: TradeDatabase) =>
        new UserRepository(database.db as unknown as Kysely<TradeUserDatabase>),
    },
    {
      provide: ApiKeyRepository,
      inject: [TRADE_DATABASE],
      useFactory: (database: TradeDatabase) => new ApiKeyRepository(database.db),
    },
    {
      provide: TradeStore,
      inject: [TRADE_DATABASE, TRADE_SERVER_CONFIG],
      useFactory: (database: TradeDatabase, config: TradeServerConfig) => {
        const logger = new Logger('trade-store');
        return new TradeStore(
          database,
          (error) => logger.error(`store write failed, retrying: ${(error as Error).message}`),
          config.commitIntervalMs,
        );
      },
    },
    {
      provide: TRADE_TRANSPORT,
      inject: [TRADE_SERVER_CONFIG, HealthRegistry],
      useFactory: createTransport,
    },
    {
      provide: AccountHub,
      inject: [TRADE_TRANSPORT],
      useFactory: (transport: TradeTransport) =>
        new AccountHub(transport.bus, (command) => transport.queue.add({ command })),
    },
    InfraShutdown,
  ],
  exports: [
    TRADE_DATABASE,
    UserRepository,
    ApiKeyRepository,
    TradeStore,
    TRADE_TRANSPORT,
    AccountHub,
  ],
})
export class TradeInfraModule {}
