import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { seedSimHistory } from './sim-history';

/**
 * Seeding into a local stand-in of the tsdb that drops the connection of the first ingest request
 * without an answer (as a loaded first start once saw: `fetch failed`, no history).
 */
describe('seedSimHistory', () => {
  let server: Server;
  let url: string;
  let dir: string;
  let ingested = 0;
  let dropped = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qautlra-seed-'));
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        if (request.url === '/api/v1/query') response.end('[{"n":0}]');
        else if (dropped === 0) {
          dropped += 1;
          request.socket.destroy();
        } else {
          ingested += (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[]).length;
          response.end('{"ingested":1}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends every batch again after a dropped connection, each once', async () => {
    const config = loadConfig({ MD_SIM_STATE_FILE: join(dir, 'sim-state.json') }, []);
    const outcome = await seedSimHistory({
      config,
      tsdbUrl: url,
      tsdbUser: 'admin',
      tsdbPassword: 'admin',
      stream: 'market_data',
      days: 1,
      // A fixed clock: a day back from a Wednesday 15:00 Beijing holds a night and a day session
      // (a day back from a Monday morning holds none).
      now: Date.parse('2026-11-25T07:00:00Z'),
      batchRows: 5_000,
    });
    expect(outcome).toMatchObject({ seeded: true });
    expect(outcome.seeded && outcome.rows).toBe(ingested);
    expect(dropped).toBe(1);
    expect(ingested).toBeGreaterThan(5_000);
  });
});
