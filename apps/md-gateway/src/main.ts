import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, createLogger, displayUrl } from '@qautlra/platform';
import { AppModule } from './app.module';
import { corsOptions, loadConfig, MdGatewayConfig } from './config';

/** Boots the market-data gateway; exported for the all-in-one launcher and the e2e tests. */
export async function bootstrap(config: MdGatewayConfig = loadConfig()): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    title: 'QAUTLRA market-data gateway',
    description: `QAMD quotes over WebSocket (${config.websocketPath}, /ws/marketdata), Socket.IO (/market) and REST; sources: ${config.sources.map((source) => source.type).join(', ')}`,
  });
  const cors = corsOptions(config.cors);
  if (cors) app.enableCors(cors);
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) {
  let config: MdGatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    // An invalid config stops the process with a message naming the key.
    console.error(`md-gateway: ${(error as Error).message}`);
    process.exit(1);
  }
  const logger = createLogger('md-gateway', config.logLevel);
  bootstrap(config)
    .then(async (app) => {
      const url = await displayUrl(app);
      logger.info(
        { url, websocket: `${url.replace('http', 'ws')}${config.websocketPath}` },
        'md-gateway is up',
      );
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'md-gateway failed to start');
      process.exit(1);
    });
}
