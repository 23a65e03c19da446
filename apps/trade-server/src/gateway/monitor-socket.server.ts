import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { boundedSend, keepAlive, sameSecret, trackConnection, wsText } from '@qautlra/platform';
import { WebSocket, WebSocketServer } from 'ws';
import { AccountHub } from '../accounts/account-hub';
import { AccountsService } from '../accounts/accounts.service';
import { AuthService } from '../auth/auth.service';
import { ACCOUNTS_CHANNEL } from '../bus/event-bus';
import type { TradeTransport } from '../bus/transport';
import type { TradeServerConfig } from '../config';
import { TRADE_SERVER_CONFIG, TRADE_TRANSPORT } from '../tokens';
import { MonitorSession } from './monitor-session';

export const MONITOR_SOCKET_PATH = '/ws/monitor';
const MAX_FRAME_BYTES = 1024 * 1024;
/** A monitor carries many accounts: it may fall further behind than a user's socket. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const PING_INTERVAL_MS = 15_000;
const IDLE_TIMEOUT_MS = 45_000;

/**
 * The account monitor socket (`/ws/monitor`): many accounts' sections on one connection for a
 * service such as the realtime monitor, instead of one DIFF login per user. Only the monitor token
 * (`TRADE_MONITOR_TOKEN`) or an admin's JWT / API key opens it (`Authorization: Bearer …` or
 * `X-API-Key` on the upgrade request); anyone else gets HTTP 401/403 and no socket.
 */
@Injectable()
export class MonitorSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('monitor-socket');
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly sessions = new Set<MonitorSession>();
  private readonly onOpened = () => {
    for (const session of this.sessions) void session.accountOpened();
  };

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly accounts: AccountsService,
    private readonly hub: AccountHub,
    @Inject(TRADE_TRANSPORT) private readonly transport: TradeTransport,
    @Inject(TRADE_SERVER_CONFIG) private readonly config: TradeServerConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.transport.bus.subscribe(ACCOUNTS_CHANNEL, this.onOpened);
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://trade').pathname;
      if (path !== MONITOR_SOCKET_PATH) return;
      void this.admit(request).then(
        (refusal) => {
          if (refusal) {
            socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
            return;
          }
          this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
        },
        () => socket.destroy(),
      );
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.bus.unsubscribe(ACCOUNTS_CHANNEL, this.onOpened).catch(() => undefined);
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  /** Undefined when the request may open the socket, else the HTTP status line's rest. */
  private async admit(request: IncomingMessage): Promise<string | undefined> {
    const header = request.headers.authorization;
    const bearer =
      typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const apiKey = request.headers['x-api-key'];
    const token = this.config.monitorToken;
    if (bearer !== undefined && token !== undefined && sameSecret(bearer, token)) return undefined;
    if (bearer === undefined && typeof apiKey !== 'string') return '401 Unauthorized';
    const outcome = await this.auth.authenticate(
      bearer !== undefined ? { bearer } : { apiKey: apiKey as string },
    );
    if (!outcome.ok) return '401 Unauthorized';
    return outcome.user.isAdmin ? undefined : '403 Forbidden';
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    trackConnection(this.logger, ws, request);
    const session = new MonitorSession({
      hub: this.hub,
      allAccounts: () => this.accounts.allAccounts(),
      send: boundedSend(ws, MAX_BUFFERED_BYTES),
    });
    this.sessions.add(session);
    keepAlive(ws, { pingIntervalMs: PING_INTERVAL_MS, idleTimeoutMs: IDLE_TIMEOUT_MS });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      session
        .handle(wsText(data))
        .catch((error: Error) => this.logger.warn(`monitor watch failed: ${error.message}`));
    });
    ws.on('close', () => {
      this.sessions.delete(session);
      session.close();
    });
    ws.on('error', () => ws.terminate());
  }
}
