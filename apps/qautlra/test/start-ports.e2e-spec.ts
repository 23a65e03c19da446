import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** A port the OS has just given out (free at the time of asking). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm start with a port already taken', () => {
  let squatter: Server;
  let cwd: string;

  afterEach(async () => {
    await new Promise((resolve) => squatter?.close(resolve));
    rmSync(cwd, { recursive: true, force: true });
  });

  it('stops at once, naming the port and the app, instead of restarting that app forever', async () => {
    cwd = mkdtempSync(join(tmpdir(), 'qautlra-ports-'));
    const port = async () => String(await freePort());
    const gatewayPort = await port();
    // Every app on a port of its own, so that a platform running beside this test is not in the way.
    const env = {
      ...process.env,
      LOG_LEVEL: 'warn',
      MD_GATEWAY_PORT: gatewayPort,
      P_ADDR: `127.0.0.1:${await port()}`,
      QADB_WEBSOCKET_PORT: await port(),
      TRADE_SERVER_ADDR: `127.0.0.1:${await port()}`,
      FUND_ADDR: `127.0.0.1:${await port()}`,
      BACKTEST_ADDR: `127.0.0.1:${await port()}`,
      WEB_ADDR: `127.0.0.1:${await port()}`,
      TRADER_ADDR: `127.0.0.1:${await port()}`,
      STRATEGY_ADDR: `127.0.0.1:${await port()}`,
      QAUTLRA_PORT: await port(),
    };
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(gatewayPort), '0.0.0.0', resolve));
    const outcome = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(
        process.execPath,
        [join(ROOT, 'scripts/start.js')],
        { cwd, env, timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
            output: `${stdout}${stderr}`,
          }),
      ),
    );
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain(`port ${gatewayPort} (md-gateway) is in use`);
    expect(outcome.output).not.toContain('starting md-gateway');
  }, 150_000);
});
