import {
  Logger,
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { keepAlive, boundedSend, trackConnection, wsText } from '@qautlra/platform';
import { WebSocket, WebSocketServer } from 'ws';
import type { TradeServerConfig } from '../config';
import { TRADE_SERVER_CONFIG } from '../tokens';
import { AccountHub } from '../accounts/account-hub';
import { AccountsService } from '../accounts/accounts.service';
import { AuthService } from '../auth/auth.service';
import { OrdersService } from '../orders/orders.service';
import { TradeSession, TradeSessionDeps } from './trade-session';

/** The DIFF trade socket's paths: the original trader's default `ws://localhost:7988` and `/ws/trade`. */
export const TRADE_SOCKET_PATHS: readonly string[] = ['/', '/ws/trade'];
/** Frames larger than this close the connection with 1009 (message too big). */
export const MAX_TRADE_FRAME_BYTES = 256 * 1024;
/** A client whose unsent data exceeds this is dropped (1008). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const PING_INTERVAL_MS = 15_000;
const IDLE_TIMEOUT_MS = 45_000;

/** Serves the DIFF trade protocol on the app's HTTP server (REST and WebSocket on one port). */
@Injectable()
export class TradeSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('trade-socket');
  private readonly server: WebSocketServer;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: AuthService,
    private readonly accounts: AccountsService,
    private readonly orders: OrdersService,
    private readonly hub: AccountHub,
    @Inject(TRADE_SERVER_CONFIG) config: TradeServerConfig,
  ) {
    this.server = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_TRADE_FRAME_BYTES,
      perMessageDeflate: config.websocketDeflate ? { threshold: 4096 } : false,
    });
  }

  get clientCount(): number {
    return this.server.clients.size;
  }

  onApplicationBootstrap(): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://trade').pathname;
      if (!TRADE_SOCKET_PATHS.includes(path)) return;
      this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
    });
  }

  beforeApplicationShutdown(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    trackConnection(this.logger, ws, request);
    const remoteAddress = request.socket.remoteAddress ?? 'unknown';
    const session = new TradeSession(
      {
        send: boundedSend(ws, MAX_BUFFERED_BYTES),
      },
      this.sessionDeps(remoteAddress),
    );
    keepAlive(ws, { pingIntervalMs: PING_INTERVAL_MS, idleTimeoutMs: IDLE_TIMEOUT_MS });
    ws.on('message', (data, isBinary) => session.handle(isBinary ? '' : wsText(data)));
    ws.on('close', () => session.close());
    ws.on('error', () => ws.terminate());
  }

  /** What one connection's session uses of the services (its peer's failed logins counted). */
  private sessionDeps(remoteAddress: string): TradeSessionDeps {
    const failures = this.auth.loginFailures;
    return {
      hub: this.hub,
      enqueue: (entry) => this.orders.enqueue(entry),
      login: (bid, userName, password) => this.auth.diffLogin(bid, userName, password),
      verifyPassword: (userName, password) => this.auth.verifyPassword(userName, password),
      changePassword: (userName, password) => this.auth.changePassword(userName, password),
      settlement: (accounts, tradingDay) => this.accounts.settlementText(accounts, tradingDay),
      allowLogin: () => !failures.exhausted(remoteAddress, Date.now()),
      loginFailed: () => void failures.hit(remoteAddress, Date.now()),
    };
  }
}
