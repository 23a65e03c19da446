import { tryNormaliseInstrumentId } from '@qautlra/qamd';
import type { Row, TsdbEngine } from '@qautlra/tsdb';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { trackConnection } from '@qautlra/platform';
import { WebSocket, WebSocketServer } from 'ws';
import { basicCredentials, credentialsMatch } from '../basic-auth.guard';

export interface PushServerOptions {
  host: string;
  port: number;
  path: string;
  /** Stream used when a message names none (`QADB_WEBSOCKET_STREAM`). */
  stream?: string;
  username: string;
  password: string;
}

interface Client {
  /** stream → canonical instrument ids (empty set = every instrument). */
  subscriptions: Map<string, Set<string>>;
}

const canonical = (id: string) => tryNormaliseInstrumentId(id) ?? id;

/**
 * The original's push socket (`ws://host:18003/ws`): `{type, stream, data}` envelopes —
 * `subscribe` / `unsubscribe` by instruments, `marketData` for every committed event of a
 * subscribed instrument, `query` (one read-only SQL statement) answered on the socket, `error`.
 * Auth by `?username=&password=` or `Authorization: Basic`.
 */
export class PushServer {
  private readonly logger = new Logger('live-socket');
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<WebSocket, Client>();
  private unsubscribe?: () => void;

  constructor(
    private readonly engine: TsdbEngine,
    private readonly options: PushServerOptions,
  ) {
    this.http = createServer((_request, response) => response.writeHead(426).end('WebSocket only'));
    this.wss = new WebSocketServer({
      server: this.http,
      path: options.path,
      maxPayload: 1024 * 1024,
      verifyClient: ({ req }: { req: IncomingMessage }) => this.authorised(req),
    });
    this.wss.on('connection', (ws, request) => {
      trackConnection(this.logger, ws, request);
      this.accept(ws);
    });
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.engine.onIngest((stream, events) => this.push(stream, events));
    await new Promise<void>((resolve) =>
      this.http.listen(this.options.port, this.options.host, resolve),
    );
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    for (const ws of this.clients.keys()) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private authorised(request: IncomingMessage): boolean {
    const url = new URL(request.url ?? '/', 'http://qadb');
    const user = url.searchParams.get('username');
    const password = url.searchParams.get('password');
    const given =
      basicCredentials(request.headers.authorization) ??
      (user !== null && password !== null ? { user, password } : undefined);
    return credentialsMatch(given, this.options);
  }

  private accept(ws: WebSocket): void {
    const client: Client = { subscriptions: new Map() };
    this.clients.set(ws, client);
    ws.on('close', () => this.clients.delete(ws));
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, binary) => {
      if (binary) return this.error(ws, 'binary frames are not supported');
      void this.handle(ws, client, (data as Buffer).toString('utf8'));
    });
  }

  private send(ws: WebSocket, message: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  private error(ws: WebSocket, message: string, stream?: string): void {
    this.send(ws, { type: 'error', ...(stream ? { stream } : {}), data: { message } });
  }

  private async handle(ws: WebSocket, client: Client, text: string): Promise<void> {
    let message: { type?: unknown; stream?: unknown; data?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch (error) {
      return this.error(ws, `invalid JSON: ${(error as Error).message}`);
    }
    if (typeof message !== 'object' || message === null)
      return this.error(ws, 'expected a JSON object');
    const stream = typeof message.stream === 'string' ? message.stream : this.options.stream;
    const data = (
      typeof message.data === 'object' && message.data !== null ? message.data : {}
    ) as Record<string, unknown>;
    switch (message.type) {
      case 'subscribe':
      case 'unsubscribe': {
        if (!stream) return this.error(ws, 'no stream given');
        if (!this.engine.listStreams().includes(stream))
          return this.error(ws, `stream ${stream} does not exist`, stream);
        const instruments = data.instruments;
        if (
          instruments !== undefined &&
          (!Array.isArray(instruments) || instruments.some((id) => typeof id !== 'string'))
        )
          return this.error(ws, 'data.instruments must be an array of strings', stream);
        const ids = ((instruments as string[] | undefined) ?? []).map(canonical);
        if (message.type === 'subscribe') {
          const set = client.subscriptions.get(stream) ?? new Set<string>();
          for (const id of ids) set.add(id);
          client.subscriptions.set(stream, set);
        } else if (ids.length === 0) client.subscriptions.delete(stream);
        else for (const id of ids) client.subscriptions.get(stream)?.delete(id);
        const current = client.subscriptions.get(stream);
        this.send(ws, {
          type: message.type,
          stream,
          data: { instruments: current ? [...current].sort() : [] },
        });
        return;
      }
      case 'query': {
        if (typeof data.query !== 'string')
          return this.error(ws, 'data.query must be SQL text', stream);
        try {
          const rows = await this.engine.query(data.query);
          this.send(ws, { type: 'query', ...(stream ? { stream } : {}), data: { rows } });
        } catch (error) {
          this.error(ws, (error as Error).message, stream);
        }
        return;
      }
      default:
        return this.error(ws, `unknown message type ${JSON.stringify(message.type)}`);
    }
  }

  private push(stream: string, events: readonly Row[]): void {
    for (const [ws, client] of this.clients) {
      const wanted = client.subscriptions.get(stream);
      if (!wanted) continue;
      for (const event of events) {
        const id =
          typeof event.instrument_id === 'string' ? canonical(event.instrument_id) : undefined;
        if (wanted.size > 0 && (!id || !wanted.has(id))) continue;
        this.send(ws, { type: 'marketData', stream, data: event });
      }
    }
  }
}
