import { serviceUrls } from '@qautlra/testing';
import { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bootstrap } from '../src/main';

describe.each([
  ['embedded PGlite', undefined, 'pglite'],
  ['PostgreSQL', serviceUrls.postgres, 'postgres'],
])('all-in-one host on %s', (_name, databaseUrl, kind) => {
  let app: INestApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'qautlra-e2e-'));
    app = await bootstrap({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      databaseUrl,
      dataDir,
      running: [
        { app: 'md-gateway', url: 'http://localhost:8014', docs: 'http://localhost:8014/api/docs' },
      ],
    });
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /health with 200 and a passing database check', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      app: 'qautlra',
      checks: { database: { status: 'ok' } },
    });
  });

  it('serves Prometheus metrics', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.text).toMatch(/^process_cpu_user_seconds_total\{app="qautlra"\} \d/m);
  });

  it('answers unknown routes in the {statusCode, code, message} shape', async () => {
    const response = await request(app.getHttpServer()).get('/no/such/route').expect(404);
    expect(response.body).toEqual({
      statusCode: 404,
      code: 'NOT_FOUND',
      message: 'Cannot GET /no/such/route',
    });
  });

  it('describes the platform and links the API docs', async () => {
    const response = await request(app.getHttpServer()).get('/').expect(200);
    expect(response.body).toMatchObject({ name: 'QAUTLRA', database: kind });
    expect(response.body.components).toContainEqual(
      expect.objectContaining({
        app: 'md-gateway',
        state: 'working',
        url: 'http://localhost:8014',
        docs: 'http://localhost:8014/api/docs',
      }),
    );
    expect(response.body.components).toContainEqual(
      expect.objectContaining({ app: 'trade-server', state: 'working' }),
    );
    expect(response.body.components).toContainEqual(
      expect.objectContaining({ app: 'trader', state: 'working' }),
    );
    const page = await request(app.getHttpServer()).get('/').set('Accept', 'text/html').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('<a href="http://localhost:');
    expect(page.text).toContain('/api/docs">Platform API docs</a>');
    const docs = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/metrics', '/']),
    );
  });
});
