import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import type { TsdbConfig } from './config';
import { LogstreamController } from './logstream.controller';
import { TSDB_CONFIG } from './tokens';
import { TsdbService } from './tsdb.service';

@Module({})
export class AppModule {
  static forRoot(config: TsdbConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'tsdb' })],
      controllers: [LogstreamController],
      providers: [{ provide: TSDB_CONFIG, useValue: config }, TsdbService],
    };
  }
}
