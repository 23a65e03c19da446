import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { loadConfig, TradeServerConfig } from './config';
import { TRADE_SERVER_SCHEMAS } from './rest/schemas';

/** Boots the trade server; exported for the all-in-one launcher, the e2e tests and the bench. */
export async function bootstrap(
  config: TradeServerConfig = loadConfig(),
): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'trade-server',
    logLevel: config.logLevel,
    title: 'QAUTLRA trade server',
    schemas: TRADE_SERVER_SCHEMAS,
    security: ['bearer', 'api-key'],
    description:
      'DIFF trade protocol over WebSocket (ws://host:7988/ and /ws/trade), sim broker on live quotes, pre-trade risk, QIFI accounts. REST: log in at POST /api/auth/login, then Authorization: Bearer <token> (or X-API-Key).',
  });
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) {
  runMain(
    'trade-server',
    () => loadConfig(),
    bootstrap,
    (url, config) => ({
      url,
      websocket: `${url.replace('http', 'ws')}/ws/trade`,
      demo: config.demo ? `${config.demo.user} / ${config.demo.password}` : undefined,
    }),
  );
}
