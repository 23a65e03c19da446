import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LogLevel } from './config';
import { DomainErrorMapper, HttpErrorFilter } from './http-error.filter';
import { createLogger } from './logger';

export interface HttpAppOptions {
  title: string;
  description: string;
  version?: string;
  /** The app's domain errors → REST error shape; defaults to the shared libraries' errors. */
  mapDomainError?: DomainErrorMapper;
}

/**
 * Creates a Nest HTTP app with OpenAPI at `/api/docs` (JSON at `/api/docs-json`) and the
 * `{statusCode, code, message}` error shape.
 */
export async function createHttpApp(
  module: Parameters<typeof NestFactory.create>[0],
  options: HttpAppOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  app.useGlobalFilters(new HttpErrorFilter(options.mapDomainError));
  const config = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version ?? '0.1.0')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
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
  bootstrap(config)
    .then(async (app) => logger.info(announce(await displayUrl(app), config), `${name} is up`))
    .catch((error: unknown) => {
      logger.fatal({ err: error }, `${name} failed to start`);
      process.exit(1);
    });
}
