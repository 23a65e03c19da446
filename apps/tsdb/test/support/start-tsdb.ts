import { INestApplication } from '@nestjs/common';
import type { Response } from 'superagent';
import request from 'supertest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { bootstrap } from '../../src/main';

export interface TestTsdb {
  app: INestApplication;
  /** Temporary directory holding the data and staging directories. */
  root: string;
  close(): Promise<void>;
  /** Stops the app and keeps its directories (to start again on them). */
  stop(): Promise<void>;
}

/** Boots tsdb on a free loopback port with fresh data and staging directories under a temp dir. */
export async function startTsdb(
  env: Record<string, string> = {},
  root = mkdtempSync(join(tmpdir(), 'qadb-test-')),
): Promise<TestTsdb> {
  const app = await bootstrap(
    loadConfig(
      {
        P_ADDR: '127.0.0.1:0',
        P_DATA_DIR: join(root, 'data'),
        P_STAGING_DIR: join(root, 'staging'),
        LOG_LEVEL: 'silent',
        ...env,
      },
      [],
    ),
  );
  return {
    app,
    root,
    close: async () => {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    },
    stop: () => app.close(),
  };
}

/** Runs one SQL query over HTTP (`POST /api/v1/query`, expecting 200) and returns the rows. */
export async function queryRows(
  server: Parameters<typeof request>[0],
  auth: string,
  query: string,
): Promise<Record<string, unknown>[]> {
  const response = await request(server)
    .post('/api/v1/query')
    .set('Authorization', auth)
    .send({ query })
    .expect(200);
  return response.body as Record<string, unknown>[];
}

/** supertest parser that collects a binary body into a Buffer. */
export function binaryBody(
  response: Response,
  done: (error: Error | null, body: Buffer) => void,
): void {
  const stream = response as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
