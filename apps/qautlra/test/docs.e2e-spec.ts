import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generatedClientTypes,
  lintOpenApi,
  OpenApiDocument,
  responseProblems,
  untypedOperations,
  waitFor,
} from '@qautlra/testing';
import WebSocket from 'ws';
import { parseMqMessage } from '../../trader/src/intake/mq-message';

const ROOT = join(__dirname, '../../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md') && name !== 'compatibility.md')
    .map((name) => `docs/${name}`),
];

interface Block {
  file: string;
  line: number;
  lang: string;
  text: string;
}

/** Fenced code blocks of a Markdown file, with their language and first line. */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: Block | undefined;
  lines.forEach((line, index) => {
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence && !open) open = { file, line: index + 1, lang: fence[1] ?? '', text: '' };
    else if (fence && open) {
      blocks.push(open);
      open = undefined;
    } else if (open) open.text += `${line.replace(/^ {2}(?=\S)/, '')}\n`;
  });
  return blocks;
}

const allBlocks = DOCS.flatMap(blocksOf);
/**
 * Shell examples: every line but `npm …` (starting and testing the platform is what this test does),
 * except `npm run backtest -- …` and `npm run factor -- …`, run as the built CLIs (the build is done;
 * `npm run backtest` would only check it again).
 */
const shellBlocks = allBlocks
  .filter((block) => block.lang === 'bash' || block.lang === 'sh')
  .map((block) => ({
    ...block,
    text: block.text
      .split('\n')
      .map((line) =>
        line.trim().startsWith('npm run backtest -- ')
          ? line.trim().replace(/^npm run backtest -- /, 'node dist/apps/backtest/src/cli.js ')
          : line.trim().startsWith('npm run factor -- ')
            ? line
                .trim()
                .replace(/^npm run factor -- /, 'node dist/apps/backtest/src/factor-cli.js ')
            : line,
      )
      .filter((line) => !/^npm /.test(line.trim()))
      .join('\n'),
  }))
  .filter((block) => block.text.trim().length > 0);

/** Runs a shell block; `curl` fails on an HTTP error, the whole block on any failing command. */
function runShell(
  text: string,
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const script = `set -e -o pipefail\ncurl() { command curl -sS --fail-with-body --max-time 30 "$@"; echo; }\n${text}`;
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', script],
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: `${stdout}${stderr}`,
        }),
    );
  });
}

/**
 * Issue 16 §10: the fresh-clone `npm start` and every example of the README and docs/ against it —
 * shell (curl, node) blocks, the DIFF WebSocket walk-through, the trader's message formats, the
 * OpenAPI examples — and no example names a contract the sim does not list.
 */
describe('README and docs examples against a started platform', () => {
  let platform: ChildProcess;
  let cwd: string;
  let output = '';
  let listed: Set<string>;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'qautlra-docs-'));
    platform = spawn(process.execPath, [join(ROOT, 'scripts/start.js')], {
      cwd,
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // A hang guard: alone it starts in about a minute; a loaded CI machine took over 4 once.
      await waitFor(() => output.includes('QAUTLRA is running') || platform.exitCode !== null, {
        what: 'npm start to print its banner',
        timeoutMs: 420_000,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}; it printed:\n${output.slice(-4000)}`);
    }
    if (platform.exitCode !== null) throw new Error(`npm start ended: ${output.slice(-2000)}`);
    const instruments = (await (await fetch('http://localhost:8014/api/instruments')).json()) as {
      id: string;
    }[];
    listed = new Set(instruments.map((instrument) => instrument.id));
  }, 480_000);

  afterAll(async () => {
    if (platform && platform.exitCode === null && platform.signalCode === null) {
      const ended = new Promise((resolve) => platform.once('exit', resolve));
      platform.kill('SIGINT');
      await ended;
    }
    rmSync(cwd, { recursive: true, force: true });
  }, 60_000);

  /** The demo user's trade-server token and the trader's API token of this platform. */
  const credentials = async () => {
    const login = (await (
      await fetch('http://localhost:7988/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_name: 'demo', password: 'demo' }),
      })
    ).json()) as { token: string };
    return {
      token: login.token,
      trader: readFileSync(join(cwd, 'data/trader-api-token'), 'utf8').trim(),
      strategy: readFileSync(join(cwd, 'data/strategy-api-token'), 'utf8').trim(),
    };
  };

  it('npm start printed its progress and a banner with every app', () => {
    expect(output).toContain('starting the apps (each in its own process)');
    for (const app of [
      'md-gateway',
      'tsdb',
      'trade-server',
      'fund-analytics',
      'backtest',
      'web',
      'trader',
      'strategy',
      'realtime',
    ])
      expect([app, output.includes(`  ${app.padEnd(14)} http://localhost:`)]).toEqual([app, true]);
    expect(output).toMatch(/recorded [\d,]+ ticks of sim history/);
  });

  it('finds examples to run', () => {
    expect(shellBlocks.map((block) => block.file).sort()).toEqual(
      expect.arrayContaining([
        'docs/md-gateway.md',
        'docs/tsdb.md',
        'docs/backtest.md',
        'docs/factors.md',
        'docs/strategies.md',
        'docs/realtime.md',
      ]),
    );
  });

  it.each(shellBlocks.map((block) => [`${block.file}:${block.line}`, block] as const))(
    'shell example %s runs',
    async (_where, block) => {
      // The platform's tokens are under its own ./data; the examples read them from the environment first.
      const result = await runShell(block.text, {
        STRATEGY_API_TOKEN: readFileSync(join(cwd, 'data/strategy-api-token'), 'utf8').trim(),
      });
      expect({ code: result.code, output: result.output.slice(-1500) }).toMatchObject({ code: 0 });
    },
  );

  it('the DIFF WebSocket walk-through (docs/trade-server.md) logs in and places its order', async () => {
    const block = allBlocks.find(
      (candidate) => candidate.file === 'docs/trade-server.md' && candidate.lang === 'jsonc',
    );
    expect(block).toBeDefined();
    // The frames a client sends: `→ {…}`, possibly over several lines.
    const frames: unknown[] = [];
    let pending = '';
    for (const line of block!.text.split('\n')) {
      if (line.startsWith('→')) pending = line.slice(1);
      else if (line.startsWith('←')) pending = '';
      else if (pending) pending += line;
      if (pending) {
        try {
          frames.push(JSON.parse(pending));
          pending = '';
        } catch {
          // more lines to come
        }
      }
    }
    expect(frames.map((frame) => (frame as { aid: string }).aid)).toEqual([
      'req_login',
      'peek_message',
      'insert_order',
      'peek_message',
    ]);
    const socket = new WebSocket('ws://localhost:7988/ws/trade');
    const received: string[] = [];
    socket.on('message', (data: Buffer) => received.push(data.toString()));
    await new Promise((resolve) => socket.once('open', resolve));
    const orderId = `docs-${Date.now()}`;
    for (const frame of frames) {
      const text = JSON.stringify(frame).replace('"my-1"', JSON.stringify(orderId));
      socket.send(text);
      if ((frame as { aid: string }).aid === 'req_login')
        await waitFor(() => received.some((message) => message.includes('登录成功')), {
          what: 'the login notify',
        });
    }
    const order = await waitFor(
      () => {
        for (const message of received) {
          const match = new RegExp(
            `"${orderId}":\\{[^}]*"status":"(\\w+)"[^}]*"last_msg":"([^"]*)"`,
          ).exec(message);
          if (match && (match[1] === 'FINISHED' || match[1] === 'ALIVE')) return match;
        }
        return undefined;
      },
      { what: 'the example order in the account' },
    );
    socket.send(JSON.stringify({ aid: 'peek_message' }));
    socket.close();
    // Filled or resting: not refused (a refusal names its rule in last_msg).
    expect(order[2]).not.toMatch(/[A-Z_]{6,}/);
  });

  it('the trader message examples (docs/trader.md) are messages the trader accepts', () => {
    const block = allBlocks.find(
      (candidate) => candidate.file === 'docs/trader.md' && candidate.lang === 'json',
    );
    const lines = block!.text.split('\n').filter((line) => line.trim());
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) expect(() => parseMqMessage(JSON.parse(line), 'demo')).not.toThrow();
  });

  it('every futures contract named in the README, docs and OpenAPI examples is listed by the sim', async () => {
    const named = new Set<string>();
    const contract = /\b(SHFE|DCE|CZCE|CFFEX|INE|GFEX)\.([A-Za-z]{1,2}\d{3,4})\b/g;
    const bare = /"(?:instrument_id|code)"\s*:\s*"([A-Za-z]{1,2}\d{3,4})"/g;
    const collect = (text: string) => {
      for (const match of text.matchAll(contract)) named.add(`${match[1]}.${match[2]}`);
      for (const match of text.matchAll(bare)) named.add(match[1]!);
    };
    for (const file of DOCS) collect(readFileSync(join(ROOT, file), 'utf8'));
    for (const port of [8014, 7988, 8018, 8019, 8020, 8021, 8022, 8000, 8080]) {
      const document = await fetch(`http://localhost:${port}/api/docs-json`);
      expect([port, document.status]).toEqual([port, 200]);
      collect(await document.text());
    }
    const unknown = [...named].filter((id) =>
      id.includes('.')
        ? !listed.has(id)
        : ![...listed].some((listedId) => listedId.endsWith(`.${id}`)),
    );
    expect(named.size).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });

  it('every app’s OpenAPI document passes Redocly’s recommended rules, types every success response and makes a client with no unknown or any (issue 18)', async () => {
    const found: Record<string, { lint: string[]; untyped: string[]; loose: string[] }> = {};
    for (const port of [8000, 8014, 18000, 7988, 8018, 8019, 8020, 8021, 8022, 8080]) {
      const document = (await (
        await fetch(`http://localhost:${port}/api/docs-json`)
      ).json()) as OpenApiDocument;
      const client = await generatedClientTypes(document);
      expect(client.source).toContain('export interface paths');
      found[`${port} ${document.info.title}`] = {
        lint: await lintOpenApi(document),
        untyped: untypedOperations(document),
        loose: client.untyped,
      };
    }
    const clean = Object.fromEntries(
      Object.keys(found).map((app) => [app, { lint: [], untyped: [], loose: [] }]),
    );
    expect(found).toEqual(clean);
  }, 120_000);

  it('what the apps answer matches the schemas their OpenAPI documents give (issue 18)', async () => {
    const documents = new Map<number, OpenApiDocument>();
    const documentOf = async (port: number) => {
      if (!documents.has(port))
        documents.set(
          port,
          (await (await fetch(`http://localhost:${port}/api/docs-json`)).json()) as OpenApiDocument,
        );
      return documents.get(port)!;
    };
    const { token, trader, strategy } = await credentials();
    const auth: Record<number, Record<string, string>> = {
      18000: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
      7988: { authorization: `Bearer ${token}` },
      8018: { authorization: `Bearer ${trader}` },
      8019: { authorization: `Bearer ${token}` },
      8022: { authorization: `Bearer ${strategy}` },
    };
    // A live instance (not started: it is looked at, not traded).
    const instance = (await (
      await fetch('http://localhost:8022/api/instances', {
        method: 'POST',
        headers: { ...auth[8022], 'content-type': 'application/json' },
        body: JSON.stringify({
          strategy: 'ma-cross',
          account: 'demo',
          password: 'demo',
          instruments: ['SHFE.rb888'],
          start: false,
        }),
      })
    ).json()) as { id: string };
    const runs = (await (await fetch('http://localhost:8021/api/runs?limit=5')).json()) as {
      id: string;
      status: string;
    }[];
    const done = runs.find((run) => run.status === 'done');
    const routes: [number, string, string][] = [
      [8000, '/', '/'],
      [8000, '/health', '/health'],
      [8014, '/api/status', '/api/status'],
      [8014, '/api/instruments', '/api/instruments'],
      [8014, '/api/subscriptions', '/api/subscriptions'],
      [8014, '/api/quotes', '/api/quotes?ins=SHFE.rb888,sh600000'],
      [8014, '/api/quotes/{instrument}', '/api/quotes/SHFE.rb888'],
      [18000, '/api/v1/status', '/api/v1/status'],
      [18000, '/api/v1/logstream', '/api/v1/logstream'],
      [18000, '/api/v1/logstream/{stream}/schema', '/api/v1/logstream/market_data/schema'],
      [18000, '/api/v1/bars', '/api/v1/bars?stream=market_data&instrument=SHFE.rb888&period=1d'],
      [18000, '/api/v1/latest', '/api/v1/latest?stream=market_data&instruments=SHFE.rb888'],
      [18000, '/api/v1/query', '/api/v1/query?query=SELECT%201%20AS%20n'],
      [7988, '/api/accounts', '/api/accounts'],
      [7988, '/api/accounts/{account}', '/api/accounts/demo'],
      [7988, '/api/accounts/{account}/positions', '/api/accounts/demo/positions'],
      [7988, '/api/accounts/{account}/orders', '/api/accounts/demo/orders'],
      [7988, '/api/accounts/{account}/trades', '/api/accounts/demo/trades'],
      [7988, '/api/accounts/{account}/settlement', '/api/accounts/demo/settlement'],
      [8018, '/api/status', '/api/status'],
      [8018, '/api/accounts', '/api/accounts'],
      [8018, '/api/accounts/{account}', '/api/accounts/demo'],
      [8018, '/api/accounts/{account}/events', '/api/accounts/demo/events'],
      [8020, '/api/products', '/api/products'],
      [8020, '/api/products/{code}/nav', '/api/products/QD0001/nav'],
      [
        8020,
        '/api/products/{code}/metrics',
        '/api/products/QD0001/metrics?benchmark=IDX300&rolling=true',
      ],
      [8021, '/api/strategies', '/api/strategies'],
      [8021, '/api/runs', '/api/runs'],
      ...(done
        ? ([
            [8021, '/api/runs/{id}', `/api/runs/${done.id}`],
            [8021, '/api/runs/{id}/{part}', `/api/runs/${done.id}/daily`],
            [8021, '/api/runs/{id}/{part}', `/api/runs/${done.id}/trades`],
            [8021, '/api/runs/{id}/{part}', `/api/runs/${done.id}/equity`],
          ] as [number, string, string][])
        : []),
      [8022, '/api/strategies', '/api/strategies'],
      [8022, '/api/instances', '/api/instances'],
      [8022, '/api/instances/{id}', `/api/instances/${instance.id}`],
      [8022, '/api/instances/{id}/orders', `/api/instances/${instance.id}/orders`],
      [8022, '/api/instances/{id}/trades', `/api/instances/${instance.id}/trades`],
      [8022, '/api/instances/{id}/pnl', `/api/instances/${instance.id}/pnl`],
      [8022, '/api/instances/{id}/logs', `/api/instances/${instance.id}/logs`],
      [8022, '/api/instances/{id}/qifi', `/api/instances/${instance.id}/qifi`],
      [8019, '/api/rooms', '/api/rooms'],
      [8019, '/api/accounts/{account}', '/api/accounts/demo'],
      [8019, '/api/portfolios/{user}', '/api/portfolios/demo'],
      [
        8019,
        '/api/factors/{instrument}/{frequency}/{indicator}',
        '/api/factors/SHFE.rb888/1m/MA(5)',
      ],
      [8019, '/api/rooms/state', '/api/rooms/state?room=RANK:1m:ROC(5):SHFE.rb888,SHFE.hc888'],
      [8019, '/api/alerts/{account}', '/api/alerts/demo'],
      [8080, '/api/web/config', '/api/web/config'],
    ];
    expect(done).toBeDefined();
    const problems: string[] = [];
    for (const [port, route, url] of routes) {
      const response = await fetch(`http://localhost:${port}${url}`, {
        headers: { accept: 'application/json', ...auth[port] },
      });
      problems.push(
        ...responseProblems(
          await documentOf(port),
          'GET',
          route,
          response.status,
          await response.json(),
        ).map((problem) => `${port} ${problem}`),
      );
    }
    const compared = await fetch('http://localhost:8020/api/compare', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ codes: ['QD0001', 'CTA002'], benchmark: 'IDX300', rank_by: 'sharpe' }),
    });
    problems.push(
      ...responseProblems(
        await documentOf(8020),
        'POST',
        '/api/compare',
        compared.status,
        await compared.json(),
      ),
    );
    expect(problems).toEqual([]);
  }, 120_000);

  it('every route that takes a body or query refuses a bad one with a 400 naming the field (issue 18)', async () => {
    const { token, trader, strategy } = await credentials();
    const auth: Record<number, string> = {
      18000: `Basic ${Buffer.from('admin:admin').toString('base64')}`,
      7988: `Bearer ${token}`,
      8018: `Bearer ${trader}`,
      8019: `Bearer ${token}`,
      8022: `Bearer ${strategy}`,
    };
    const run = '00000000-0000-4000-8000-000000000000';
    // [port, method, path, body, the field the answer must name]
    const cases: [number, string, string, unknown, string][] = [
      [8014, 'POST', '/api/subscriptions', { instruments: 'SHFE.rb888' }, 'instruments'],
      [8014, 'POST', '/api/subscribe', { instruments: [5] }, 'instruments'],
      [8014, 'POST', '/api/unsubscribe', {}, 'instruments'],
      [8014, 'GET', '/api/quotes?ins=a&sort=desc', undefined, 'sort'],
      [18000, 'PUT', '/api/v1/logstream/bad_request_check', { partition_by: 5 }, 'partition_by'],
      [18000, 'POST', '/api/v1/query', { query: 5 }, 'query'],
      [18000, 'GET', '/api/v1/query?query=SELECT%201&format=xml', undefined, 'format'],
      [18000, 'POST', '/api/v1/counts', { stream: 'market_data', numBins: 0 }, 'numBins'],
      [
        18000,
        'GET',
        '/api/v1/bars?stream=market_data&instrument=SHFE.rb888&period=2m',
        undefined,
        'period',
      ],
      [18000, 'GET', '/api/v1/latest', undefined, 'stream'],
      [7988, 'POST', '/api/auth/login', { user_name: 'demo' }, 'password'],
      [7988, 'POST', '/api/auth/api-keys', { label: 5 }, 'label'],
      [
        7988,
        'GET',
        '/api/accounts/demo/settlement?trading_day=yesterday',
        undefined,
        'trading_day',
      ],
      [
        7988,
        'POST',
        '/api/accounts/demo/orders',
        { exchange_id: 'SHFE', instrument_id: 'rb888', direction: 'UP', offset: 'OPEN', volume: 1 },
        'direction',
      ],
      [
        7988,
        'POST',
        '/api/admin/users',
        { user_name: 'x', password: 'pw', is_admin: 'yes' },
        'is_admin',
      ],
      [
        7988,
        'POST',
        '/api/admin/accounts',
        { account_cookie: 'x', user_name: 'x', cash: 1e20 },
        'cash',
      ],
      [7988, 'POST', '/api/admin/accounts/demo/transfer', { amount: 'lots' }, 'amount'],
      [7988, 'PUT', '/api/admin/accounts/demo/state', { state: 'PAUSED' }, 'state'],
      [
        7988,
        'PUT',
        '/api/admin/accounts/demo/limits',
        { max_order_volume: -1 },
        'max_order_volume',
      ],
      [7988, 'POST', '/api/admin/settle', { trading_day: '2026-12-07' }, 'trading_day'],
      [
        8018,
        'POST',
        '/api/orders',
        {
          exchange_id: 'SHFE',
          code: 'rb888',
          order_direction: 'UP',
          order_offset: 'OPEN',
          volume: 1,
          price: 3500,
        },
        'order_direction',
      ],
      [8020, 'GET', '/api/products?search=' + 'x'.repeat(300), undefined, 'search'],
      [8020, 'GET', '/api/products/QD0001/nav?start=yesterday', undefined, 'start'],
      [8020, 'GET', '/api/products/QD0001/metrics?preset=nobody', undefined, 'preset'],
      [8020, 'GET', '/api/products/QD0001/report?lang=fr', undefined, 'lang'],
      [8020, 'POST', '/api/compare', { codes: 'QD0001' }, 'codes'],
      [8020, 'POST', '/api/compare/report', { codes: ['QD0001'], gains: 'blue' }, 'gains'],
      [8020, 'GET', '/api/compare/report?codes=QD0001,QD0001', undefined, 'codes'],
      [8020, 'GET', '/api/compare/report?codes=QD0001,CTA002&order=up', undefined, 'order'],
      [
        8021,
        'POST',
        '/api/runs',
        { strategy: 'ma-cross', instruments: ['SHFE.rb888'], from: '2026-01-05', to: 'soon' },
        'to',
      ],
      [
        8021,
        'POST',
        '/api/sweeps',
        {
          strategy: 'ma-cross',
          instruments: ['SHFE.rb888'],
          from: '2026-01-05',
          to: '2026-01-09',
          grid: 3,
        },
        'grid',
      ],
      [8021, 'GET', '/api/runs?limit=0', undefined, 'limit'],
      [8021, 'GET', `/api/runs/${run}/report?lang=fr`, undefined, 'lang'],
      [8021, 'GET', `/api/runs/${run}/bars`, undefined, 'instrument'],
      [
        8022,
        'POST',
        '/api/instances',
        { strategy: 'ma-cross', account: 'demo', password: 'demo', instruments: ['rb888'] },
        'instruments',
      ],
      [
        8022,
        'POST',
        '/api/instances',
        {
          strategy: 'ma-cross',
          account: 'demo',
          password: 'demo',
          instruments: ['SHFE.rb888'],
          limits: { max_position: -1 },
        },
        'limits.max_position',
      ],
      [8022, 'POST', `/api/instances/${run}/stop`, { flatten: 'yes' }, 'flatten'],
      [8022, 'PUT', `/api/instances/${run}/params`, { params: 5 }, 'params'],
      [8022, 'GET', `/api/instances/${run}/logs?limit=0`, undefined, 'limit'],
      [8019, 'POST', '/realtime_sub', { sid: 'x', room: 'ACCOUNT:demo' }, 'sid'],
      [8019, 'POST', '/realtime_unsub', { sid: run, room: 5 }, 'room'],
      [8019, 'GET', '/api/rooms/state', undefined, 'room'],
      [
        8019,
        'POST',
        '/api/alerts/rules',
        { account: 'demo', kind: 'risk_ratio', threshold: 'high' },
        'threshold',
      ],
      [8019, 'POST', '/api/alerts/rules', { account: 'demo', kind: 'mood', threshold: 1 }, 'kind'],
      [8019, 'DELETE', `/api/alerts/rules/${run}`, undefined, 'account'],
    ];
    const wrong: string[] = [];
    for (const [port, method, path, body, field] of cases) {
      const response = await fetch(`http://localhost:${port}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(auth[port] ? { authorization: auth[port] } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const answer = (await response.json()) as {
        statusCode?: number;
        details?: { field: string }[];
      };
      const named = (answer.details ?? []).map((detail) => detail.field);
      if (response.status !== 400 || answer.statusCode !== 400 || !named.includes(field))
        wrong.push(`${port} ${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('a killed app comes back while the others keep serving (npm start supervises each process)', async () => {
    const info = async () =>
      (await (
        await fetch('http://localhost:8000/', { headers: { accept: 'application/json' } })
      ).json()) as {
        components: { app: string; process?: { state: string; pid?: number; restarts: number } }[];
      };
    const gateway = (await info()).components.find((component) => component.app === 'md-gateway')!;
    expect(gateway.process).toMatchObject({ state: 'running', restarts: 0 });
    process.kill(gateway.process!.pid!, 'SIGKILL');
    await waitFor(
      async () => {
        const now = (await info()).components.find((component) => component.app === 'md-gateway');
        return now?.process?.state === 'running' && now.process.restarts === 1 ? now : undefined;
      },
      { what: 'md-gateway restarted', timeoutMs: 30_000 },
    );
    // The trade server kept serving meanwhile, and the gateway answers again.
    expect((await fetch('http://localhost:7988/health')).status).toBe(200);
    expect((await fetch('http://localhost:8014/api/instruments')).status).toBe(200);
    const health = (await (await fetch('http://localhost:8000/health')).json()) as {
      checks: { apps: { status: string } };
    };
    expect(health.checks.apps.status).toBe('ok');
  });

  it('a SIGKILLed npm start leaves no app running behind it', async () => {
    const { components } = (await (
      await fetch('http://localhost:8000/', { headers: { accept: 'application/json' } })
    ).json()) as { components: { process?: { pid?: number } }[] };
    const pids = components.flatMap((component) =>
      component.process?.pid === undefined ? [] : [component.process.pid],
    );
    expect(pids.length).toBeGreaterThanOrEqual(6);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const ended = new Promise((resolve) => platform.once('exit', resolve));
    platform.kill('SIGKILL');
    await ended;
    await waitFor(() => pids.every((pid) => !alive(pid)), {
      what: 'every app process gone',
      timeoutMs: 30_000,
    });
  });
});
