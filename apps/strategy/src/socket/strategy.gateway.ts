import { Inject, OnModuleDestroy } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayInit,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { sameSecret } from '@qautlra/platform';
import type { Subscription } from 'rxjs';
import type { Namespace, Socket } from 'socket.io';
import type { StrategyConfig } from '../config';
import { RuntimeEvent, StrategyRuntimeService } from '../strategy-runtime.service';
import { STRATEGY_CONFIG } from '../tokens';

export const STRATEGY_NAMESPACE = '/strategy';

/**
 * Socket.IO `/strategy`: `auth: {token}` with the runtime's token; on connecting a client gets
 * `instances` (every instance), then `state`, `log`, `order`, `trade`, `pnl` and `removed` events
 * as they happen (each carries the instance id).
 */
@WebSocketGateway({
  namespace: STRATEGY_NAMESPACE,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
})
export class StrategyGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  @WebSocketServer() private namespace!: Namespace;
  private subscription?: Subscription;

  constructor(
    private readonly runtime: StrategyRuntimeService,
    @Inject(STRATEGY_CONFIG) private readonly config: StrategyConfig,
  ) {}

  afterInit(): void {
    this.subscription = this.runtime.events.subscribe((event: RuntimeEvent) => {
      const { type, ...payload } = event;
      this.namespace.emit(type, payload);
    });
  }

  handleConnection(socket: Socket): void {
    const given = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof given !== 'string' || !sameSecret(given, this.config.apiToken)) {
      socket.emit('error_message', { code: 'UNAUTHORIZED', message: 'auth.token is needed' });
      socket.disconnect(true);
      return;
    }
    socket.emit('instances', this.runtime.list());
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
