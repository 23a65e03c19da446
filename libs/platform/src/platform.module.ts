import { DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health.registry';
import { MetricsController } from './metrics.controller';

export interface PlatformModuleOptions {
  appName: string;
}

/** `/health` and Prometheus `/metrics` for an app; other modules register checks and metrics. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: HealthRegistry,
          useFactory: () => {
            const registry = new HealthRegistry();
            registry.appName = options.appName;
            return registry;
          },
        },
        {
          provide: Registry,
          useFactory: () => {
            const registry = new Registry();
            registry.setDefaultLabels({ app: options.appName });
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
      ],
      exports: [HealthRegistry, Registry],
    };
  }
}
