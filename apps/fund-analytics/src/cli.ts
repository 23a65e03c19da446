import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadFundConfig } from './config';
import { demoWorkbook } from './demo/demo-workbook';
import { FundService } from './fund.service';

const HELP = `npm run fund -- import <file.xlsx|file.csv> [--product CODE] [--dry-run]
  Imports NAV series into the fund-analytics database (DATABASE_URL, else PGlite under FUND_DATA_DIR).
  A file with any problem imports nothing; every problem is printed with its sheet, row and column.
npm run fund -- demo-workbook <file.xlsx>
  Writes the example workbook (the one bundled as apps/fund-analytics/examples/demo-funds.xlsx).`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      product: { type: 'string' },
      'dry-run': { type: 'boolean' },
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
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadFundConfig()), {
    logger: ['error'],
  });
  try {
    const outcome = await app.get(FundService).importFile(readFileSync(file), basename(file), {
      product: values.product,
      dryRun: values['dry-run'],
    });
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
