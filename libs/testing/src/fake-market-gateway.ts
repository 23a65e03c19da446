import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A local double of the market-data gateway, speaking what the sim broker uses of it: GET
 * /api/instruments and `/ws/market` (subscribe_quote, then pushed `rtn_data` quote patches).
 * The test decides every quote.
 */
export class FakeMarket {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly subscriptions = new Map<WebSocket, Set<string>>();
  readonly latest = new Map<string, Record<string, unknown>>();

  constructor(readonly instruments: string[]) {
    this.http = createServer((request, response) => {
      if (request.url === '/api/instruments') {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify(
            instruments.map((id) => ({
              id,
              exchange: id.split('.')[0],
              product: '',
              name: id,
              price_tick: 1,
              volume_multiple: 10,
              upper_limit: 0,
              lower_limit: 0,
            })),
          ),
        );
        return;
      }
      response.statusCode = 404;
      response.end();
    });
    this.http.on('upgrade', (request, socket, head) =>
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.subscriptions.set(ws, new Set());
        ws.on('message', (data: Buffer) => {
          const message = JSON.parse(data.toString('utf8')) as { aid?: string; ins_list?: string };
          const ids = new Set((message.ins_list ?? '').split(',').filter(Boolean));
          if (message.aid === 'unsubscribe_quote') {
            for (const id of ids) this.subscriptions.get(ws)?.delete(id);
            return;
          }
          if (message.aid !== 'subscribe_quote') return;
          this.subscriptions.set(ws, ids);
          const quotes = Object.fromEntries([...this.latest].filter(([id]) => ids.has(id)));
          if (Object.keys(quotes).length > 0)
            ws.send(JSON.stringify({ aid: 'rtn_data', data: [{ quotes }] }));
        });
        ws.on('close', () => this.subscriptions.delete(ws));
      }),
    );
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/ws/market`;
  }

  /** Whether some client subscribed to `id`. */
  subscribed(id: string): boolean {
    return [...this.subscriptions.values()].some((ids) => ids.has(id));
  }

  /** Sends one quote (a QAMD patch) to the clients subscribed to it. */
  quote(id: string, fields: Record<string, unknown>): void {
    this.latest.set(id, { ...this.latest.get(id), ...fields });
    const frame = JSON.stringify({ aid: 'rtn_data', data: [{ quotes: { [id]: fields } }] });
    for (const [ws, ids] of this.subscriptions) if (ids.has(id)) ws.send(frame);
  }

  /** A book of one level around `last`. */
  book(
    id: string,
    bid: number,
    ask: number,
    volume = 100,
    extra: Record<string, unknown> = {},
  ): void {
    this.quote(id, {
      bid_price1: bid,
      bid_volume1: volume,
      ask_price1: ask,
      ask_volume1: volume,
      last_price: (bid + ask) / 2,
      ...extra,
    });
  }

  /** Drops every client connection (a gateway restart as the clients see it). */
  dropClients(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** Connections open now. */
  get clients(): number {
    return this.wss.clients.size;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
