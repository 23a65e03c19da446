import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import type { ClientConfig } from './client-config';
import type { WebConfig } from './config';
import { WEB_CONFIG } from './tokens';

@ApiTags('web')
@Controller('api/web')
export class WebController {
  constructor(@Inject(WEB_CONFIG) private readonly config: WebConfig) {}

  @Get('config')
  @ApiOperation({ summary: 'Client configuration: demo login, paths of the proxied APIs' })
  @ApiOkResponse({ schema: ref('ClientConfig') })
  clientConfig(): ClientConfig {
    const { demoUser, demoPassword } = this.config;
    return {
      demo: demoUser && demoPassword ? { user: demoUser, password: demoPassword } : null,
      market: { rest: '/md/api', socket_path: '/md/socket.io', namespace: '/market' },
      trade: { rest: '/trade/api', websocket: '/trade/ws/trade', broker: 'sim' },
      tsdb: { rest: '/tsdb/api/v1', stream: this.config.tsdbStream },
      fund: { rest: '/fund/api' },
      backtest: { rest: '/backtest/api' },
      strategy: { rest: '/strategy/api', enabled: this.config.strategyToken !== undefined },
      realtime: { rest: '/rt/api', socket_path: '/rt/socket.io', namespace: '/realtime' },
      docs: {
        web: '/api/docs',
        market: '/md/api/docs',
        trade: '/trade/api/docs',
        tsdb: '/tsdb/api/docs',
        fund: '/fund/api/docs',
        backtest: '/backtest/api/docs',
        realtime: '/rt/api/docs',
      },
    };
  }
}
