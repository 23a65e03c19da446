import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@qautlra/testing';
import { AppSupervisor, SupervisorEvent } from './supervisor';

/** A tiny app: answers `pid` over HTTP; `/crash` exits 1, `/stall` blocks its event loop. */
const APP = `
const http = require('node:http');
http.createServer((req, res) => {
  if (req.url === '/crash') process.exit(1);
  if (req.url === '/stall') { res.end('stalling'); const until = Date.now() + 60_000; while (Date.now() < until); }
  res.end(String(process.pid));
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

describe('AppSupervisor (real child processes)', () => {
  let dir: string;
  let supervisor: AppSupervisor | undefined;
  const events: SupervisorEvent[] = [];
  const pidAt = async (port: number) =>
    Number(await (await fetch(`http://127.0.0.1:${port}/`)).text());

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-'));
    writeFileSync(join(dir, 'app.js'), APP);
  });
  afterEach(async () => {
    await supervisor?.stop();
    events.length = 0;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(names: string[], options = {}) {
    const ports = await Promise.all(names.map(() => freePort()));
    supervisor = new AppSupervisor(
      names.map((name, index) => ({
        name,
        script: join(dir, 'app.js'),
        env: { PORT: String(ports[index]) },
        healthUrl: `http://127.0.0.1:${ports[index]}/`,
        after: index === 0 ? [] : [names[0]!],
      })),
      { stdio: 'ignore', onEvent: (event) => events.push(event), ...options },
    );
    await supervisor.start();
    return ports;
  }

  it('starts every app in its own process; a crashed one comes back while the others keep serving', async () => {
    const [a, b] = (await run(['a', 'b'])) as [number, number];
    expect(supervisor!.statuses().map((s) => [s.name, s.state])).toEqual([
      ['a', 'running'],
      ['b', 'running'],
    ]);
    const first = await pidAt(a);
    const other = await pidAt(b);
    expect(first).not.toBe(other);
    expect(first).not.toBe(process.pid);
    await fetch(`http://127.0.0.1:${a}/crash`).catch(() => undefined);
    await waitFor(() => supervisor!.statuses()[0]?.state === 'restarting' || undefined, {
      what: 'a seen ending',
    });
    expect(await pidAt(b)).toBe(other);
    await waitFor(async () => ((await pidAt(a).catch(() => 0)) || 0) > 0 || undefined, {
      what: 'a answering again',
    });
    expect(await pidAt(a)).not.toBe(first);
    // The supervisor sees the answer on its own next poll.
    await waitFor(() => supervisor!.statuses()[0]?.state === 'running' || undefined, {
      what: 'the supervisor to mark a running',
    });
    expect(supervisor!.statuses()[0]).toMatchObject({
      state: 'running',
      restarts: 1,
      last_exit: 'exit 1',
    });
    expect(events).toContainEqual({ kind: 'exited', app: 'a', how: 'exit 1', restartInMs: 200 });
  });

  it('kills and restarts an app that stops answering (a stall), and stops all on stop()', async () => {
    const [a] = (await run(['a'], { livenessIntervalMs: 100, unresponsiveChecks: 3 })) as [number];
    const first = await pidAt(a);
    await fetch(`http://127.0.0.1:${a}/stall`);
    await waitFor(async () => (await pidAt(a).catch(() => first)) !== first || undefined, {
      what: 'a restarted after the stall',
    });
    expect(supervisor!.statuses()[0]?.last_exit).toBe('signal SIGKILL');
    const pid = supervisor!.pidOf('a')!;
    await supervisor!.stop();
    expect(supervisor!.statuses()[0]?.state).toBe('stopped');
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
