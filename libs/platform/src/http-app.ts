import { DynamicModule, INestApplication, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import type { LogLevel } from './config';
import { DomainErrorMapper, HttpErrorFilter } from './http-error.filter';
import { createLogger, httpLoggerOptions } from './logger';
import { completeDocument, Schemas } from './openapi';
import { platformValidationPipe } from './validation';
import { stopWithSupervisor } from './supervisor';
import { escapeHtml } from './text';

export interface HttpAppOptions {
  /** The app's short name: the `app` field of every log line (`md-gateway`, `trader`). */
  name: string;
  /** Pino level of the app's logs (Nest's own start-up chatter is at `debug`). */
  logLevel?: LogLevel;
  title: string;
  description: string;
  version?: string;
  /** The app's domain errors → REST error shape; defaults to the shared libraries' errors. */
  mapDomainError?: DomainErrorMapper;
  /**
   * `GET /` answers a short page naming the app and linking its docs (JSON when asked for);
   * `false` for an app that serves its own `/` (the web front end, the platform page).
   */
  home?: false | { links?: Readonly<Record<string, string>> };
  /** Named response schemas the app's routes point at with `ref(name)` (see `openapi.ts`). */
  schemas?: Schemas;
  /** How the app's protected routes authenticate (the schemes its controllers name). */
  security?: readonly ('bearer' | 'api-key' | 'basic')[];
}

/** The home page of an API app: what it is and where its docs are. */
export function homePage(
  title: string,
  description: string,
  extra: Readonly<Record<string, string>> = {},
): { html: string; json: { name: string; description: string; links: Record<string, string> } } {
  const links: Record<string, string> = {
    'API docs (Swagger UI)': '/api/docs',
    'OpenAPI document': '/api/docs-json',
    health: '/health',
    'Prometheus metrics': '/metrics',
    ...extra,
  };
  const items = Object.entries(links)
    .map(
      ([label, href]) =>
        `<li><a href="${escapeHtml(href)}">${escapeHtml(label)}</a> <code>${escapeHtml(href)}</code></li>`,
    )
    .join('');
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}code{color:#666}</style>' +
    `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(description)}</p><ul>${items}</ul>` +
    '<p>Part of QAUTLRA; the platform page lists every component.</p></body></html>';
  return { html, json: { name: title, description, links } };
}

/**
 * Creates a Nest HTTP app with OpenAPI at `/api/docs` (JSON at `/api/docs-json`) and the
 * `{statusCode, code, message}` error shape.
 */
export async function createHttpApp(
  module: Type | DynamicModule,
  options: HttpAppOptions,
): Promise<INestApplication> {
  // nestjs-pino is Nest's logger: the app's, the framework's and each request's lines are one
  // JSON shape, lines written while serving a request carry its `req_id`.
  @Module({
    imports: [
      LoggerModule.forRoot({ pinoHttp: httpLoggerOptions(options.name, options.logLevel) }),
      module,
    ],
  })
  class HttpAppModule {}
  const app = await NestFactory.create(HttpAppModule, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  app.useGlobalFilters(new HttpErrorFilter(options.mapDomainError));
  // Every request DTO is checked (class-validator): unknown fields refused, values transformed.
  app.useGlobalPipes(platformValidationPipe());
  if (options.home !== false) {
    const page = homePage(options.title, options.description, options.home?.links);
    app.use(
      (
        req: {
          method: string;
          path: string;
          headers: Record<string, string | string[] | undefined>;
        },
        res: { type(kind: string): { send(body: string): void }; json(body: unknown): void },
        next: () => void,
      ) => {
        if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/') return next();
        if (String(req.headers.accept ?? '').includes('application/json')) res.json(page.json);
        else res.type('html').send(page.html);
      },
    );
  }
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version ?? '0.1.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'this server');
  for (const scheme of options.security ?? [])
    if (scheme === 'bearer') builder.addBearerAuth();
    else if (scheme === 'basic') builder.addBasicAuth();
    else builder.addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key');
  const config = builder.build();
  SwaggerModule.setup('api/docs', app, () =>
    completeDocument(SwaggerModule.createDocument(app, config), options.schemas),
  );
  return app;
}

/** The HTTP(S) URL of `path` on the server of a `ws(s)://host:port/…` URL (query dropped). */
export function httpUrlOf(wsUrl: string, path: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = path;
  url.search = '';
  return url.toString();
}

/** The app's URL as a person would type it: wildcard and loopback hosts shown as `localhost`. */
export async function displayUrl(app: INestApplication): Promise<string> {
  return (await app.getUrl()).replace(/\/\/(\[::1\]|0\.0\.0\.0|127\.0\.0\.1)/, '//localhost');
}

/**
 * The body of an app's `main` when run directly: load the config (an invalid one stops the
 * process with a one-line message naming the key), boot, log where it listens, exit 1 on failure.
 */
export function runMain<C extends { logLevel: LogLevel }>(
  name: string,
  loadConfig: () => C,
  bootstrap: (config: C) => Promise<INestApplication>,
  announce: (url: string, config: C) => Record<string, unknown> = (url) => ({ url }),
): void {
  let config: C;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}`);
    process.exit(1);
  }
  const logger = createLogger(name, config.logLevel);
  stopWithSupervisor();
  bootstrap(config)
    .then(async (app) => logger.info(announce(await displayUrl(app), config), `${name} is up`))
    .catch((error: unknown) => {
      logger.fatal({ err: error }, `${name} failed to start`);
      process.exit(1);
    });
}
