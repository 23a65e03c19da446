import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { BacktestConfig, loadBacktestConfig } from './config';
import { BACKTEST_SCHEMAS } from './rest/schemas';

/** Boots the backtest service (QARS); exported for the all-in-one launcher and the e2e tests. */
export async function bootstrap(
  config: BacktestConfig = loadBacktestConfig(),
): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'backtest',
    logLevel: config.logLevel,
    title: 'QAUTLRA backtests (QARS)',
    schemas: BACKTEST_SCHEMAS,
    description:
      'Event-driven backtests of strategies on the sim market through the sim broker’s execution core: runs, progress (server-sent events), trades, daily QIFI, statistics, parameter sweeps.',
  });
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) runMain('backtest', () => loadBacktestConfig(), bootstrap);
