import { backoffDelay } from './backoff';

export interface ReconnectOptions {
  /** First delay after a failure, doubling to `capMs` (1 s and 30 s by default). */
  baseMs?: number;
  capMs?: number;
}

/**
 * The platform's one reconnect loop: `start()` connects, `failed()` after a drop schedules the next
 * attempt with capped exponential back-off (and says how long it waits), `succeeded()` once a
 * connection is really usable resets the back-off, `stop()` cancels whatever is pending. Clients
 * (market data, DIFF trading) own their sockets and call these at the matching moments.
 */
export class Reconnector {
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly connect: () => void,
    private readonly options: ReconnectOptions = {},
  ) {}

  get stopped(): boolean {
    return !this.running;
  }

  /** Consecutive failures since the last success. */
  get attempts(): number {
    return this.failures;
  }

  start(): void {
    this.running = true;
    clearTimeout(this.timer);
    this.connect();
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** Schedules the next attempt; the delay in ms (0 when stopped: nothing is scheduled). */
  failed(): number {
    if (!this.running) return 0;
    this.failures += 1;
    const delay = backoffDelay(this.failures, this.options.baseMs, this.options.capMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.running) this.connect();
    }, delay);
    this.timer.unref();
    return delay;
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }
}
