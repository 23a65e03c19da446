import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { FundConfig, loadFundConfig } from './config';
import { demoWorkbook } from './demo/demo-workbook';
import { FundService, ImportOutcome } from './fund.service';
import type { ImportProblem } from './import/nav-import';
import type { ProductChange } from './store/fund-store';

const HELP = `npm run fund -- import <file.xlsx|file.csv> [--product CODE] [--dry-run] [--server URL]
  Imports NAV series: through the running fund-analytics server when one answers at --server
  (FUND_URL, default http://127.0.0.1:<FUND_ADDR port, 8020>), so it sees them at once; else straight
  into its database (DATABASE_URL, else PGlite under FUND_DATA_DIR). It says which it did.
  A file with any problem imports nothing; every problem is printed with its sheet, row and column.
npm run fund -- demo-workbook <file.xlsx>
  Writes the example workbook (the one bundled as apps/fund-analytics/examples/demo-funds.xlsx).`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      product: { type: 'string' },
      'dry-run': { type: 'boolean' },
      server: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  const [command, file] = positionals;
  if (command === 'demo-workbook' && file) {
    writeFileSync(file, await demoWorkbook());
    console.log(`wrote ${file}`);
    return 0;
  }
  if (values.help || command !== 'import' || !file) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const config = loadFundConfig();
  const server = values.server ?? process.env.FUND_URL ?? `http://127.0.0.1:${config.port}`;
  const options = { product: values.product, dryRun: values['dry-run'] };
  const outcome = (await serverAnswers(server))
    ? await importThroughServer(server, file, options)
    : await importDirectly(config, file, options);
  console.log(outcome.how);
  if (!outcome.ok) {
    console.error(`${file}: ${outcome.problems.length} problem(s), nothing imported`);
    for (const p of outcome.problems)
      console.error(
        `  ${p.sheet}${p.row ? ` row ${p.row}` : ''}${p.column ? ` column ${p.column}` : ''}: ${p.reason}`,
      );
    return 1;
  }
  for (const p of outcome.products)
    console.log(
      `${outcome.dryRun ? '(dry run) ' : ''}${p.code} ${p.name}: ${p.created ? 'new, ' : ''}${p.added} added, ${p.changed} changed, ${p.unchanged} unchanged`,
    );
  return 0;
}

type Outcome = ImportOutcome & { how: string };

/** Whether a fund-analytics server answers at `url` (its `/health`). */
async function serverAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as { app?: string };
    return body.app === 'fund-analytics';
  } catch {
    return false;
  }
}

async function importThroughServer(
  url: string,
  file: string,
  options: { product?: string; dryRun?: boolean },
): Promise<Outcome> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), basename(file));
  if (options.product) form.append('product', options.product);
  if (options.dryRun) form.append('dry_run', 'true');
  const response = await fetch(`${url}/api/products/import`, { method: 'POST', body: form });
  const body = (await response.json()) as {
    dry_run?: boolean;
    products?: ProductChange[];
    problems?: ImportProblem[];
    message?: string;
  };
  const how = `imported through the running server at ${url}`;
  if (response.status === 422 && body.problems) return { ok: false, problems: body.problems, how };
  if (!response.ok) throw new Error(`${url}: ${response.status} ${body.message ?? ''}`);
  return { ok: true, dryRun: body.dry_run ?? false, products: body.products ?? [], how };
}

async function importDirectly(
  config: FundConfig,
  file: string,
  options: { product?: string; dryRun?: boolean },
): Promise<Outcome> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['error'],
  });
  try {
    const outcome = await app
      .get(FundService)
      .importFile(readFileSync(file), basename(file), options);
    return {
      ...outcome,
      how: `imported into the database directly (${config.databaseUrl ? 'DATABASE_URL' : `PGlite under ${config.dataDir}`}; no server answered)`,
    };
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
