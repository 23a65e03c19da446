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
import type { MdGatewayConfig } from '../config';
import { DistributorService } from '../distributor/distributor.service';
import { MD_GATEWAY_CONFIG } from '../tokens';
import { HubSession } from './hub-session';
import { MarketSession } from './market-session';
import { SessionTransport, SocketSession } from './socket-session';

/** The core hub's protocol path and heartbeat (ping every 5 s, close after 10 s of silence). */
export const HUB_PATH = '/ws/marketdata';
const HUB_HEARTBEAT = { pingIntervalMs: 5_000, idleTimeoutMs: 10_000 };

/** Frames larger than this close the connection with 1009 (message too big). */
const MAX_FRAME_BYTES = 1024 * 1024;
/** Above this much unsent data a client is congested: its quotes are coalesced until it catches up. */
const CONGESTED_BYTES = 1024 * 1024;
/** A client whose unsent data still exceeds this (control replies only) is dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** Serves `/ws/market` on the app's HTTP server (the original served REST and WebSocket on one port). */
@Injectable()
export class MarketSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('market-socket');
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  constructor(
    @Inject(MD_GATEWAY_CONFIG) private readonly config: MdGatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly distributor: DistributorService,
  ) {}

  private readonly sessions = new Set<SocketSession>();

  get clientCount(): number {
    return this.server.clients.size;
  }

  /** The largest amount of data queued for one WebSocket client, in bytes. */
  get maxBufferedBytes(): number {
    let max = 0;
    for (const client of this.server.clients) max = Math.max(max, client.bufferedAmount);
    return max;
  }

  /** Clients currently too slow to take their quotes (being coalesced). */
  get slowClientCount(): number {
    let count = 0;
    for (const session of this.sessions) if (session.slow) count += 1;
    return count;
  }

  onApplicationBootstrap(): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://gateway');
      const path = url.pathname;
      if (path === this.config.websocketPath) {
        const pacing = url.searchParams.get('pacing') === 'peek' ? 'peek' : 'push';
        this.server.handleUpgrade(request, socket, head, (ws) =>
          this.accept(
            ws,
            request,
            (transport) => new MarketSession(transport, this.distributor.distributor, pacing),
            this.config.heartbeat,
          ),
        );
      } else if (path === HUB_PATH) {
        this.server.handleUpgrade(request, socket, head, (ws) =>
          this.accept(
            ws,
            request,
            (transport) => new HubSession(transport, this.distributor.distributor),
            HUB_HEARTBEAT,
          ),
        );
      }
    });
  }

  /** Before the HTTP server closes: open sockets would keep it from closing. */
  beforeApplicationShutdown(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  private accept(
    ws: WebSocket,
    request: IncomingMessage,
    createSession: (transport: SessionTransport) => SocketSession,
    heartbeat: { pingIntervalMs: number; idleTimeoutMs: number },
  ): void {
    trackConnection(this.logger, ws, request);
    const session = createSession({
      send: boundedSend(ws, MAX_BUFFERED_BYTES),
      congested: () => ws.bufferedAmount > CONGESTED_BYTES,
    });
    this.sessions.add(session);
    keepAlive(ws, heartbeat);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) session.handle(wsText(data));
    });
    ws.on('close', () => {
      this.sessions.delete(session);
      session.close();
    });
    ws.on('error', () => ws.terminate());
  }
}
