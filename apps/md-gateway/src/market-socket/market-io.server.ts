import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { corsOptions, MdGatewayConfig } from '../config';
import { DistributorService } from '../distributor/distributor.service';
import { MD_GATEWAY_CONFIG } from '../tokens';
import { MarketIoSession } from './market-io.session';

/** Socket.IO namespace for browsers. */
export const MARKET_NAMESPACE = '/market';

/** Serves the Socket.IO namespace `/market` on the app's HTTP server (path `/socket.io`). */
@Injectable()
export class MarketIoServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('market-io');
  private io?: Server;

  constructor(
    @Inject(MD_GATEWAY_CONFIG) private readonly config: MdGatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly service: DistributorService,
  ) {}

  get clientCount(): number {
    return this.io?.of(MARKET_NAMESPACE).sockets.size ?? 0;
  }

  onApplicationBootstrap(): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    const cors = corsOptions(this.config.cors);
    this.io = new Server(http, {
      serveClient: false,
      maxHttpBufferSize: 1024 * 1024,
      ...(cors ? { cors } : {}),
    });
    this.io.of(MARKET_NAMESPACE).on('connection', (socket) => {
      this.logger.debug({ conn: socket.id, namespace: MARKET_NAMESPACE }, 'socket connected');
      socket.once('disconnect', (reason) =>
        this.logger.debug({ conn: socket.id, reason }, 'socket closed'),
      );
      new MarketIoSession(socket, this.service.distributor, this.service.sourceStatus());
    });
  }

  beforeApplicationShutdown(): void {
    // Not io.close(): that would also close the HTTP server Nest owns.
    this.io?.disconnectSockets(true);
    this.io?.engine.close();
  }
}
