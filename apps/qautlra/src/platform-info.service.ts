import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthRegistry, type SupervisedStatus } from '@qautlra/platform';
import { QAUTLRA_CONFIG, QAUTLRA_PROCESSES } from './tokens';
import type { QautlraConfig } from './config';

/** The launcher's view of the apps it runs as processes. */
export interface AppProcesses {
  statuses(): SupervisedStatus[];
}

export interface ComponentInfo {
  app: string;
  original: string;
  state: 'planned' | 'partial' | 'working';
  url?: string;
  docs?: string;
  websocket?: string;
  /** Its process under `npm start`: running, starting, restarting (after a crash), stopped. */
  process?: Omit<SupervisedStatus, 'name'>;
}

export interface PlatformInfo {
  name: string;
  description: string;
  database: 'postgres' | 'pglite';
  health: string;
  metrics: string;
  docs: string;
  components: ComponentInfo[];
}

/** The components of DESIGN.md §1, how far each is built, and where the running ones serve. */
export const COMPONENTS: readonly ComponentInfo[] = [
  { app: 'md-gateway', original: 'QAMDGATEWAY', state: 'working' },
  { app: 'tsdb', original: 'QADB-RS', state: 'working' },
  { app: 'trade-server', original: 'QATRADESERVER-RS', state: 'working' },
  { app: 'trader', original: 'QATRADER-RS', state: 'working' },
  { app: 'realtime', original: 'QAREALTIMEPRO-RS', state: 'working' },
  { app: 'fund-analytics', original: 'QAMAINTAINDB-RS', state: 'working' },
  { app: 'backtest', original: 'QARS', state: 'partial' },
  { app: 'strategy', original: 'QARS (live strategies)', state: 'working' },
  { app: 'web', original: 'QAOMS', state: 'working' },
];

@Injectable()
export class PlatformInfoService implements OnModuleInit {
  private database: PlatformInfo['database'] = 'pglite';

  constructor(
    @Inject(QAUTLRA_CONFIG) private readonly config: QautlraConfig,
    @Inject(QAUTLRA_PROCESSES) private readonly processes: AppProcesses | null,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    const processes = this.processes;
    if (!processes) return;
    this.health.register('apps', () => {
      const down = processes.statuses().filter((status) => status.state !== 'running');
      if (down.length > 0)
        return { degraded: down.map((status) => `${status.name} ${status.state}`).join(', ') };
    });
  }

  setDatabase(kind: PlatformInfo['database']): void {
    this.database = kind;
  }

  describe(): PlatformInfo {
    const base = `http://localhost:${this.config.port}`;
    return {
      name: 'QAUTLRA',
      description: 'Quantitative trading and market-data platform for Chinese futures and A-shares',
      database: this.database,
      health: `${base}/health`,
      metrics: `${base}/metrics`,
      docs: `${base}/api/docs`,
      components: COMPONENTS.map((component) => {
        const running = this.config.running.find((app) => app.app === component.app);
        const status = this.processes?.statuses().find((item) => item.name === component.app);
        const process = status && (({ name: _name, ...rest }) => rest)(status);
        return running
          ? {
              ...component,
              url: running.url,
              docs: running.docs,
              websocket: running.websocket,
              ...(process ? { process } : {}),
            }
          : component;
      }),
    };
  }
}
