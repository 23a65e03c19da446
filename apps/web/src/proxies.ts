import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { WebConfig } from './config';

/** A proxied prefix: `/md/api/x` → `<target>/api/x`. */
interface Route {
  prefix: string;
  target: string;
  ws?: boolean;
  headers?: Record<string, string>;
  /** Only these methods pass. */
  methods?: string[];
  /** Only these paths (after the prefix) pass: the tsdb's market-data reads, not its SQL. */
  paths?: RegExp;
  /** A further check of a request that passed `paths`: the reason to refuse it (403), if any. */
  refuse?: (req: Request) => string | undefined;
}

/** The tsdb's market-data reads and its API docs (`/api/docs`, its assets, `/api/docs-json`). */
const TSDB_OPEN_PATHS = /^\/api\/(v1\/(bars|latest)|docs(-json)?(\/[\w.-]*)?)$/;

export function routesOf(config: WebConfig): Route[] {
  const basic = Buffer.from(`${config.tsdbUser}:${config.tsdbPassword}`).toString('base64');
  return [
    { prefix: '/md', target: config.marketUrl, ws: true },
    { prefix: '/trade', target: config.tradeUrl, ws: true },
    {
      prefix: '/tsdb',
      target: config.tsdbUrl,
      headers: { authorization: `Basic ${basic}` },
      methods: ['GET', 'HEAD'],
      paths: TSDB_OPEN_PATHS,
      // The server's credentials read only the market-data stream configured for the browser.
      refuse: (req) => {
        if (!/^\/tsdb\/api\/v1\//.test(req.path)) return undefined;
        const stream = req.query.stream;
        return stream === config.tsdbStream
          ? undefined
          : `/tsdb: only the stream ${config.tsdbStream} is open to the browser`;
      },
    },
    { prefix: '/fund', target: config.fundUrl },
    { prefix: '/backtest', target: config.backtestUrl },
    // Rooms, REST and Socket.IO of the realtime monitor, which checks the trade server's JWT itself.
    { prefix: '/rt', target: config.realtimeUrl, ws: true },
  ];
}

/**
 * Mounts the other apps under one origin, HTTP and WebSocket upgrades alike. An app that is down
 * answers 502 with a JSON body naming it; the browser's socket clients just retry.
 */
export function mountProxies(app: INestApplication, config: WebConfig): void {
  const upgrades: { prefix: string; handler: RequestHandler }[] = [];
  for (const route of routesOf(config)) {
    const inside = (path: string) => path === route.prefix || path.startsWith(`${route.prefix}/`);
    const handler = createProxyMiddleware({
      target: route.target,
      changeOrigin: true,
      // Upgrades are routed by the listener below (hpm's own would take every upgrade).
      ws: false,
      pathFilter: (path) => inside(path),
      pathRewrite: (path) => path.slice(route.prefix.length) || '/',
      headers: route.headers,
      on: {
        error: (error, _req, res) => {
          if ('writeHead' in res && !res.headersSent) {
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({
                statusCode: 502,
                message: `${route.prefix.slice(1)} (${route.target}) is unreachable: ${error.message}`,
              }),
            );
          } else if ('destroy' in res) res.destroy();
        },
      },
    });
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (!inside(req.path)) {
        next();
        return;
      }
      if (route.methods && !route.methods.includes(req.method)) {
        res.status(405).json({ statusCode: 405, message: `${route.prefix} is read-only` });
        return;
      }
      if (route.paths && !route.paths.test(req.path.slice(route.prefix.length))) {
        res.status(403).json({
          statusCode: 403,
          message: `${route.prefix}: only ${route.paths.source} is open to the browser`,
        });
        return;
      }
      const refusal = route.refuse?.(req);
      if (refusal) {
        res.status(403).json({ statusCode: 403, message: refusal });
        return;
      }
      void handler(req, res, next);
    });
    if (route.ws) upgrades.push({ prefix: route.prefix, handler });
  }
  const server = app.getHttpServer() as Server;
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const match = upgrades.find(({ prefix }) => req.url?.startsWith(`${prefix}/`));
    if (!match) {
      socket.destroy(); // this server has no WebSocket of its own
      return;
    }
    match.handler.upgrade(req, socket, head);
  });
}
