import { Injectable } from '@nestjs/common';

/** A check that works but with a part left out (a quarantined account, a stream that failed to load). */
export interface HealthDegraded {
  degraded: string;
}

/** Throws when the part is down; returns `{degraded}` when it serves with something left out. */
export type HealthCheck = () => Promise<void | HealthDegraded> | void | HealthDegraded;

export type HealthStatus = 'ok' | 'degraded' | 'error';

export interface HealthReport {
  /** `error` when a check failed (HTTP 503), `degraded` when one serves with parts left out (200). */
  status: HealthStatus;
  app: string;
  uptime: number;
  checks: Record<string, { status: HealthStatus; error?: string }>;
}

/** Named checks (database ping, broker connection, feed state) that `/health` runs. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly startedAt = Date.now();
  appName = 'qautlra';

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          const outcome = await check();
          checks[name] = outcome
            ? { status: 'degraded', error: outcome.degraded }
            : { status: 'ok' };
        } catch (error) {
          checks[name] = { status: 'error', error: (error as Error).message };
        }
      }),
    );
    const statuses = Object.values(checks).map((check) => check.status);
    return {
      status: statuses.includes('error')
        ? 'error'
        : statuses.includes('degraded')
          ? 'degraded'
          : 'ok',
      app: this.appName,
      uptime: Math.round((Date.now() - this.startedAt) / 1000),
      checks,
    };
  }
}
