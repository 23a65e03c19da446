import { ChildProcess, spawn } from 'node:child_process';
import { backoffDelay } from './backoff';

/** One app the supervisor runs as its own process. */
export interface SupervisedApp {
  name: string;
  /** The Node.js script and its arguments (`dist/apps/tsdb/src/main.js`, …). */
  script: string;
  args?: readonly string[];
  /** Added to the supervisor's environment. */
  env?: Readonly<Record<string, string>>;
  /** Polled until it answers (any HTTP status below 500): the app is up. */
  healthUrl: string;
  /** Apps that must be up before this one starts. */
  after?: readonly string[];
  /** Runs once before the first start (after `after`); a failure is reported, not fatal. */
  before?: () => Promise<void>;
}

export type SupervisedState = 'waiting' | 'starting' | 'running' | 'restarting' | 'stopped';

export interface SupervisedStatus {
  name: string;
  state: SupervisedState;
  pid?: number;
  /** Times the supervisor started it again after it ended. */
  restarts: number;
  /** How the last run ended (`exit 1`, `signal SIGKILL`). */
  last_exit?: string;
  /** When the state last changed (epoch ms). */
  since: number;
}

export type SupervisorEvent =
  | { kind: 'starting'; app: string }
  | { kind: 'up'; app: string; ms: number }
  | { kind: 'exited'; app: string; how: string; restartInMs: number }
  | { kind: 'stopped'; app: string }
  | { kind: 'before-failed'; app: string; error: string };

export interface SupervisorOptions {
  cwd?: string;
  onEvent?: (event: SupervisorEvent) => void;
  /** Start-up of one app longer than this is reported and the app killed and retried (ms). */
  startTimeoutMs?: number;
  /** A run at least this long resets the back-off (ms). */
  stableAfterMs?: number;
  /** Output of the children (default: the supervisor's own). */
  stdio?: 'inherit' | 'ignore';
  /**
   * A running app is checked this often (ms, default 5 s); one whose health URL has not answered
   * for `unresponsiveChecks` checks in a row (default 6) is killed and restarted (a stall).
   */
  livenessIntervalMs?: number;
  unresponsiveChecks?: number;
}

interface Entry {
  app: SupervisedApp;
  /** Liveness checks in a row the running app did not answer. */
  missed: number;
  status: SupervisedStatus;
  child?: ChildProcess;
  attempt: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
  up?: Promise<void>;
}

/**
 * Runs each app in its own process, so that one app's crash or stall does not take the others
 * down: starts them in dependency order, waits for each to answer on its health URL, restarts one
 * that ends with back-off (200 ms doubling to 30 s, reset after a stable run), and stops them all
 * with SIGTERM (SIGKILL after 10 s).
 */
export class AppSupervisor {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;
  private liveness?: NodeJS.Timeout;

  constructor(
    apps: readonly SupervisedApp[],
    private readonly options: SupervisorOptions = {},
  ) {
    for (const app of apps)
      this.entries.set(app.name, {
        app,
        status: { name: app.name, state: 'waiting', restarts: 0, since: Date.now() },
        attempt: 0,
        startedAt: 0,
        missed: 0,
      });
  }

  /** Starts every app (each after the ones it needs); resolves when all have answered once. */
  async start(): Promise<void> {
    const started = new Map<string, Promise<void>>();
    const startOne = (name: string): Promise<void> => {
      let promise = started.get(name);
      if (promise) return promise;
      const entry = this.entry(name);
      promise = Promise.all((entry.app.after ?? []).map(startOne)).then(async () => {
        try {
          await entry.app.before?.();
        } catch (error) {
          this.options.onEvent?.({
            kind: 'before-failed',
            app: entry.app.name,
            error: (error as Error).message,
          });
        }
        this.launch(entry);
        return entry.up;
      });
      started.set(name, promise);
      return promise;
    };
    this.liveness = setInterval(
      () => void this.checkLiveness(),
      this.options.livenessIntervalMs ?? 5_000,
    );
    this.liveness.unref();
    await Promise.all([...this.entries.keys()].map(startOne));
  }

  private async checkLiveness(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        const child = entry.child;
        if (entry.status.state !== 'running' || !child) return;
        if (await answers(entry.app.healthUrl)) {
          entry.missed = 0;
          return;
        }
        entry.missed += 1;
        if (entry.missed >= (this.options.unresponsiveChecks ?? 6) && entry.child === child) {
          entry.missed = 0;
          child.kill('SIGKILL'); // stalled: the exit handler restarts it
        }
      }),
    );
  }

  /** Every app's state, in the order given. */
  statuses(): SupervisedStatus[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.status }));
  }

  /** The process id of a running app (tests kill it to see it come back). */
  pidOf(name: string): number | undefined {
    return this.entry(name).child?.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.liveness);
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        clearTimeout(entry.timer);
        const child = entry.child;
        if (child && child.exitCode === null && child.signalCode === null) {
          const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await ended;
          clearTimeout(killer);
        }
        this.setState(entry, 'stopped');
        this.options.onEvent?.({ kind: 'stopped', app: entry.app.name });
      }),
    );
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no app ${name}`);
    return entry;
  }

  private setState(entry: Entry, state: SupervisedState): void {
    entry.status.state = state;
    entry.status.since = Date.now();
    entry.status.pid = state === 'starting' || state === 'running' ? entry.child?.pid : undefined;
  }

  private launch(entry: Entry): void {
    if (this.stopping) return;
    const { app } = entry;
    this.options.onEvent?.({ kind: 'starting', app: app.name });
    const child = spawn(process.execPath, [app.script, ...(app.args ?? [])], {
      cwd: this.options.cwd,
      env: { ...process.env, ...app.env },
      // The IPC channel closes when this process dies, however it dies (SIGKILL too): the child
      // hears it and stops (`stopWithSupervisor`), so no app outlives its supervisor.
      stdio: ['ignore', this.options.stdio ?? 'inherit', this.options.stdio ?? 'inherit', 'ipc'],
    });
    entry.child = child;
    entry.startedAt = Date.now();
    this.setState(entry, 'starting');
    // The first start's promise resolves on the first answer; restarts only change the state.
    let resolveUp: () => void = () => undefined;
    entry.up ??= new Promise<void>((resolve) => (resolveUp = resolve));
    const poll = async () => {
      const deadline = entry.startedAt + (this.options.startTimeoutMs ?? 120_000);
      while (entry.child === child && child.exitCode === null && child.signalCode === null) {
        if (await answers(app.healthUrl)) {
          this.setState(entry, 'running');
          this.options.onEvent?.({ kind: 'up', app: app.name, ms: Date.now() - entry.startedAt });
          resolveUp();
          return;
        }
        if (Date.now() > deadline) {
          child.kill('SIGKILL'); // a stalled start: the exit handler restarts it
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    void poll();
    child.once('exit', (code, signal) => {
      if (entry.child !== child) return;
      entry.child = undefined;
      const how = signal ? `signal ${signal}` : `exit ${code}`;
      entry.status.last_exit = how;
      if (this.stopping) return;
      if (Date.now() - entry.startedAt >= (this.options.stableAfterMs ?? 60_000)) entry.attempt = 0;
      entry.attempt += 1;
      const delay = backoffDelay(entry.attempt, 200, 30_000);
      entry.status.restarts += 1;
      this.setState(entry, 'restarting');
      this.options.onEvent?.({ kind: 'exited', app: app.name, how, restartInMs: delay });
      entry.timer = setTimeout(() => this.launch(entry), delay);
    });
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

/**
 * In an app started by `AppSupervisor`: when the supervisor goes away (its IPC channel closes, even
 * on SIGKILL), the app stops itself as on SIGTERM. Without a supervisor it does nothing. The
 * channel does not keep the app alive.
 */
export function stopWithSupervisor(): void {
  if (!process.send || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
