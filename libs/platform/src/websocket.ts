import type { RawData, WebSocket } from 'ws';

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
