import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import type { FundConfig } from './config';
import { FundService } from './fund.service';
import { FundController } from './rest/fund.controller';
import { FUND_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: FundConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'fund-analytics' })],
      controllers: [FundController],
      providers: [{ provide: FUND_CONFIG, useValue: config }, FundService],
    };
  }
}
