/**
 * Bench clients on a worker thread: opens one `/ws/market` connection per instrument set, merges
 * every `rtn_data` patch into its state, counts updates and frames and records tick → client
 * latency while measuring, and checks its clients' state against the server's final quotes.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

export const LATENCY_BUCKETS = 60_001; // 0–60 s in ms

export interface WorkerInput {
  port: number;
  sets: string[][];
}

export type ToWorker =
  | { type: 'subscribe' }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'check'; finals: Record<string, Record<string, unknown>>; fields: string[] }
  | { type: 'close' };

export type FromWorker =
  | { type: 'open' }
  | { type: 'measured'; updates: number; frames: number; latency: Float64Array }
  | { type: 'checked'; inSync: number };

type Quotes = Record<string, Record<string, unknown>>;

function main(): void {
  const { port, sets } = workerData as WorkerInput;
  const post = (message: FromWorker) => parentPort?.postMessage(message);
  const latency = new Float64Array(LATENCY_BUCKETS);
  let measuring = false;
  let updates = 0;
  let frames = 0;
  const states: Quotes[] = sets.map(() => ({}));
  const sockets = sets.map((_, c) => {
    const state = states[c]!;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/market`, { skipUTF8Validation: true });
    ws.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as {
        aid?: string;
        data?: { quotes: Quotes }[];
      };
      if (message.aid !== 'rtn_data') return;
      const now = Date.now();
      if (measuring) frames += 1;
      for (const part of message.data ?? []) {
        for (const id in part.quotes) {
          const patch = part.quotes[id]!;
          Object.assign((state[id] ??= {}), patch);
          if (!measuring) continue;
          updates += 1;
          if (typeof patch.datetime === 'string') {
            const ms = now - Date.parse(patch.datetime);
            latency[Math.min(LATENCY_BUCKETS - 1, Math.max(0, Math.round(ms)))]! += 1;
          }
        }
      }
    });
    return ws;
  });
  void Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        }),
    ),
  ).then(() => post({ type: 'open' }));

  parentPort?.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'subscribe':
        sockets.forEach((ws, c) =>
          ws.send(JSON.stringify({ aid: 'subscribe_quote', ins_list: sets[c]!.join(',') })),
        );
        return;
      case 'start':
        measuring = true;
        return;
      case 'stop':
        measuring = false;
        post({ type: 'measured', updates, frames, latency });
        return;
      case 'check': {
        let inSync = 0;
        sets.forEach((set, c) => {
          const ok = set.every((id) =>
            message.fields.every(
              (field) => states[c]![id]?.[field] === message.finals[id]?.[field],
            ),
          );
          if (ok) inSync += 1;
        });
        post({ type: 'checked', inSync });
        return;
      }
      case 'close':
        for (const ws of sockets) ws.terminate();
        process.exit(0);
    }
  });
}

// Imported by the bench for its types and constants; runs only as a worker.
if (!isMainThread) main();
