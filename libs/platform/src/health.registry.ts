import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<void> | void;

export interface HealthReport {
  status: 'ok' | 'error';
  app: string;
  uptime: number;
  checks: Record<string, { status: 'ok' | 'error'; error?: string }>;
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
          await check();
          checks[name] = { status: 'ok' };
        } catch (error) {
          checks[name] = { status: 'error', error: (error as Error).message };
        }
      }),
    );
    const failed = Object.values(checks).some((check) => check.status === 'error');
    return {
      status: failed ? 'error' : 'ok',
      app: this.appName,
      uptime: Math.round((Date.now() - this.startedAt) / 1000),
      checks,
    };
  }
}
