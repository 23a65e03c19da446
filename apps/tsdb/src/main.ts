import 'reflect-metadata';
import { HttpStatus, INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp, mapLibraryError, runMain } from '@qautlra/platform';
import { TsdbError } from '@qautlra/tsdb';
import { AppModule } from './app.module';
import { loadConfig, TsdbConfig } from './config';
import { TSDB_SCHEMAS } from './schemas';

/** Boots the time-series DB; exported for the all-in-one launcher and the e2e tests. */
export async function bootstrap(config: TsdbConfig = loadConfig()): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'tsdb',
    logLevel: config.logLevel,
    title: 'QAUTLRA time-series DB (QADB)',
    schemas: TSDB_SCHEMAS,
    security: ['basic'],
    description:
      'Parseable-compatible streams over DuckDB + zstd Parquet: create, ingest, SQL query, counts. Basic auth (P_USERNAME / P_PASSWORD).',
    mapDomainError: (error) => {
      if (error instanceof TsdbError)
        return {
          statusCode:
            error.code === 'TSDB_STREAM_NOT_FOUND' ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST,
          code: error.code,
          message: error.message,
          ...(error.field ? { field: error.field } : {}),
        };
      return mapLibraryError(error);
    },
  });
  (app as NestExpressApplication).useBodyParser('json', { limit: '64mb' });
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) runMain('tsdb', () => loadConfig(), bootstrap);
