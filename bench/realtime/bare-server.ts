/**
 * The floor of the push path: a bare `ws` server that, every `interval` ms, sends each connected
 * client one frame of `bytes` bytes — what the realtime monitor's pushes amount to, without the
 * re-marking, the rooms or the protocol. Run as its own process (argv: port, interval, bytes).
 */
import { WebSocketServer } from 'ws';

const [port, interval, bytes] = process.argv.slice(2).map(Number) as [number, number, number];
const frame = JSON.stringify({
  data: 'x'.repeat(Math.max(0, bytes - 60)),
  topic: 'realtime_pub',
  code: 200,
});
const server = new WebSocketServer({ port, host: '127.0.0.1' });
setInterval(() => {
  for (const client of server.clients)
    if (client.bufferedAmount < 16 * 1024 * 1024) client.send(frame);
}, interval);
server.on('listening', () => process.send?.('listening'));
