import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * Which one of several instances on one Redis does a job that must run once (the trade server's
 * broker worker: a broker's accounts live in one engine at a time; the realtime monitor's leader,
 * which re-marks the accounts and computes the rooms). The holder renews it every `ttlMs / 3`; a
 * lease not renewed within `ttlMs` (the holder died) is taken over by another instance, which
 * rebuilds its state from the stores.
 */
export interface Lease {
  /** Calls `onAcquired` whenever this instance becomes the holder, `onLost` when it stops being it. */
  start(onAcquired: () => Promise<void>, onLost: () => Promise<void>): Promise<void>;
  readonly held: boolean;
  stop(): Promise<void>;
}

/** Without Redis there is one instance: it always holds the lease. */
export class LocalLease implements Lease {
  held = false;
  private onLost: () => Promise<void> = () => Promise.resolve();

  async start(onAcquired: () => Promise<void>, onLost: () => Promise<void>): Promise<void> {
    this.onLost = onLost;
    this.held = true;
    await onAcquired();
  }

  /** Stops the holder's work (its feeds, timers and pending writes) as losing the lease would. */
  async stop(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.onLost();
  }
}

/** Extends the lease only if this instance still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Releases the lease only if this instance holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisLease implements Lease {
  held = false;
  private readonly token = randomUUID();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private onAcquired: () => Promise<void> = () => Promise.resolve();
  private onLost: () => Promise<void> = () => Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs = 10_000,
  ) {}

  async start(onAcquired: () => Promise<void>, onLost: () => Promise<void>): Promise<void> {
    this.onAcquired = onAcquired;
    this.onLost = onLost;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.held) {
      this.held = false;
      await this.onLost();
      await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.held) {
        const renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
        if (renewed !== 1) {
          this.held = false;
          await this.onLost();
        }
      } else {
        const taken = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
        if (taken === 'OK') {
          this.held = true;
          await this.onAcquired();
        }
      }
    } catch {
      // Redis unreachable: keep trying; a holder that cannot renew loses the lease at its expiry.
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.tick(), this.ttlMs / 3);
      this.timer.unref();
    }
  }
}
