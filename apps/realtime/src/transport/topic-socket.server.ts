import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  boundedSend,
  keepAlive,
  trackConnection,
  WindowRateLimit,
  wsText,
} from '@qautlra/platform';
import { WebSocket, WebSocketServer } from 'ws';
import { RealtimeService } from '../realtime.service';
import { RealtimeSession } from '../rooms/session';

/** The original's path (`GET /ws/`), with and without the slash. */
export const TOPIC_SOCKET_PATHS: readonly string[] = ['/ws/', '/ws'];
const MAX_FRAME_BYTES = 64 * 1024;
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Client messages per connection per second. */
const MESSAGES_PER_SECOND = 50;
const PING_INTERVAL_MS = 15_000;
const IDLE_TIMEOUT_MS = 45_000;

/**
 * The original realtime server's WebSocket protocol on `/ws/`: JSON messages with a `topic` —
 * `auth` (`key`: a trade-server JWT or API key) → `auth_result` with the session id as `data`;
 * `realtime_sub` / `realtime_unsub` (`room`) → `realtime_sub_result` / `realtime_unsub_result`;
 * pushes are `{"data":…,"topic":"realtime_pub","code":200,"room":…}` (with `"reset":true` when
 * `data` is the room's whole state, else a merge patch of it). No room before `auth` succeeds.
 */
@Injectable()
export class TopicSocketServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('realtime-ws');
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly limits = new WindowRateLimit(MESSAGES_PER_SECOND, 1_000);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly realtime: RealtimeService,
  ) {}

  onApplicationBootstrap(): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as Server;
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://realtime').pathname;
      if (!TOPIC_SOCKET_PATHS.includes(path)) return;
      this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, request));
    });
  }

  beforeApplicationShutdown(): void {
    for (const client of this.server.clients) client.terminate();
    this.server.close();
  }

  get clientCount(): number {
    return this.server.clients.size;
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    trackConnection(this.logger, ws, request);
    const send = boundedSend(ws, MAX_BUFFERED_BYTES);
    const session = new RealtimeSession((frame) => send(frame.topicText()));
    this.realtime.open(session);
    keepAlive(ws, { pingIntervalMs: PING_INTERVAL_MS, idleTimeoutMs: IDLE_TIMEOUT_MS });
    // Messages are handled one after another (an auth before a sub stays before it).
    let queue = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      if (!this.limits.hit(session.sid, Date.now())) {
        send(reply('error', 429, `at most ${MESSAGES_PER_SECOND} messages a second`));
        return;
      }
      const text = isBinary ? '' : wsText(data);
      queue = queue
        .then(() => this.handle(session, text, send))
        .catch((error: Error) => {
          this.logger.error(`realtime message failed: ${error.message}`);
          send(reply('error', 500, 'internal error'));
        });
    });
    ws.on('close', () => void this.realtime.close(session));
    ws.on('error', () => ws.terminate());
  }

  private async handle(
    session: RealtimeSession,
    text: string,
    send: (text: string) => void,
  ): Promise<void> {
    let message: { topic?: unknown; key?: unknown; room?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      send(reply('error', 400, 'the message is not JSON'));
      return;
    }
    if (typeof message !== 'object' || message === null) {
      send(reply('error', 400, 'a message is a JSON object with a topic'));
      return;
    }
    switch (message.topic) {
      case 'auth': {
        const identity = await this.realtime.identify(message.key);
        if (!identity) {
          send(reply('auth_result', 401, 'invalid key: a trade-server JWT or API key'));
          return;
        }
        session.identity = identity;
        send(reply('auth_result', 200, session.sid));
        return;
      }
      case 'realtime_sub': {
        const answer = await this.realtime.subscribe(session, message.room);
        send(
          reply(
            'realtime_sub_result',
            answer.code,
            answer.code === 200 ? 'success' : answer.message,
            answer.room,
          ),
        );
        return;
      }
      case 'realtime_unsub': {
        const answer = await this.realtime.unsubscribe(session, message.room);
        send(
          reply(
            'realtime_unsub_result',
            answer.code,
            answer.code === 200 ? 'success' : answer.message,
            answer.room,
          ),
        );
        return;
      }
      case 'ping':
        send(reply('pong', 200, Date.now()));
        return;
      default:
        send(
          reply(
            'error',
            400,
            `unknown topic ${JSON.stringify(message.topic)}: auth, realtime_sub, realtime_unsub or ping`,
          ),
        );
    }
  }
}

/** The original's reply envelope `{data, topic, code}` (plus the room it concerns). */
function reply(topic: string, code: number, data: unknown, room?: string): string {
  return JSON.stringify({ data, topic, code, ...(room ? { room } : {}) });
}
