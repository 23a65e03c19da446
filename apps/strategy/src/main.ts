import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { loadStrategyConfig, StrategyConfig } from './config';
import { STRATEGY_SCHEMAS } from './rest/schemas';

/** Boots the live strategy runtime; exported for the launcher and the e2e tests. */
export async function bootstrap(
  config: StrategyConfig = loadStrategyConfig(),
): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'strategy',
    logLevel: config.logLevel,
    title: 'QAUTLRA live strategies',
    schemas: STRATEGY_SCHEMAS,
    security: ['bearer'],
    description:
      'Strategies of the backtest catalogue running live: quotes from the gateway, orders to the trade server over DIFF as a normal user (its risk checks and account engine apply). Lifecycle, safety limits, kill switches, hot parameter reload, logs, orders, trades, PnL. Socket.IO namespace /strategy pushes the same.',
  });
  app.useWebSocketAdapter(new IoAdapter(app));
  if (config.apiTokenGenerated)
    console.log(
      `strategy runtime: API token ${config.apiToken} (set STRATEGY_API_TOKEN to choose one)`,
    );
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) runMain('strategy', () => loadStrategyConfig(), bootstrap);
