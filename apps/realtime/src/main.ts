import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { loadRealtimeConfig, RealtimeConfig } from './config';
import { REALTIME_SCHEMAS } from './rest/schemas';

/** Boots the realtime monitor; exported for the launcher, the e2e tests and the bench. */
export async function bootstrap(
  config: RealtimeConfig = loadRealtimeConfig(),
): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'realtime',
    logLevel: config.logLevel,
    title: 'QAUTLRA realtime monitor',
    schemas: REALTIME_SCHEMAS,
    security: ['bearer', 'api-key'],
    description:
      "Accounts re-marked on live quotes (position and account PnL, margin, risk ratio, day PnL, drawdown), portfolios, live factor rooms and alerts. WebSocket /ws/ speaks the original realtime server's topic protocol (auth, realtime_sub, realtime_unsub, realtime_pub); Socket.IO /realtime the same rooms for browsers. Credentials are the trade server's: a JWT from its POST /api/auth/login or an API key.",
  });
  app.useWebSocketAdapter(new IoAdapter(app));
  await app.listen(config.port, config.host);
  return app;
}

if (require.main === module) runMain('realtime', () => loadRealtimeConfig(), bootstrap);
