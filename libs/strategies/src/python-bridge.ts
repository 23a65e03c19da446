import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';

/** What a Python strategy file declares. */
export interface PythonDescription {
  name: string;
  description: string;
  parameters: Record<
    string,
    {
      default: number | string | boolean;
      min?: number;
      max?: number;
      step?: number;
      description?: string;
    }
  >;
  batch: number;
  /** False: the strategy's decisions read only its bars and ticks (whole batches may go at once). */
  reads_state: boolean;
}

/** One order or cancel a Python callback asked for (carried out through the strategy context). */
export interface PythonAction {
  op: string;
  instrument?: string;
  volume?: number;
  net?: number;
  price?: number;
  order_id?: string;
}

export interface PythonEvent {
  kind: 'start' | 'bar' | 'tick' | 'order' | 'trade' | 'day' | 'end';
  now?: number;
  trading_day?: string;
  [key: string]: unknown;
}

export interface PythonReply {
  processed: number;
  actions: PythonAction[];
  logs: string[];
  /** With `through`: each event that made orders, by its index in the request, and its orders. */
  acted?: [number, PythonAction[]][];
}

/** The Python side failed: an exception (with its traceback), a hang, a crash or garbage. */
export class PythonStrategyError extends Error {
  constructor(
    message: string,
    readonly traceback?: string,
  ) {
    super(message);
    this.name = 'PythonStrategyError';
  }
}

export interface PythonBridgeOptions {
  /** The interpreter (default `QAUTLRA_PYTHON`, Debian's /usr/bin/python3, else python3). */
  python?: string;
  /** Longest a request may take (one batch of callbacks), ms; then the process is killed. */
  timeoutMs?: number;
  /** Lines the Python process writes to stderr (its prints). */
  onOutput?(line: string): void;
}

/** Longest line the Python process may write (a request's answer, a printed line). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Calls `onLine` for each line of a stream; a line growing past `MAX_LINE_BYTES` before its newline
 * calls `onTooLong` once and stops reading (a runaway process cannot fill this one's memory).
 */
function readLines(stream: Readable, onLine: (line: string) => void, onTooLong: () => void): void {
  let parts: Buffer[] = [];
  let size = 0;
  const take = (chunk: Buffer) => {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      parts.push(chunk.subarray(start, end));
      const line = Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      start = end + 1;
      onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    if (start < chunk.length) {
      parts.push(chunk.subarray(start));
      size += chunk.length - start;
      if (size > MAX_LINE_BYTES) {
        stream.off('data', take);
        parts = [];
        onTooLong();
      }
    }
  };
  stream.on('data', take);
}

/** The SDK folder (`clients/python`), found upwards from this file, built or not. */
export function pythonSdkPath(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'clients', 'python');
    if (existsSync(join(candidate, 'qautlra', 'bridge.py'))) return candidate;
  }
  return resolve('clients/python');
}

export function pythonExecutable(explicit?: string): string {
  return (
    explicit ??
    process.env.QAUTLRA_PYTHON ??
    (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
  );
}

function bridgeEnv(): NodeJS.ProcessEnv {
  const sdk = pythonSdkPath();
  return {
    ...process.env,
    PYTHONPATH: process.env.PYTHONPATH ? `${sdk}:${process.env.PYTHONPATH}` : sdk,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  };
}

/** Reads a Python strategy file's declaration (a short-lived bridge process). */
export function describePythonStrategy(file: string, python?: string): PythonDescription {
  const result = spawnSync(pythonExecutable(python), ['-m', 'qautlra.bridge'], {
    input: `${JSON.stringify({ op: 'describe', file: resolve(file) })}\n`,
    env: bridgeEnv(),
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  if (result.error) throw new PythonStrategyError(`python: ${result.error.message}`);
  const line = result.stdout.split('\n').find((text) => text.trim().startsWith('{'));
  if (!line) throw new PythonStrategyError(`python gave no answer: ${result.stderr.slice(-2000)}`);
  const reply = JSON.parse(line) as {
    op: string;
    error?: string;
    traceback?: string;
  } & PythonDescription;
  if (reply.op !== 'described')
    throw new PythonStrategyError(
      reply.error ?? 'python did not describe the strategy',
      reply.traceback,
    );
  return reply;
}

/**
 * One Python strategy process (`python -m qautlra.bridge`), JSON lines both ways, one request at a
 * time. A request that takes longer than the timeout, an exit, or a line that is not the protocol
 * ends the process and fails the request (and every later one) with a {@link PythonStrategyError}.
 */
export class PythonBridge {
  private readonly child: ChildProcess;
  private waiting?: {
    resolve(value: Record<string, unknown>): void;
    reject(error: Error): void;
    timer: NodeJS.Timeout;
  };
  private failure?: PythonStrategyError;
  private readonly stderr: string[] = [];
  private readonly timeoutMs: number;

  constructor(
    private readonly file: string,
    private readonly options: PythonBridgeOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.child = spawn(pythonExecutable(options.python), ['-m', 'qautlra.bridge'], {
      env: bridgeEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.on('error', (error) =>
      this.fail(new PythonStrategyError(`python: ${error.message}`)),
    );
    this.child.on('exit', (code, signal) => {
      if (!this.failure)
        this.fail(
          new PythonStrategyError(
            `the Python process ended (${signal ?? `exit code ${code}`})${this.stderr.length ? `: ${this.stderr.slice(-20).join('\n')}` : ''}`,
          ),
        );
    });
    this.child.stdin?.on('error', () => undefined); // an exit follows
    const tooLong = () =>
      this.fail(
        new PythonStrategyError(
          `the Python process wrote a line of over ${MAX_LINE_BYTES / 1024 / 1024} MiB; it was stopped`,
        ),
      );
    readLines(this.child.stdout!, (line) => this.onLine(line), tooLong);
    readLines(
      this.child.stderr!,
      (line) => {
        this.stderr.push(line.slice(0, 2_000));
        if (this.stderr.length > 200) this.stderr.shift();
        options.onOutput?.(line.slice(0, 8_000));
      },
      tooLong,
    );
  }

  get failed(): PythonStrategyError | undefined {
    return this.failure;
  }

  async init(
    params: Record<string, unknown>,
    accounts: readonly string[],
  ): Promise<PythonDescription> {
    const reply = await this.request({ op: 'init', file: resolve(this.file), params, accounts });
    return reply as unknown as PythonDescription;
  }

  /** Hands events over; Python handles them in order until one makes orders. */
  async events(
    state: Record<string, unknown>,
    events: readonly (PythonEvent | unknown[])[],
    through = false,
  ): Promise<PythonReply> {
    const reply = await this.request({
      op: 'events',
      state,
      events,
      ...(through ? { through: true } : {}),
    });
    if (reply.op !== 'done' || typeof reply.processed !== 'number' || !Array.isArray(reply.actions))
      throw this.fail(
        new PythonStrategyError(`not the bridge protocol: ${JSON.stringify(reply).slice(0, 500)}`),
      );
    return reply as unknown as PythonReply;
  }

  close(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.failure ??= new PythonStrategyError('the bridge is closed');
  }

  private request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting) return Promise.reject(new PythonStrategyError('one request at a time'));
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(
        () =>
          this.fail(
            new PythonStrategyError(
              `a Python callback did not return within ${this.timeoutMs} ms (an endless loop?); the process was stopped`,
            ),
          ),
        this.timeoutMs,
      );
      this.waiting = { resolve: resolvePromise, reject, timer };
      this.child.stdin?.write(`${JSON.stringify(message)}\n`);
    });
  }

  private onLine(line: string): void {
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      this.fail(
        new PythonStrategyError(
          `the Python process wrote something that is not the bridge protocol: ${line.slice(0, 300)}`,
        ),
      );
      return;
    }
    const waiting = this.waiting;
    if (!waiting || typeof reply !== 'object' || reply === null) {
      this.fail(
        new PythonStrategyError(`unexpected output from the Python process: ${line.slice(0, 300)}`),
      );
      return;
    }
    this.waiting = undefined;
    clearTimeout(waiting.timer);
    const record = reply as Record<string, unknown>;
    if (record.op === 'error') {
      waiting.reject(
        new PythonStrategyError(
          String(record.error),
          typeof record.traceback === 'string' ? record.traceback : undefined,
        ),
      );
      return;
    }
    waiting.resolve(record);
  }

  private fail(error: PythonStrategyError): PythonStrategyError {
    if (this.failure) return this.failure;
    this.failure = error;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return error;
  }
}
