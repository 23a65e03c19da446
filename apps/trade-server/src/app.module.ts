import { DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { PlatformModule } from '@qautlra/platform';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsService } from './accounts/accounts.service';
import { AdminController } from './admin/admin.controller';
import { AdminService } from './admin/admin.service';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { BrokerWorker } from './broker/broker-worker.service';
import type { TradeServerConfig } from './config';
import { MonitorSocketServer } from './gateway/monitor-socket.server';
import { TradeSocketServer } from './gateway/trade-socket.server';
import { TradeInfraModule } from './infra.module';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { TradeAuthGuard } from './rest/auth.guard';
import { TRADE_SERVER_CONFIG } from './tokens';

/** Logins, JWTs and API keys (REST and the DIFF socket). */
@Module({
  controllers: [AuthController],
  providers: [AuthService, TradeAuthGuard],
  exports: [AuthService, TradeAuthGuard],
})
export class AuthModule {}

/** Accounts: ownership, opening, live sections, settlements. */
@Module({
  imports: [AuthModule],
  controllers: [AccountsController],
  providers: [AccountsService],
  exports: [AccountsService],
})
export class AccountsModule {}

/** Orders and other commands to the broker worker, and their answers. */
@Module({
  imports: [AuthModule, AccountsModule],
  controllers: [OrdersController],
  providers: [OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}

/** Users, accounts, transfers, states, limits and settlement for admins. */
@Module({
  imports: [AuthModule, AccountsModule, OrdersModule],
  controllers: [AdminController],
  providers: [AdminService],
})
export class AdminModule {}

/** The sim broker's worker (engine, market feed, day roll) while this instance holds the lease. */
@Module({
  // After the accounts module: the demo account exists before the engine loads the accounts.
  imports: [AccountsModule],
  providers: [BrokerWorker],
  exports: [BrokerWorker],
})
export class BrokerModule {}

/** The DIFF trade protocol over WebSocket, and the account monitor socket for services. */
@Module({
  imports: [AuthModule, AccountsModule, OrdersModule],
  providers: [TradeSocketServer, MonitorSocketServer],
})
export class GatewayModule {}

/** The trade server: its configuration for every module, the infrastructure, the features. */
@Module({})
export class AppModule {
  static forRoot(config: TradeServerConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        PlatformModule.forRoot({ appName: 'trade-server' }),
        JwtModule.register({
          global: true,
          secret: config.jwtSecret ?? randomBytes(32).toString('hex'),
          signOptions: { expiresIn: 3600 },
        }),
        TradeInfraModule,
        AuthModule,
        AccountsModule,
        OrdersModule,
        AdminModule,
        BrokerModule,
        GatewayModule,
      ],
      providers: [{ provide: TRADE_SERVER_CONFIG, useValue: config }],
      exports: [TRADE_SERVER_CONFIG],
    };
  }
}
