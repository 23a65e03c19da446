import { Inject, Injectable } from '@nestjs/common';
import { QAUTLRA_CONFIG } from './tokens';
import type { QautlraConfig } from './config';

export interface ComponentInfo {
  app: string;
  original: string;
  state: 'planned' | 'partial' | 'working';
  url?: string;
  docs?: string;
  websocket?: string;
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
  { app: 'realtime', original: 'QAREALTIMEPRO-RS', state: 'planned' },
  { app: 'fund-analytics', original: 'QAMAINTAINDB-RS', state: 'working' },
  { app: 'backtest', original: 'QARS', state: 'planned' },
  { app: 'web', original: 'QAOMS', state: 'partial' },
];

@Injectable()
export class PlatformInfoService {
  private database: PlatformInfo['database'] = 'pglite';

  constructor(@Inject(QAUTLRA_CONFIG) private readonly config: QautlraConfig) {}

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
        return running
          ? {
              ...component,
              url: running.url,
              docs: running.docs,
              websocket: running.websocket,
            }
          : component;
      }),
    };
  }
}
