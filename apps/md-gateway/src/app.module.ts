import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@qautlra/platform';
import type { MdGatewayConfig } from './config';
import { DistributorService } from './distributor/distributor.service';
import { MarketGateway } from './market-socket/market.gateway';
import { MarketSocketServer } from './market-socket/market-socket.server';
import { MarketController } from './quotes/market.controller';
import { MD_GATEWAY_CONFIG } from './tokens';

@Module({})
export class AppModule {
  static forRoot(config: MdGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'md-gateway' })],
      controllers: [MarketController],
      providers: [
        { provide: MD_GATEWAY_CONFIG, useValue: config },
        DistributorService,
        MarketSocketServer,
        MarketGateway,
      ],
    };
  }
}
