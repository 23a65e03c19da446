import { AppProcess, freePort, waitFor } from '@qautlra/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/**
 * Every app logs through nestjs-pino: one JSON shape on stdout (framework, app and request lines
 * alike), a request id on each REST request (the client's `X-Request-Id` kept and echoed) and a
 * connection id on each socket.
 */
describe('md-gateway logs (nestjs-pino)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'md-logs-'));
  const lines = (app: AppProcess) =>
    app.output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return { unparsed: line };
        }
      });
  let app: AppProcess;
  let base = '';

  afterAll(async () => {
    await app?.kill('SIGTERM');
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('writes JSON lines only, request and connection ids included', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = new AppProcess(
      'md-gateway',
      [],
      {
        LOG_LEVEL: 'debug',
        MD_GATEWAY_HOST: '127.0.0.1',
        MD_GATEWAY_PORT: String(port),
        MD_SIM_STATE_FILE: join(stateDir, 'sim.json'),
      },
      `${base}/health`,
    );
    await app.start();

    const response = await fetch(`${base}/api/quotes/SHFE.nope`, {
      headers: { 'x-request-id': 'logs-test-1' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('logs-test-1');
    // A request id that is not a plain token is replaced, not logged as sent.
    const odd = await fetch(`${base}/health`, { headers: { 'x-request-id': 'a b\u00e9' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/market`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.close();

    await waitFor(() => lines(app).some((line) => line.msg === 'socket closed'), {
      what: 'the socket close logged',
    });
    const all = lines(app);
    expect(all.filter((line) => 'unparsed' in line)).toEqual([]);
    for (const line of all) {
      expect(line).toEqual(
        expect.objectContaining({ level: expect.any(Number), app: 'md-gateway' }),
      );
      expect(typeof line.msg).toBe('string');
    }
    const request = all.find((line) => line.req_id === 'logs-test-1');
    expect(request).toEqual(
      expect.objectContaining({
        req: { method: 'GET', path: '/api/quotes/SHFE.nope' },
        res: { status_code: 404 },
      }),
    );
    const opened = all.find((line) => line.msg === 'socket connected');
    const closed = all.find((line) => line.msg === 'socket closed');
    expect(opened).toEqual(expect.objectContaining({ path: '/ws/market' }));
    expect(opened?.conn).toEqual(expect.any(String));
    expect(closed?.conn).toBe(opened?.conn);
    // Nest's own start-up lines are JSON too (at debug).
    expect(all.some((line) => line.context === 'RoutesResolver')).toBe(true);
  });

  it('keeps Nest start-up chatter out of the info level', async () => {
    await app.kill('SIGTERM');
    const port = await freePort();
    app = new AppProcess(
      'md-gateway',
      [],
      {
        LOG_LEVEL: 'info',
        MD_GATEWAY_HOST: '127.0.0.1',
        MD_GATEWAY_PORT: String(port),
        MD_SIM_STATE_FILE: join(stateDir, 'sim.json'),
      },
      `http://127.0.0.1:${port}/health`,
    );
    await app.start();
    await waitFor(() => lines(app).some((line) => line.msg === 'md-gateway is up'), {
      what: 'the start line',
    });
    const all = lines(app);
    expect(all.filter((line) => line.context === 'RoutesResolver')).toEqual([]);
    expect(all.filter((line) => 'unparsed' in line)).toEqual([]);
  });
});
