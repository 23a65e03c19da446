import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import type { WebConfig } from './config';
import { WEB_CONFIG } from './tokens';
import { WebController } from './web.controller';

@Module({})
export class AppModule {
  static forRoot(config: WebConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'web' })],
      controllers: [WebController],
      providers: [{ provide: WEB_CONFIG, useValue: config }],
    };
  }
}
