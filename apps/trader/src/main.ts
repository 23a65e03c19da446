import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { createHttpApp, runMain } from '@qautlra/platform';
import { AppModule } from './app.module';
import { TRADER_SCHEMAS } from './rest/schemas';
import { HELP, loadTraderConfig, parseCommandLine, TraderConfig } from './config';

/** Boots the trader; exported for the all-in-one launcher, the e2e tests and the bench. */
export async function bootstrap(config: TraderConfig): Promise<INestApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    name: 'trader',
    logLevel: config.logLevel,
    title: 'QAUTLRA trader',
    schemas: TRADER_SCHEMAS,
    security: ['bearer'],
    description:
      'Per-account bridge: RabbitMQ QAORDER_ROUTER / REST / BullMQ orders → pre-trade risk → DIFF trade server; QIFI document in PostgreSQL; trades on QATRANSACTION. Status at /api/status.',
  });
  await app.listen(config.port, config.host);
  return app;
}

/** The configuration of a command line (`undefined` → print the help). */
export function configOf(argv: readonly string[], env = process.env): TraderConfig | undefined {
  const command = parseCommandLine(argv);
  return command ? loadTraderConfig(command, env) : undefined;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  let help = false;
  try {
    help = configOf(argv) === undefined;
  } catch {
    // runMain reports the configuration error.
  }
  if (help) {
    console.log(HELP);
    process.exit(0);
  }
  runMain(
    'trader',
    () => configOf(argv) as TraderConfig,
    bootstrap,
    (url, config) => ({
      url,
      accounts: config.accounts.map((account) => `${account.account} → ${account.wsuri}`),
      // A generated token is shown once, here: the REST routes need it.
      ...(config.apiTokenGenerated ? { api_token: config.apiToken } : {}),
    }),
  );
}
