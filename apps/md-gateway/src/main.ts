import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { MarketIoAdapter } from './market-socket/market.gateway';
import { MD_GATEWAY_SCHEMAS } from './quotes/schemas';
import { corsOptions, loadConfig, MdGatewayConfig } from './config';

/** Boots the market-data gateway; exported for the all-in-one launcher and the e2e tests. */
export async function bootstrap(config: MdGatewayConfig = loadConfig()): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'md-gateway',
    logLevel: config.logLevel,
    title: 'QAUTLRA market-data gateway',
    description: `QAMD quotes over WebSocket (${config.websocketPath}, /ws/marketdata), Socket.IO (/market) and REST; sources: ${config.sources.map((source) => source.type).join(', ')}`,
    schemas: MD_GATEWAY_SCHEMAS,
  });
  const cors = corsOptions(config.cors);
  if (cors) app.enableCors(cors);
  app.useWebSocketAdapter(new MarketIoAdapter(app, cors || undefined));
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) {
  runMain(
    'md-gateway',
    () => loadConfig(),
    bootstrap,
    (url, config) => ({
      url,
      websocket: `${url.replace('http', 'ws')}${config.websocketPath}`,
    }),
  );
}
