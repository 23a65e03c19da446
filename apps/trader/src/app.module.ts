import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import type { TraderConfig } from './config';
import { TraderController } from './rest/trader.controller';
import { TRADER_CONFIG } from './tokens';
import { TraderService } from './trader.service';

@Module({})
export class AppModule {
  static forRoot(config: TraderConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'trader' })],
      controllers: [TraderController],
      providers: [{ provide: TRADER_CONFIG, useValue: config }, TraderService],
    };
  }
}
