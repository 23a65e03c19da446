import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import { BacktestService } from './backtest.service';
import type { BacktestConfig } from './config';
import { BacktestController } from './rest/backtest.controller';
import { SweepController } from './sweeps/sweep.controller';
import { FactorController } from './factors/factor.controller';
import { FactorService } from './factors/factor.service';
import { SweepService } from './sweeps/sweep.service';
import { BACKTEST_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: BacktestConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'backtest' })],
      controllers: [BacktestController, SweepController, FactorController],
      providers: [
        { provide: BACKTEST_CONFIG, useValue: config },
        BacktestService,
        SweepService,
        FactorService,
      ],
    };
  }
}
