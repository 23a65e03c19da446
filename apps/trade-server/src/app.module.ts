import { DynamicModule, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { PlatformModule } from '@qautlra/platform';
import type { TradeServerConfig } from './config';
import { TradeSocketServer } from './gateway/trade-socket.server';
import { TradeAuthGuard } from './rest/auth.guard';
import { TradeController } from './rest/trade.controller';
import { TRADE_SERVER_CONFIG } from './tokens';
import { TradeService } from './trade.service';

@Module({})
export class AppModule {
  static forRoot(config: TradeServerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ appName: 'trade-server' }),
        JwtModule.register({
          secret: config.jwtSecret ?? randomBytes(32).toString('hex'),
          signOptions: { expiresIn: 3600 },
        }),
      ],
      controllers: [TradeController],
      providers: [
        { provide: TRADE_SERVER_CONFIG, useValue: config },
        TradeService,
        TradeSocketServer,
        TradeAuthGuard,
      ],
    };
  }
}
