import { Logger } from '@nestjs/common';
import type { JsonObject } from '@qautlra/diff';
import type { Lease } from '@qautlra/platform';
import { AccountMonitor, FiguresListener } from './accounts/account-monitor';
import type { RealtimeConfig } from './config';
import type { RoomBus } from './rooms/room-bus';
import { parseRoom, RoomNameError } from './rooms/room-name';
import { RoomPublisher, RoomSource } from './rooms/room-publisher';

/** What the leader computes besides accounts (factor rooms), plugged in by the app. */
export interface RoomComputer {
  stateOf(room: string): JsonObject | undefined;
  wanted(room: string, wanted: boolean): void;
  stop(): void;
}

/**
 * The work one instance does for all (the lease holder): the accounts re-marked on live quotes, the
 * factor rooms some instance wants, and the publishing of rooms. Losing the lease stops it; the
 * next holder rebuilds everything from the trade server and the tsdb (nothing here outlives it).
 */
export class Leader implements RoomSource {
  private readonly logger = new Logger('realtime-leader');
  private publisher?: RoomPublisher;
  private accounts?: AccountMonitor;
  private factors?: RoomComputer;

  constructor(
    private readonly config: RealtimeConfig,
    private readonly bus: RoomBus,
    private readonly lease: Lease,
    private readonly makeFactors: (publisher: RoomPublisher) => RoomComputer,
    private readonly onFigures: FiguresListener,
    /** What an account room carries besides the account (its latest alerts). */
    private readonly accountExtras: (account: string) => JsonObject = () => ({}),
    /** Accounts whose figures are wanted without a watcher (alert rules). */
    private readonly watched: (account: string) => boolean = () => false,
  ) {
    // One handler for the life of the app: requests go to whichever publisher leads now.
    bus.onRequest((room, reset) => this.publisher?.requested(room, reset));
  }

  get leading(): boolean {
    return this.lease.held;
  }

  get monitor(): AccountMonitor | undefined {
    return this.accounts;
  }

  get roomPublisher(): RoomPublisher | undefined {
    return this.publisher;
  }

  async start(): Promise<void> {
    await this.lease.start(
      async () => {
        this.logger.log('leading: computing the rooms');
        const publisher = new RoomPublisher(this.bus, this, {
          wantTtlMs: Math.max(15_000, this.config.pushIntervalMs * 10),
          storeIntervalMs: 1_000,
        });
        this.publisher = publisher;
        this.accounts = new AccountMonitor(
          {
            monitorUrl: `${this.config.tradeUrl.replace(/^http/, 'ws')}/ws/monitor`,
            token: this.config.tradeToken,
            apiKey: this.config.tradeApiKey,
            marketUrl: this.config.marketUrl,
            pushIntervalMs: this.config.pushIntervalMs,
            watched: this.watched,
          },
          publisher,
          this.onFigures,
        );
        this.factors = this.makeFactors(publisher);
        this.accounts.start();
        await Promise.resolve();
      },
      async () => {
        this.logger.warn('no longer leading');
        this.stopWork();
        await Promise.resolve();
      },
    );
  }

  async stop(): Promise<void> {
    await this.lease.stop();
    this.stopWork();
  }

  stateOf(room: string): JsonObject | undefined {
    const parsed = this.parse(room);
    if (!parsed) return undefined;
    if (parsed.kind === 'ACCOUNT') {
      const state = this.accounts?.stateOf('ACCOUNT', parsed.account);
      return state && { ...state, alerts: this.accountExtras(parsed.account).alerts ?? {} };
    }
    if (parsed.kind === 'PORTFOLIO') return this.accounts?.stateOf('PORTFOLIO', parsed.user);
    return this.factors?.stateOf(room);
  }

  wanted(room: string, wanted: boolean): void {
    const parsed = this.parse(room);
    if (parsed && (parsed.kind === 'FACTOR' || parsed.kind === 'RANK'))
      this.factors?.wanted(room, wanted);
  }

  private parse(room: string) {
    try {
      return parseRoom(room);
    } catch (error) {
      if (error instanceof RoomNameError) return undefined;
      throw error;
    }
  }

  private stopWork(): void {
    this.accounts?.stop();
    this.factors?.stop();
    this.publisher?.close();
    this.accounts = undefined;
    this.factors = undefined;
    this.publisher = undefined;
  }
}
