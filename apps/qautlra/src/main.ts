import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, createLogger, displayUrl } from '@qautlra/platform';
import { PLATFORM_INFO_SCHEMAS } from './schemas';
import { AppModule } from './app.module';
import { loadConfig, QautlraConfig } from './config';
import type { AppProcesses } from './platform-info.service';

/** Boots the all-in-one platform; exported so tests start the real app on a free port. */
export async function bootstrap(
  config: QautlraConfig = loadConfig(),
  processes?: AppProcesses,
): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config, processes), {
    name: 'qautlra',
    logLevel: config.logLevel,
    title: 'QAUTLRA platform',
    schemas: PLATFORM_INFO_SCHEMAS,
    home: false,
    description:
      'All-in-one host: health, metrics and the list of components with links to their APIs',
  });
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) {
  const config = loadConfig();
  const logger = createLogger('qautlra', config.logLevel);
  bootstrap(config)
    .then(async (app) => {
      const url = await displayUrl(app);
      logger.info({ url }, 'QAUTLRA is up');
      process.stdout.write(
        [
          '',
          'QAUTLRA is running',
          `  platform   ${url}/`,
          `  health     ${url}/health`,
          `  metrics    ${url}/metrics`,
          `  API docs   ${url}/api/docs`,
          '',
        ].join('\n') + '\n',
      );
    })
    .catch((error: unknown) => {
      logger.fatal({ err: error }, 'QAUTLRA failed to start');
      process.exit(1);
    });
}
