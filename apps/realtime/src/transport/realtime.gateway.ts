import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { RealtimeService } from '../realtime.service';
import { RealtimeSession, RoomAnswer } from '../rooms/session';

export const REALTIME_NAMESPACE = '/realtime';

/** What the browser namespace carries. */
export interface RealtimeServerEvents {
  /** A room's whole state (`reset: true`) or a DIFF-style merge patch of it. */
  realtime_pub(push: { room: string; reset: boolean; data: unknown }): void;
  error_message(error: { code: string; message: string }): void;
}

interface RealtimeSocketData {
  session?: RealtimeSession;
}

type RealtimeSocket = Socket<
  Record<string, never>,
  RealtimeServerEvents,
  Record<string, never>,
  RealtimeSocketData
>;

/**
 * Socket.IO `/realtime` for browsers: `auth: {token}` with a trade-server JWT or API key; then
 * `subscribe` / `unsubscribe` with `{room}` (acknowledged with `{code, room, message}`) and the rooms'
 * pushes as `realtime_pub` `{room, reset, data}` — the same rooms, the same checks and the same
 * merge patches as the `/ws/` protocol.
 */
@WebSocketGateway({
  namespace: REALTIME_NAMESPACE,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
})
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly realtime: RealtimeService) {}

  /** The credential is checked before the connection is accepted (a refusal is a `connect_error`). */
  afterInit(
    namespace: Namespace<
      Record<string, never>,
      RealtimeServerEvents,
      Record<string, never>,
      RealtimeSocketData
    >,
  ): void {
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      this.realtime.identify(token).then(
        (identity) => {
          if (!identity)
            return next(new Error('UNAUTHORIZED: auth.token: a trade-server JWT or API key'));
          const session = new RealtimeSession((frame) =>
            socket.emit('realtime_pub', { room: frame.room, reset: frame.reset, data: frame.data }),
          );
          session.identity = identity;
          socket.data.session = session;
          next();
        },
        (error: Error) => next(error),
      );
    });
  }

  handleConnection(socket: RealtimeSocket): void {
    if (socket.data.session) this.realtime.open(socket.data.session);
  }

  async handleDisconnect(socket: RealtimeSocket): Promise<void> {
    const session = socket.data.session;
    if (session) await this.realtime.close(session);
  }

  @SubscribeMessage('subscribe')
  subscribe(
    @ConnectedSocket() socket: RealtimeSocket,
    @MessageBody() body: { room?: unknown } | undefined,
  ): Promise<RoomAnswer> {
    const session = socket.data.session;
    if (!session) return Promise.resolve({ code: 401, message: 'not authenticated' });
    return this.realtime.subscribe(session, body?.room);
  }

  @SubscribeMessage('unsubscribe')
  unsubscribe(
    @ConnectedSocket() socket: RealtimeSocket,
    @MessageBody() body: { room?: unknown } | undefined,
  ): Promise<RoomAnswer> {
    const session = socket.data.session;
    if (!session) return Promise.resolve({ code: 401, message: 'not authenticated' });
    return this.realtime.unsubscribe(session, body?.room);
  }
}
