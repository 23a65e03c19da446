import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import type { StrategyConfig } from './config';
import { StrategyAuthGuard } from './rest/strategy-auth.guard';
import { StrategyController } from './rest/strategy.controller';
import { StrategyGateway } from './socket/strategy.gateway';
import { StrategyRuntimeService } from './strategy-runtime.service';
import { STRATEGY_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: StrategyConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'strategy' })],
      controllers: [StrategyController],
      providers: [
        { provide: STRATEGY_CONFIG, useValue: config },
        StrategyRuntimeService,
        StrategyAuthGuard,
        StrategyGateway,
      ],
    };
  }
}
