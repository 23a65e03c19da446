import 'reflect-metadata';
import compression from 'compression';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp, runMain } from '@qautlra/platform';
import { WEB_SCHEMAS } from './schemas';
import { AppModule } from './app.module';
import { loadWebConfig, WebConfig } from './config';
import { mountProxies } from './proxies';
import { mountStrategyGate } from './strategy-gate';

/** Paths the single-page app must not shadow. */
const SERVER_PATHS = /^\/(md|trade|tsdb|fund|backtest|strategy|rt|api|health|metrics)(\/|$)/;

/** Boots the web front end's server; exported for the all-in-one launcher and the tests. */
export async function bootstrap(config: WebConfig = loadWebConfig()): Promise<INestApplication> {
  const app = (await createHttpApp(AppModule.forRoot(config), {
    name: 'web',
    logLevel: config.logLevel,
    title: 'QAUTLRA web',
    schemas: WEB_SCHEMAS,
    home: false,
    description:
      'Serves the browser front end and proxies the platform APIs under one origin: /md (market data), /trade (trade server), /tsdb (read-only), /fund (fund analytics), /backtest (backtests), /strategy (live strategies, behind the trade server’s login), /rt (the realtime monitor: rooms over Socket.IO, REST).',
  })) as NestExpressApplication;
  mountProxies(app, config);
  mountStrategyGate(app, config);
  // After the proxies: the app's own files and JSON are compressed; proxied streams pass as they are.
  app.use(compression());
  const index = join(config.clientDir, 'index.html');
  if (!existsSync(index))
    throw new Error(`no built front end at ${config.clientDir} (run npm run build)`);
  app.useStaticAssets(config.clientDir, { index: false, maxAge: '1h', immutable: false });
  // Client-side routes fall back to the app's page.
  app.use(
    (
      req: { method: string; path: string },
      res: { sendFile(path: string): void },
      next: () => void,
    ) => {
      if (req.method === 'GET' && !SERVER_PATHS.test(req.path)) res.sendFile(index);
      else next();
    },
  );
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) runMain('web', () => loadWebConfig(), bootstrap);
