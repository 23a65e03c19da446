import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { freePort, TestDatabase } from '@qautlra/testing';
import { startFundApp } from './support/fund-app';

const ROOT = join(__dirname, '../../..');
const WORKBOOK = join(ROOT, 'apps/fund-analytics/examples/demo-funds.xlsx');

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(ROOT, 'dist/apps/fund-analytics/src/cli.js'), ...args],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    ),
  );
}

/** Issue 16 §11: the CLI imports through a running server (seen at once), else into the database. */
describe('npm run fund -- import', () => {
  it('goes through the running server when one answers: the product is there without a restart', async () => {
    const fund = await startFundApp('fund_cli');
    try {
      expect(await (await fetch(`${fund.base}/api/products`)).json()).toEqual([]);
      const run = await cli(['import', WORKBOOK, '--server', fund.base], {});
      expect(run.output).toContain(`imported through the running server at ${fund.base}`);
      expect(run.code).toBe(0);
      const products = (await (await fetch(`${fund.base}/api/products`)).json()) as {
        code: string;
      }[];
      expect(products.map((product) => product.code)).toContain('QD0001');
    } finally {
      await fund.stop();
    }
  });

  it('opens the database itself when no server answers, and says so', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const database = await TestDatabase.create('fund_cli_db');
    try {
      const run = await cli(['import', WORKBOOK, '--server', nobody, '--dry-run'], {
        DATABASE_URL: database.url,
      });
      expect(run.output).toContain(
        'imported into the database directly (DATABASE_URL; no server answered)',
      );
      expect(run.output).toContain('(dry run) QD0001');
      expect(run.code).toBe(0);
    } finally {
      await database.drop();
    }
  });
});
