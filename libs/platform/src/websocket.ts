import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@nestjs/common';
import { type RawData, WebSocket } from 'ws';

/** The UTF-8 text of a `ws` message, whatever buffer form it arrived in. */
export function wsText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/**
 * Server-side keep-alive: pings every `pingIntervalMs` and terminates a peer silent (no message,
 * ping or pong) for longer than `idleTimeoutMs`. Stops by itself when the socket closes.
 */
export function keepAlive(
  ws: WebSocket,
  { pingIntervalMs, idleTimeoutMs }: { pingIntervalMs: number; idleTimeoutMs: number },
): void {
  let lastSeen = Date.now();
  const touch = () => (lastSeen = Date.now());
  const timer = setInterval(() => {
    if (Date.now() - lastSeen > idleTimeoutMs) ws.terminate();
    else ws.ping();
  }, pingIntervalMs);
  timer.unref();
  ws.on('message', touch);
  ws.on('pong', touch);
  ws.on('ping', touch);
  ws.on('close', () => clearInterval(timer));
}

/**
 * Gives a WebSocket connection its id and logs its life at `debug` (`socket connected` with the
 * path and peer, `socket closed` with the close code), each line carrying `conn` — the socket's
 * counterpart of a request's `req_id`. Returns the id for the server's own lines about it.
 */
export function trackConnection(
  logger: Pick<Logger, 'debug'>,
  ws: Pick<WebSocket, 'once'>,
  request: Pick<IncomingMessage, 'url' | 'socket' | 'headers'>,
): string {
  const conn = randomUUID();
  const path = (request.url ?? '').split('?')[0];
  const forwarded = request.headers['x-forwarded-for'];
  const peer = typeof forwarded === 'string' ? forwarded : request.socket.remoteAddress;
  logger.debug({ conn, path, peer }, 'socket connected');
  ws.once('close', (code: number) => logger.debug({ conn, code }, 'socket closed'));
  return conn;
}

/**
 * A sender for one client that drops the client (1008 `client too slow`) once more than
 * `maxBufferedBytes` wait unsent, instead of buffering without bound; frames to a closed socket
 * are dropped.
 */
export function boundedSend(
  ws: Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'close' | 'send'>,
  maxBufferedBytes: number,
): (text: string) => void {
  return (text) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      ws.close(1008, 'client too slow');
      return;
    }
    ws.send(text);
  };
}
