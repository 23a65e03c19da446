import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, ServerOptions, Socket } from 'socket.io';
import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { DistributorService } from '../distributor/distributor.service';
import type { QuoteBatch } from '../distributor/market-distributor';
import type { SourceStatus } from '../sources/market-source';
import { MarketIoSession, SubscribeAck } from './market-io.session';

/** Socket.IO namespace for browsers. */
export const MARKET_NAMESPACE = '/market';

/** What a browser sends: ids as an array, a comma list or `{instruments}`, answered by the ack. */
export interface MarketClientEvents {
  subscribe(payload: unknown, ack?: (reply: SubscribeAck) => void): void;
  unsubscribe(payload: unknown, ack?: (reply: SubscribeAck) => void): void;
}

/** What the gateway sends: RFC 7396 patches of quotes keyed by the ids as written, source states. */
export interface MarketServerEvents {
  quotes(batch: QuoteBatch): void;
  status(status: SourceStatus): void;
}

export type MarketSocket = Socket<MarketClientEvents, MarketServerEvents>;

/**
 * The Socket.IO server on the app's HTTP server (path `/socket.io`) with the gateway's CORS and a
 * 1 MiB frame limit: Nest's Socket.IO adapter with the configuration's options.
 */
export class MarketIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly cors: CorsOptions | undefined,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): unknown {
    return super.createIOServer(port, {
      ...options,
      serveClient: false,
      maxHttpBufferSize: 1024 * 1024,
      ...(this.cors ? { cors: this.cors } : {}),
    });
  }
}

type Reply = (reply: SubscribeAck) => void;

/**
 * The `/market` namespace for browsers: each connection is a `MarketIoSession` (the same
 * subscription limits, slow-client coalescing and merge patches as the raw WebSocket).
 */
@WebSocketGateway({ namespace: MARKET_NAMESPACE })
export class MarketGateway implements OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger('market-io');
  private readonly sessions = new Map<string, MarketIoSession>();

  @WebSocketServer()
  private readonly namespace?: Namespace<MarketClientEvents, MarketServerEvents>;

  constructor(private readonly service: DistributorService) {}

  get clientCount(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  handleConnection(socket: MarketSocket): void {
    this.logger.debug({ conn: socket.id, namespace: MARKET_NAMESPACE }, 'socket connected');
    this.sessions.set(
      socket.id,
      new MarketIoSession(socket, this.service.distributor, this.service.sourceStatus()),
    );
  }

  handleDisconnect(socket: MarketSocket): void {
    this.logger.debug({ conn: socket.id }, 'socket closed');
    this.sessions.get(socket.id)?.close();
    this.sessions.delete(socket.id);
  }

  @SubscribeMessage('subscribe')
  subscribe(
    @ConnectedSocket() socket: MarketSocket,
    @MessageBody() payload: unknown,
    @Ack() ack?: Reply,
  ): void {
    this.sessions.get(socket.id)?.request(payload, ack, true);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(
    @ConnectedSocket() socket: MarketSocket,
    @MessageBody() payload: unknown,
    @Ack() ack?: Reply,
  ): void {
    this.sessions.get(socket.id)?.request(payload, ack, false);
  }
}
