import { waitFor } from '@qautlra/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `kill -9` durability against the built server (`npm test` builds first): every acknowledged
 * row is there after a restart, exactly once, even with flushes to Parquet running all along.
 */
const MAIN = join(__dirname, '../../../dist/apps/tsdb/src/main.js');
const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;

describe('tsdb durability (kill -9)', () => {
  let root: string;
  let child: ChildProcess | undefined;
  const port = 18_500 + Math.floor(Math.random() * 400);
  const base = `http://127.0.0.1:${port}`;

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does)`);
    root = mkdtempSync(join(tmpdir(), 'qadb-kill-'));
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<void> {
    child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        P_ADDR: `127.0.0.1:${port}`,
        P_DATA_DIR: join(root, 'data'),
        P_STAGING_DIR: join(root, 'staging'),
        QADB_FLUSH_INTERVAL_MS: '40',
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    await waitFor(
      async () => {
        const response = await fetch(`${base}/health`).catch(() => undefined);
        return response?.ok;
      },
      { timeoutMs: 20_000, what: 'tsdb to start' },
    );
  }

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('keeps every acknowledged row exactly once across kill -9', async () => {
    await start();
    let acknowledged = 0;
    const batches = 40;
    for (let b = 0; b < batches; b += 1) {
      const rows = Array.from({ length: 250 }, (_, i) => ({
        instrument_id: `SSE.60${String(i % 50).padStart(4, '0')}`,
        datetime: new Date(Date.UTC(2025, 2, 28, 1, 30, 0, b * 250 + i)).toISOString(),
        seq: b * 250 + i,
        last_price: 10 + i / 100,
      }));
      const response = await post('/api/v1/ingest', rows, { 'X-P-Stream': 'ticks' });
      expect(response.status).toBe(200);
      acknowledged += ((await response.json()) as { ingested: number }).ingested;
    }
    // Kill while the 40 ms flush timer is running, without any shutdown.
    child?.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));

    await start();
    const response = await post('/api/v1/query', {
      query: 'SELECT count(*)::INTEGER AS n, count(DISTINCT seq)::INTEGER AS distinct_n FROM ticks',
    });
    expect(await response.json()).toEqual([{ n: acknowledged, distinct_n: acknowledged }]);
    expect(acknowledged).toBe(10_000);
  });
});
