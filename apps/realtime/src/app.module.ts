import { DynamicModule, Module } from '@nestjs/common';
import {
  createRedis,
  HealthRegistry,
  LocalLease,
  PlatformModule,
  RedisLease,
} from '@qautlra/platform';
import type Redis from 'ioredis';
import { AlertService } from './alerts/alert.service';
import type { RealtimeConfig } from './config';
import { RealtimeService } from './realtime.service';
import { AlertsController, LegacyController, RoomsController } from './rest/realtime.controller';
import { RealtimeAuthGuard } from './rest/realtime-auth.guard';
import { InProcessRoomBus, RedisRoomBus, RoomBus } from './rooms/room-bus';
import { RealtimeGateway } from './transport/realtime.gateway';
import { TopicSocketServer } from './transport/topic-socket.server';
import { LEADER_LEASE, REALTIME_CONFIG, ROOM_BUS } from './tokens';

/**
 * The room bus and the leader lease, chosen by the configuration: with `REDIS_URL`, Redis pub/sub
 * and a Redis lease (several instances, one leader); without, both in this process.
 */
async function redisInfra(config: RealtimeConfig, health: HealthRegistry) {
  if (!config.redisUrl) return undefined;
  const url = config.redisUrl;
  const connect = (role: string, autoPipelining = false): Redis =>
    createRedis(url, `realtime-${role}`, { autoPipelining });
  const control = connect('control');
  const publisher = connect('publisher', true);
  const subscriber = connect('subscriber');
  await Promise.all([control.connect(), publisher.connect(), subscriber.connect()]);
  health.register('redis', async () => {
    await control.ping();
  });
  return { control, publisher, subscriber };
}

@Module({})
export class AppModule {
  static forRoot(config: RealtimeConfig): DynamicModule {
    let infra: Promise<Awaited<ReturnType<typeof redisInfra>>> | undefined;
    const redisOf = (health: HealthRegistry) => (infra ??= redisInfra(config, health));
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot({ appName: 'realtime' })],
      controllers: [LegacyController, RoomsController, AlertsController],
      providers: [
        { provide: REALTIME_CONFIG, useValue: config },
        {
          provide: ROOM_BUS,
          inject: [HealthRegistry],
          useFactory: async (health: HealthRegistry): Promise<RoomBus> => {
            const redis = await redisOf(health);
            return redis
              ? new RedisRoomBus(redis.publisher, redis.subscriber, config.namespace)
              : new InProcessRoomBus();
          },
        },
        {
          provide: LEADER_LEASE,
          inject: [HealthRegistry],
          useFactory: async (health: HealthRegistry) => {
            const redis = await redisOf(health);
            return redis
              ? new RedisLease(redis.control, `${config.namespace}:leader`, config.leaseMs)
              : new LocalLease();
          },
        },
        AlertService,
        RealtimeService,
        RealtimeAuthGuard,
        TopicSocketServer,
        RealtimeGateway,
      ],
    };
  }
}
