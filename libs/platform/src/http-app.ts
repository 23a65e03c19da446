import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { DomainErrorMapper, HttpErrorFilter } from './http-error.filter';

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

/** The app's URL as a person would type it: wildcard and loopback hosts shown as `localhost`. */
export async function displayUrl(app: INestApplication): Promise<string> {
  return (await app.getUrl()).replace(/\/\/(\[::1\]|0\.0\.0\.0|127\.0\.0\.1)/, '//localhost');
}
