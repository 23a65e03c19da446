import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { epochMsToBeijing } from '@qautlra/calendar';
import { HealthRegistry } from '@qautlra/platform';
import { TsdbEngine } from '@qautlra/tsdb';
import type { TsdbConfig } from './config';
import { AmqpIngest } from './live/amqp-ingest';
import { GatewayRecorder } from './live/gateway-recorder';
import { NatsIngest } from './live/nats-ingest';
import { PushServer } from './live/push-server';
import { TSDB_CONFIG } from './tokens';

/** Owns the engine: opens it, flushes staged rows on a timer, closes it on shutdown. */
@Injectable()
export class TsdbService implements OnModuleInit, OnApplicationShutdown {
  private engineRef?: TsdbEngine;
  private timer?: NodeJS.Timeout;
  recorder?: GatewayRecorder;
  push?: PushServer;
  amqp?: AmqpIngest;
  nats?: NatsIngest;

  constructor(
    @Inject(TSDB_CONFIG) readonly config: TsdbConfig,
    private readonly health: HealthRegistry,
  ) {}

  get engine(): TsdbEngine {
    if (!this.engineRef) throw new Error('tsdb engine not open');
    return this.engineRef;
  }

  async onModuleInit(): Promise<void> {
    this.engineRef = await TsdbEngine.open({
      dataDir: this.config.dataDir,
      stagingDir: this.config.stagingDir,
      rowGroupSize: this.config.rowGroupSize,
      compression: this.config.compression,
      queryTimeoutMs: this.config.queryTimeoutMs,
      maxResultRows: this.config.maxResultRows,
      maxResultBytes: this.config.maxResultBytes,
      maxFields: this.config.maxFields,
      maxJsonDepth: this.config.maxJsonDepth,
    });
    this.timer = setInterval(() => void this.maintain(), this.config.flushIntervalMs);
    this.timer.unref();
    for (const failed of this.engine.failedStreams())
      this.logger.error({ stream: failed.name, err: failed.error }, 'stream left out at start');
    this.health.register('storage', async () => {
      await this.engine.query('SELECT 1');
      const failed = this.engine.failedStreams();
      if (failed.length > 0)
        return { degraded: `streams not loaded: ${failed.map((f) => f.name).join(', ')}` };
    });
    if (this.config.websocket) {
      this.push = new PushServer(this.engine, {
        ...this.config.websocket,
        username: this.config.username,
        password: this.config.password,
      });
      await this.push.start();
    }
    if (this.config.amqp) {
      this.amqp = new AmqpIngest(this.engine, this.config.amqp);
      await this.amqp.start();
    }
    if (this.config.nats) {
      this.nats = new NatsIngest(this.engine, this.config.nats);
      await this.nats.start();
    }
    if (this.config.wsClient) {
      this.recorder = new GatewayRecorder(this.engine, this.config.wsClient);
      await this.recorder.start();
    }
  }

  /** The periodic job: flush staged rows, compact small files, drop days past the retention. */
  async maintain(): Promise<void> {
    try {
      await this.flushAll();
      for (const stream of this.engine.listStreams()) {
        await this.engine.compact(stream);
        if (this.config.retentionDays > 0) {
          const oldestKept = epochMsToBeijing(
            Date.now() - this.config.retentionDays * 86_400_000,
          ).date;
          await this.engine.expire(stream, oldestKept);
        }
      }
    } catch (error) {
      // The next run retries; staged rows stay staged until a flush succeeds.
      this.lastMaintenanceError = (error as Error).message;
    }
  }

  lastMaintenanceError?: string;
  private readonly logger = new Logger('tsdb');

  /** Flushes every stream's staged rows to Parquet; returns the number of rows moved. */
  async flushAll(): Promise<number> {
    let moved = 0;
    for (const stream of this.engine.listStreams()) moved += await this.engine.flush(stream);
    return moved;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.recorder?.stop();
    await this.amqp?.stop();
    await this.nats?.stop();
    await this.push?.stop();
    await this.engineRef?.close();
    this.engineRef = undefined;
  }
}
