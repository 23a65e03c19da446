import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { Logger, LoggerOptions } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { LogLevel } from './config';

export type { Logger } from 'pino';

/** Nest's own start-up lines (modules loaded, routes mapped): `debug`, not the app's `info`. */
const NEST_CHATTER = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'WebSocketsController',
]);

/** The one shape of every log line: `{level, time, app, name, msg, …fields}`; ids go in fields. */
function baseOptions(name: string, level: LogLevel): LoggerOptions {
  return {
    name,
    level,
    base: { app: name },
    hooks: {
      logMethod(args, method, levelValue) {
        const first: unknown = args[0];
        const context =
          typeof first === 'object' && first !== null
            ? (first as { context?: unknown }).context
            : undefined;
        if (levelValue === 30 && typeof context === 'string' && NEST_CHATTER.has(context)) {
          if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
          return;
        }
        method.apply(this, args);
      },
    },
  };
}

/** Structured JSON logs (pino) outside a Nest app (the launcher, a CLI, start-up failures). */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino(baseOptions(name, level));
}

/** A request id a client may choose (`X-Request-Id`), else a fresh one. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * nestjs-pino's options for an HTTP app: each request gets an id (the client's `X-Request-Id` when
 * it is a plain token, else a UUID), echoed in the response's `X-Request-Id` and carried as
 * `req_id` by every line logged while serving it. A finished request is logged at `debug`
 * (`error` for a 5xx) with its method, path (no query: it may hold a token) and status — never
 * headers, so no credential reaches the log.
 */
export function httpLoggerOptions(name: string, level: LogLevel = 'info'): HttpLoggerOptions {
  return {
    ...baseOptions(name, level),
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'req_id', responseTime: 'duration_ms' },
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const given = request.headers['x-request-id'];
      const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_request, response, error) =>
      error !== undefined || response.statusCode >= 500 ? 'error' : 'debug',
    serializers: {
      req: (request: { method?: string; url?: string }) => ({
        method: request.method,
        path: (request.url ?? '').split('?')[0],
      }),
      res: (response: { statusCode?: number }) => ({ status_code: response.statusCode }),
    },
  };
}
