import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { TradeIdentity, TradeIdentityClient } from '@qautlra/clients';
import type { JsonObject } from '@qautlra/diff';
import { HealthRegistry, Lease } from '@qautlra/platform';
import { Counter, Gauge, Registry } from 'prom-client';
import type { RealtimeConfig } from './config';
import { FactorEngine } from './factors/factor-engine';
import { Leader } from './leader';
import type { RoomBus } from './rooms/room-bus';
import { RoomHub } from './rooms/room-hub';
import { isAnswer, RealtimeSession, refusal, RoomAnswer, roomOf } from './rooms/session';
import { LEADER_LEASE, REALTIME_CONFIG, ROOM_BUS } from './tokens';
import { AlertService } from './alerts/alert.service';

/**
 * The realtime monitor's core, shared by both socket protocols and REST: who a credential stands
 * for, which rooms a session may join, the rooms this instance relays (`RoomHub`), and — while this
 * instance holds the lease — the leader's work (`Leader`).
 */
@Injectable()
export class RealtimeService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('realtime');
  readonly hub: RoomHub;
  readonly leader: Leader;
  private readonly identities: TradeIdentityClient;
  /** Open sessions by their id (`POST /realtime_sub` names one). */
  private readonly sessions = new Map<string, RealtimeSession>();
  private readonly metricSubscriptions: Counter<'outcome'>;
  private readonly keepFactors: NodeJS.Timeout;

  constructor(
    @Inject(REALTIME_CONFIG) readonly config: RealtimeConfig,
    @Inject(ROOM_BUS) private readonly bus: RoomBus,
    @Inject(LEADER_LEASE) lease: Lease,
    alerts: AlertService,
    health: HealthRegistry,
    registry: Registry,
  ) {
    this.hub = new RoomHub(bus, { keepAliveMs: Math.max(1_000, config.pushIntervalMs * 10) });
    this.identities = new TradeIdentityClient({ url: config.tradeUrl });
    this.leader = new Leader(
      config,
      bus,
      lease,
      (publisher) => new FactorEngine(config, publisher),
      (account, user, figures, book) => alerts.check(account, user, figures, book),
      (account) => ({ alerts: alerts.recentOf(account) }),
      (account) => alerts.hasRules(account),
    );
    alerts.push = (account, patch) => {
      const publisher = this.leader.roomPublisher;
      const room = `ACCOUNT:${account}`;
      if (publisher?.isWanted(room)) publisher.patch(room, patch);
    };
    alerts.factorValue = (room) => {
      const value: unknown = this.leader.leading ? this.leader.stateOf(room)?.value : undefined;
      if (typeof value === 'number') return value;
      const first: unknown =
        value && typeof value === 'object' ? Object.values(value)[0] : undefined;
      return typeof first === 'number' ? first : undefined;
    };
    // The factor rooms that alert rules watch stay computed while this instance leads.
    this.keepFactors = setInterval(() => {
      const publisher = this.leader.roomPublisher;
      if (publisher) for (const room of alerts.factorRooms()) publisher.requested(room, false);
    }, 1_000);
    this.keepFactors.unref();
    health.register('trade-server monitor', () => {
      const monitor = this.leader.monitor;
      if (monitor && monitor.states.trade !== 'connected')
        throw new Error(`trade server monitor ${monitor.states.trade}`);
      return Promise.resolve();
    });
    const sessions = this.sessions;
    new Gauge({
      name: 'realtime_sessions',
      help: 'Open realtime sessions (both protocols)',
      registers: [registry],
      collect() {
        this.set(sessions.size);
      },
    });
    this.metricSubscriptions = new Counter({
      name: 'realtime_subscriptions_total',
      help: 'Room subscription requests by outcome code',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const leader = this.leader;
    for (const [name, help, key] of [
      ['realtime_quotes', 'Quotes taken by the account monitor while leading', 'quotes'],
      ['realtime_remarks', 'Positions re-marked on live quotes while leading', 'remarks'],
      ['realtime_account_pushes', 'Account room patches published while leading', 'pushes'],
    ] as const)
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(leader.monitor?.counts[key] ?? 0);
        },
      });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.leader.start();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.keepFactors);
    this.hub.close();
    await this.leader.stop();
    await this.bus.close();
  }

  open(session: RealtimeSession): void {
    this.sessions.set(session.sid, session);
  }

  async close(session: RealtimeSession): Promise<void> {
    this.sessions.delete(session.sid);
    await this.hub.leaveAll(session);
    session.rooms.clear();
  }

  session(sid: string): RealtimeSession | undefined {
    return this.sessions.get(sid);
  }

  /** Who a credential (a trade-server JWT or API key) stands for; undefined when refused. */
  async identify(key: unknown): Promise<TradeIdentity | undefined> {
    if (typeof key !== 'string') return undefined;
    try {
      return await this.identities.verify(key.trim());
    } catch (error) {
      this.logger.warn(
        `cannot check a credential with the trade server: ${(error as Error).message}`,
      );
      return undefined;
    }
  }

  async subscribe(session: RealtimeSession, name: unknown): Promise<RoomAnswer> {
    const answer = await this.trySubscribe(session, name);
    this.metricSubscriptions.inc({ outcome: String(answer.code) });
    return answer;
  }

  private async trySubscribe(session: RealtimeSession, name: unknown): Promise<RoomAnswer> {
    const room = roomOf(name);
    if (isAnswer(room)) return room;
    const refused = refusal(session.identity, room);
    if (refused) return refused;
    if (session.rooms.has(room.name)) return { code: 200, room: room.name, message: 'success' };
    if (session.rooms.size >= this.config.maxRoomsPerConnection)
      return {
        code: 429,
        room: room.name,
        message: `at most ${this.config.maxRoomsPerConnection} rooms per connection`,
      };
    session.rooms.add(room.name);
    await this.hub.join(room.name, session);
    return { code: 200, room: room.name, message: 'success' };
  }

  async unsubscribe(session: RealtimeSession, name: unknown): Promise<RoomAnswer> {
    const room = roomOf(name);
    if (isAnswer(room)) return room;
    if (!session.rooms.delete(room.name))
      return { code: 404, room: room.name, message: `not in room ${room.name}` };
    await this.hub.leave(room.name, session);
    return { code: 200, room: room.name, message: 'success' };
  }

  /** A room's state for REST: the caller must be allowed in it. */
  async read(
    identity: TradeIdentity | undefined,
    name: string,
  ): Promise<{ answer: RoomAnswer; state?: JsonObject }> {
    const room = roomOf(name);
    if (isAnswer(room)) return { answer: room };
    const refused = refusal(identity, room);
    if (refused) return { answer: refused };
    let state = await this.stateOf(room.name);
    if (!state) {
      // Nobody wanted it yet: ask the leader, which computes and stores it; wait a little.
      this.bus.request(room.name, true);
      for (let tries = 0; !state && tries < 100; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        state = await this.stateOf(room.name);
      }
    }
    if (!state)
      return { answer: { code: 404, room: room.name, message: `${room.name} has no state yet` } };
    return { answer: { code: 200, room: room.name, message: 'success' }, state };
  }

  private async stateOf(room: string): Promise<JsonObject | undefined> {
    const local = this.leader.leading ? this.leader.stateOf(room) : undefined;
    return local ?? (await this.hub.read(room));
  }

  /** Rooms relayed here with their members, and (when leading) the rooms computed. */
  rooms(): { relayed: { room: string; members: number }[]; computed: string[]; leading: boolean } {
    return {
      relayed: this.hub.list(),
      computed: this.leader.roomPublisher?.wantedRooms() ?? [],
      leading: this.leader.leading,
    };
  }
}
