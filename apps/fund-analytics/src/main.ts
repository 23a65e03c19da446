import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { FundConfig, loadFundConfig } from './config';
import { FUND_SCHEMAS } from './rest/schemas';

/** Boots the fund-analytics service; exported for the all-in-one launcher and the e2e tests. */
export async function bootstrap(config: FundConfig = loadFundConfig()): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'fund-analytics',
    logLevel: config.logLevel,
    title: 'QAUTLRA fund analytics',
    schemas: FUND_SCHEMAS,
    description:
      'Fund NAV import (Excel/CSV), performance statistics under named conventions (quantstats, empyrical, pyfolio, tqsdk, vnpy).',
  });
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) runMain('fund-analytics', () => loadFundConfig(), bootstrap);
