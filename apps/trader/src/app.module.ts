import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import { TraderAccounts } from './account/trader-accounts.service';
import type { TraderConfig } from './config';
import { TraderInfraModule } from './infra.module';
import { AmqpIntake } from './intake/amqp-intake';
import { BullIntake } from './intake/bull-intake';
import { AMQP_INTAKE, BULL_INTAKE, IntakeService } from './intake/intake.service';
import { IntakeMessagePipe } from './rest/dto';
import { TraderController } from './rest/trader.controller';
import { TraderStatusService } from './status.service';
import { TRADER_CONFIG } from './tokens';

/** The accounts: sessions with the trade server, risk, QIFI documents. */
@Module({ providers: [TraderAccounts], exports: [TraderAccounts] })
export class TraderAccountsModule {}

/** The queue intakes the configuration turns on (RabbitMQ, BullMQ), started after the accounts. */
@Module({
  imports: [TraderAccountsModule],
  providers: [
    {
      provide: AMQP_INTAKE,
      inject: [TRADER_CONFIG],
      useFactory: (config: TraderConfig) =>
        config.amqpUrl ? new AmqpIntake(config.amqpUrl) : null,
    },
    {
      provide: BULL_INTAKE,
      inject: [TRADER_CONFIG],
      useFactory: (config: TraderConfig) =>
        config.redisUrl ? new BullIntake(config.redisUrl) : null,
    },
    IntakeService,
  ],
  exports: [IntakeService],
})
export class TraderIntakeModule {}

/** REST: status, the QIFI document and events, and the REST intake. */
@Module({
  imports: [TraderAccountsModule, TraderIntakeModule],
  controllers: [TraderController],
  providers: [TraderStatusService, IntakeMessagePipe],
})
export class TraderRestModule {}

@Module({})
export class AppModule {
  static forRoot(config: TraderConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot({ appName: 'trader' }),
        TraderInfraModule,
        TraderAccountsModule,
        TraderIntakeModule,
        TraderRestModule,
      ],
      providers: [{ provide: TRADER_CONFIG, useValue: config }],
      exports: [TRADER_CONFIG],
    };
  }
}
