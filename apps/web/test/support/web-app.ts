import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { freePort } from '@qautlra/testing';
import { loadWebConfig, type WebConfig } from '../../src/config';
import { bootstrap } from '../../src/main';

const ROOT = join(__dirname, '../../../..');
/** An address nothing listens on: an app the test does not run. */
const DOWN = 'http://127.0.0.1:9';

/** apps/web in this process on a free port, serving the built page, fronting the given apps. */
export async function startWebApp(
  apps: Partial<
    Pick<
      WebConfig,
      | 'marketUrl'
      | 'tradeUrl'
      | 'tsdbUrl'
      | 'fundUrl'
      | 'backtestUrl'
      | 'strategyUrl'
      | 'strategyToken'
      | 'realtimeUrl'
    >
  > &
    Partial<Pick<WebConfig, 'demoUser' | 'demoPassword'>>,
): Promise<{ web: INestApplication; base: string }> {
  const port = await freePort();
  const web = await bootstrap({
    ...loadWebConfig({}),
    host: '127.0.0.1',
    port,
    marketUrl: DOWN,
    tradeUrl: DOWN,
    tsdbUrl: DOWN,
    fundUrl: DOWN,
    backtestUrl: DOWN,
    strategyUrl: DOWN,
    strategyToken: undefined,
    realtimeUrl: DOWN,
    demoUser: undefined,
    demoPassword: undefined,
    ...apps,
    clientDir: join(ROOT, 'dist/apps/web/client'),
    logLevel: 'error',
  });
  return { web, base: `http://127.0.0.1:${port}` };
}
