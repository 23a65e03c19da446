import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import { QautlraConfig } from './config';
import { DatabaseProvider } from './database.provider';
import { PlatformInfoController } from './platform-info.controller';
import { PlatformInfoService } from './platform-info.service';
import { AppProcesses } from './platform-info.service';
import { QAUTLRA_CONFIG, QAUTLRA_PROCESSES } from './tokens';

/** The all-in-one host: platform endpoints, the shared database; apps join it as they land. */
@Module({})
export class AppModule {
  static forRoot(config: QautlraConfig, processes?: AppProcesses): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'qautlra' })],
      controllers: [PlatformInfoController],
      providers: [
        { provide: QAUTLRA_CONFIG, useValue: config },
        { provide: QAUTLRA_PROCESSES, useValue: processes ?? null },
        PlatformInfoService,
        DatabaseProvider,
      ],
    };
  }
}
