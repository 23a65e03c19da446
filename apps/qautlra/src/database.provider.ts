import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  DatabaseHandle,
  HealthRegistry,
  migrate,
  openDatabase,
  pingDatabase,
  QIFI_STORE_MIGRATIONS,
  QifiDatabase,
} from '@qautlra/platform';
import type { QautlraConfig } from './config';
import { PlatformInfoService } from './platform-info.service';
import { QAUTLRA_CONFIG } from './tokens';

/** The platform database: PostgreSQL when `DATABASE_URL` is set, embedded PGlite under the data dir otherwise. */
@Injectable()
export class DatabaseProvider implements OnModuleInit, OnApplicationShutdown {
  private handle?: DatabaseHandle<QifiDatabase>;

  constructor(
    @Inject(QAUTLRA_CONFIG) private readonly config: QautlraConfig,
    private readonly health: HealthRegistry,
    private readonly info: PlatformInfoService,
  ) {}

  async onModuleInit(): Promise<void> {
    let embeddedDir: string | undefined;
    if (!this.config.databaseUrl) {
      embeddedDir = join(this.config.dataDir, 'pglite');
      mkdirSync(embeddedDir, { recursive: true });
    }
    this.handle = await openDatabase<QifiDatabase>({ url: this.config.databaseUrl, embeddedDir });
    await migrate(this.handle.db, QIFI_STORE_MIGRATIONS);
    this.info.setDatabase(this.handle.kind);
    const handle = this.handle;
    this.health.register('database', () => pingDatabase(handle.db));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.close();
  }
}
