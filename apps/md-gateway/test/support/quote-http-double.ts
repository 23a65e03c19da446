import { encode } from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** How the double answers: normally, with Sina's block page, slowly, or never. */
export type DoubleMode = 'ok' | 'blocked' | 'slow' | 'dead';

const FIXTURES = join(__dirname, '../fixtures');

/** Recorded lines of a fixture file keyed by symbol (`sh600000` → the whole line). */
export function recordedLines(file: string, prefix: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of readFileSync(join(FIXTURES, file), 'utf8').split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const symbol = line.slice(prefix.length, line.indexOf('='));
    lines.set(symbol, line.trim());
  }
  return lines;
}

/**
 * A local stand-in for hq.sinajs.cn and qt.gtimg.cn: replays recorded lines as GBK bytes, answers
 * unknown codes the way each service does (Sina an empty quote, Tencent `v_pv_none_match`), asks
 * for Sina's Referer like the real service, and can be switched to the block page, slow or dead
 * replies, or stopped and restarted on the same port.
 */
export class QuoteHttpDouble {
  readonly sina = recordedLines('sina-lines.txt', 'var hq_str_');
  readonly tencent = recordedLines('tencent-lines.txt', 'v_');
  mode: Record<'sina' | 'tencent', DoubleMode> = { sina: 'ok', tencent: 'ok' };
  slowMs = 3_000;
  readonly requests: { service: 'sina' | 'tencent'; symbols: string[]; referer?: string }[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get sinaUrl(): string {
    return `http://127.0.0.1:${this.port}/sina`;
  }

  get tencentUrl(): string {
    return `http://127.0.0.1:${this.port}/tencent`;
  }

  async start(port = this.port): Promise<void> {
    const server = createServer((request, response) => this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops every open connection (the upstream is "killed"). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Changes the price fields of a recorded Sina line (so a test can see new data arrive). */
  setSinaLast(symbol: string, last: string): void {
    const line = this.sina.get(symbol);
    if (!line) throw new Error(`no recorded Sina line for ${symbol}`);
    const content = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"')).split(',');
    content[3] = last;
    this.sina.set(symbol, `var hq_str_${symbol}="${content.join(',')}";`);
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '';
    const service = url.startsWith('/sina/')
      ? 'sina'
      : url.startsWith('/tencent/')
        ? 'tencent'
        : undefined;
    if (!service) {
      response.writeHead(404).end();
      return;
    }
    const list = /(?:list|q)=([^&]*)/.exec(url)?.[1] ?? '';
    const symbols = decodeURIComponent(list).split(',').filter(Boolean);
    this.requests.push({ service, symbols, referer: request.headers.referer });
    const mode = this.mode[service];
    if (mode === 'dead') return; // accept and never answer
    if (service === 'sina' && (mode === 'blocked' || !request.headers.referer)) {
      response.writeHead(403, { 'Content-Type': 'text/html' }).end('Kinsoku jikou desu!');
      return;
    }
    if (mode === 'blocked') {
      response.writeHead(403).end('Forbidden');
      return;
    }
    const body = symbols
      .map((symbol) =>
        service === 'sina'
          ? (this.sina.get(symbol) ?? `var hq_str_${symbol}="";`)
          : (this.tencent.get(symbol) ?? 'v_pv_none_match="1";'),
      )
      .join('\n');
    const send = () =>
      response
        .writeHead(200, { 'Content-Type': 'application/javascript; charset=GBK' })
        .end(encode(`${body}\n`, 'gbk'));
    if (mode === 'slow') setTimeout(send, this.slowMs).unref();
    else send();
  }
}
