import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '../../..');

/** A built app (`dist/apps/<app>/src/main.js`) in a child process, so that it can be killed. */
export class AppProcess {
  private child?: ChildProcess;
  output = '';

  constructor(
    private readonly app: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly healthUrl: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [join(ROOT, `dist/apps/${this.app}/src/main.js`), ...this.args],
      {
        env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.app} exited: ${this.output}`);
        try {
          return (await fetch(this.healthUrl)).status > 0;
        } catch {
          return false;
        }
      },
      { what: `${this.app} listening`, timeoutMs: 30_000 },
    );
  }

  /** Sends `signal` and waits for the exit (SIGKILL: no shutdown at all). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }
}

/** The market-data gateway on `port` (WebSocket and REST) with one source (`{type: 'sim', …}`). */
export function gatewayProcess(port: number, source: Record<string, unknown>): AppProcess {
  return new AppProcess(
    'md-gateway',
    [],
    {
      QAMDGATEWAY_CONFIG: JSON.stringify({
        websocket: { host: '127.0.0.1', port, path: '/ws/market' },
        rest_api: { host: '127.0.0.1', port },
        sources: [source],
      }),
    },
    `http://127.0.0.1:${port}/health`,
  );
}

/**
 * The trade server on `port`, its sim broker trading on the gateway at `marketPort` at any hour,
 * with a demo user (an admin) `user` / `password`; `env` adds to or overrides that.
 */
export function tradeServerProcess(options: {
  port: number;
  marketPort: number;
  databaseUrl: string;
  user: string;
  password: string;
  env?: Record<string, string>;
}): AppProcess {
  return new AppProcess(
    'trade-server',
    [],
    {
      TRADE_SERVER_ADDR: `127.0.0.1:${options.port}`,
      DATABASE_URL: options.databaseUrl,
      TRADE_MARKET_URL: `ws://127.0.0.1:${options.marketPort}/ws/market`,
      TRADE_DEMO: 'true',
      TRADE_DEMO_USER: options.user,
      TRADE_DEMO_PASSWORD: options.password,
      TRADE_SIM_ALWAYS_OPEN: 'true',
      ...options.env,
    },
    `http://127.0.0.1:${options.port}/health`,
  );
}

/**
 * The realtime monitor on `port`, watching the trade server at `tradePort` (monitor token `token`)
 * and the gateway at `marketPort`; `env` adds to or overrides that.
 */
export function realtimeProcess(options: {
  port: number;
  tradePort: number;
  marketPort: number;
  token: string;
  dataDir: string;
  env?: Record<string, string>;
}): AppProcess {
  return new AppProcess(
    'realtime',
    [],
    {
      REALTIME_ADDR: `127.0.0.1:${options.port}`,
      REALTIME_TRADE_URL: `http://127.0.0.1:${options.tradePort}`,
      REALTIME_TRADE_TOKEN: options.token,
      REALTIME_MARKET_URL: `ws://127.0.0.1:${options.marketPort}/ws/market`,
      REALTIME_DATA_DIR: options.dataDir,
      ...options.env,
    },
    `http://127.0.0.1:${options.port}/health`,
  );
}
