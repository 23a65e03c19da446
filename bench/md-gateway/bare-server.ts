/**
 * The baseline: a bare `ws` server fed by the same sim market at the same rate. Per tick it diffs
 * against the previous snapshot (the same changed fields the gateway sends), serialises one
 * `rtn_data` frame once and sends it to every subscriber of that instrument — no batching, no
 * per-client state, no slow-client handling, no REST beyond what the harness needs.
 */
import { diffSnapshot, MDSnapshot, toWireSnapshot } from '@qautlra/qamd';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { SimMarket, sizedUniverse } from '@qautlra/sim';
import { SimSource } from '../../apps/md-gateway/src/sources/sim-source';

const universe = sizedUniverse(new Date(), Number(process.env.BENCH_INSTRUMENTS ?? 1000));
const market = new SimMarket(universe);
const source = new SimSource(market, {
  ticksPerSecond: Number(process.env.BENCH_TICKS_PER_INSTRUMENT ?? 10),
  alwaysOpen: true,
});
const latest = new Map<string, MDSnapshot>();
const subscribers = new Map<string, Set<WebSocket>>();

const http = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://bare');
  let body: unknown;
  if (url.pathname === '/api/instruments') body = market.info();
  else if (url.pathname === '/api/quotes') {
    const out: Record<string, unknown> = {};
    for (const id of (url.searchParams.get('ins') ?? '').split(',')) {
      const snapshot = latest.get(id);
      if (snapshot) out[id] = toWireSnapshot(snapshot);
    }
    body = out;
  } else {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
});
const wss = new WebSocketServer({ server: http, path: '/ws/market' });
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const message = JSON.parse((data as Buffer).toString('utf8')) as {
      aid?: string;
      ins_list?: string;
    };
    if (message.aid !== 'subscribe_quote') return;
    for (const id of (message.ins_list ?? '').split(',')) {
      const set = subscribers.get(id) ?? new Set<WebSocket>();
      set.add(ws);
      subscribers.set(id, set);
      const snapshot = latest.get(id);
      if (snapshot)
        ws.send(
          JSON.stringify({
            aid: 'rtn_data',
            data: [{ quotes: { [id]: toWireSnapshot(snapshot) } }],
          }),
        );
      source.subscribe([id]);
    }
  });
  ws.on('close', () => {
    for (const set of subscribers.values()) set.delete(ws);
  });
});

source.start({
  snapshot: (snapshot) => {
    const id = snapshot.instrument_id;
    const previous = latest.get(id);
    latest.set(id, snapshot);
    const patch = previous ? diffSnapshot(previous, snapshot) : toWireSnapshot(snapshot);
    const frame = JSON.stringify({ aid: 'rtn_data', data: [{ quotes: { [id]: patch } }] });
    for (const ws of subscribers.get(id) ?? [])
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  },
  state: () => undefined,
});

process.stdin.on('data', (data) => {
  if (data.toString().trim() === 'stop') void source.stop();
});
http.listen(0, '127.0.0.1', () => console.log(`READY ${(http.address() as AddressInfo).port}`));
