/**
 * Bench clients on a worker thread: `count` sockets, each joins one room — of the realtime
 * monitor's `/ws/` protocol (auth, then `realtime_sub`), or of the bare broadcast server (it just
 * sends) — counts the pushes while measuring, and records tick → push latency from the pushed
 * positions' `last_price` (which carries the time its tick was sent).
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { sentAt } from './fixtures';

export const LATENCY_BUCKETS = 60_001; // 0–60 s in ms

export interface WorkerInput {
  url: string;
  rooms: string[];
  /** The realtime protocol (auth + subscribe); false: the bare server's. */
  realtime: boolean;
}

export type ToWorker = { type: 'start' } | { type: 'stop' } | { type: 'close' };
export type FromWorker =
  { type: 'ready' } | { type: 'measured'; pushes: number; bytes: number; latency: Float64Array };

function main(): void {
  const { url, rooms, realtime } = workerData as WorkerInput;
  const post = (message: FromWorker) => parentPort?.postMessage(message);
  const latency = new Float64Array(LATENCY_BUCKETS);
  let measuring = false;
  let pushes = 0;
  let bytes = 0;
  let ready = 0;
  const sockets = rooms.map((room) => {
    const ws = new WebSocket(url, { skipUTF8Validation: true, maxPayload: 256 * 1024 * 1024 });
    let joined = false;
    ws.on('open', () => {
      if (realtime)
        ws.send(
          JSON.stringify({ topic: 'auth', key: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2ln' }),
        );
      else {
        joined = true;
        if ((ready += 1) === rooms.length) post({ type: 'ready' });
      }
    });
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        topic?: string;
        code?: number;
        reset?: boolean;
        data?: { positions?: Record<string, { last_price?: number }> };
      };
      if (message.topic === 'auth_result' && message.code === 200) {
        ws.send(JSON.stringify({ topic: 'realtime_sub', room }));
        return;
      }
      if (message.topic === 'realtime_sub_result') {
        if (message.code !== 200)
          throw new Error(`subscription refused: ${JSON.stringify(message)}`);
        return;
      }
      if (message.topic !== 'realtime_pub') return;
      if (!joined) {
        joined = true;
        if ((ready += 1) === rooms.length) post({ type: 'ready' });
      }
      if (!measuring || message.reset) return;
      pushes += 1;
      bytes += data.length;
      const now = Date.now();
      for (const position of Object.values(message.data?.positions ?? {})) {
        if (typeof position.last_price !== 'number' || position.last_price < 1_000) continue;
        const ms = now - sentAt(position.last_price, now);
        latency[Math.min(LATENCY_BUCKETS - 1, Math.max(0, ms))]! += 1;
      }
    });
    ws.on('error', () => undefined);
    return ws;
  });
  parentPort?.on('message', (message: ToWorker) => {
    if (message.type === 'start') {
      pushes = 0;
      bytes = 0;
      latency.fill(0);
      measuring = true;
    } else if (message.type === 'stop') {
      measuring = false;
      post({ type: 'measured', pushes, bytes, latency });
    } else {
      for (const ws of sockets) ws.terminate();
      parentPort?.close();
    }
  });
}

if (!isMainThread) main();
