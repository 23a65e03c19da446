import { INestApplication } from '@nestjs/common';
import { TestDatabase } from '@qautlra/testing';
import { bootstrap } from '../../src/main';

/** The fund-analytics app in this process on a fresh PostgreSQL database. */
export async function startFundApp(prefix: string) {
  const database = await TestDatabase.create(prefix);
  const app: INestApplication = await bootstrap({
    host: '127.0.0.1',
    port: 0,
    databaseUrl: database.url,
    dataDir: '',
    logLevel: 'error',
  });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    base,
    database,
    async stop() {
      await app.close();
      await database.drop();
    },
  };
}

/** `POST /api/products/import` with a file (multipart field `file`) and form fields. */
export async function upload(
  base: string,
  data: Buffer,
  name = 'navs.xlsx',
  fields: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), name);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = await fetch(`${base}/api/products/import`, { method: 'POST', body: form });
  return { status: response.status, body: await response.json() };
}
