#!/usr/bin/env node
/*
 * `npm start`: installs dependencies if needed, builds when sources are newer than the build, and
 * runs the whole platform in one process on embedded defaults (PGlite under ./data).
 */
'use strict';
const { execSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });
// Every app keeps its files under ./data of the directory npm start runs in (the repository, usually).
const dataRoot = join(process.cwd(), 'data');

function newest(dir) {
  let latest = 0;
  if (!existsSync(dir)) return latest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

run('bash scripts/ensure-deps.sh');
const entry = join(root, 'dist/apps/qautlra/src/main.js');
const appEntries = ['md-gateway', 'tsdb', 'trade-server', 'trader', 'fund-analytics', 'backtest', 'strategy', 'realtime', 'web'].map((app) => join(root, `dist/apps/${app}/src/main.js`));
const sources = Math.max(newest(join(root, 'apps')), newest(join(root, 'libs')), statSync(join(root, 'package-lock.json')).mtimeMs);
const clientIndex = join(root, 'dist/apps/web/client/index.html');
if (!existsSync(entry) || !existsSync(clientIndex) || !appEntries.every((path) => existsSync(path)) || statSync(entry).mtimeMs < sources) {
  console.log('building…');
  run('npm run build --silent');
}
// Every app in its own process under one supervisor (a crash or stall of one leaves the others
// serving; it is restarted with back-off), each on its own port; this process hosts the platform page.
process.env.LOG_LEVEL ??= 'warn';
// The simulated market streams around the clock unless MD_SIM_ALWAYS_OPEN=false (then it follows
// the exchanges' trading sessions and the calendar, quiet outside them).
process.env.MD_SIM_ALWAYS_OPEN ??= 'true';
// tsdb records the gateway's quotes into the stream `market_data` (QADB_WS_CLIENT_ENABLED=false turns it off).
process.env.QADB_WS_CLIENT_ENABLED ??= 'true';
process.env.QADB_WS_CLIENT_PORT ??= process.env.MD_GATEWAY_PORT ?? '8014';
// …and pushes them live on ws://localhost:18003/ws (the original's push socket).
process.env.QADB_WEBSOCKET_ENABLED ??= 'true';
// The trade server's sim broker trades on the gateway's quotes, at any hour like the simulated market.
process.env.TRADE_MARKET_URL ??= `ws://127.0.0.1:${process.env.MD_GATEWAY_PORT ?? '8014'}/ws/market`;
process.env.TRADE_SIM_ALWAYS_OPEN ??= process.env.MD_SIM_ALWAYS_OPEN;
// The sim keeps its state here: a restart resumes its prices and day totals instead of the seed's.
process.env.MD_SIM_STATE_FILE ??= join(dataRoot, 'md-gateway', 'sim-state.json');
// --ctp-demo: the gateway takes a few of the sim's futures contracts from a CTP front instead — native-ctp's
// fake front (the vendor's ABI, a scripted random walk), with a script written here for the contracts the
// sim lists today; everything else stays on the sim (docs/ctp.md).
const ctpDemo = process.argv.includes('--ctp-demo') || process.env.QAUTLRA_CTP_DEMO === 'true';
function writeCtpDemoScript() {
  const { simUniverse } = require(join(root, 'dist/libs/sim/src/index.js'));
  const futures = simUniverse(new Date()).filter((i) => i.kind === 'future' && !i.code.endsWith('888'));
  const picked = [];
  for (const product of ['rb', 'cu', 'au', 'm', 'SR', 'IF']) {
    const contract = futures.find((i) => i.code.replace(/\d+$/, '') === product);
    if (contract) picked.push(contract);
  }
  const script = join(dataRoot, 'ctp', 'demo-md.txt');
  mkdirSync(join(dataRoot, 'ctp'), { recursive: true });
  writeFileSync(
    script,
    [
      '# Written by npm start -- --ctp-demo: the fake CTP front\'s script (native-ctp/fake/md_front.cc, docs/ctp.md).',
      `instruments ${picked.map((i) => i.code).join(' ')}`,
      'connect',
      `walk 500 ${picked.map((i) => `${i.code}=${i.reference}:${i.priceTick}`).join(' ')}`,
      '',
    ].join('\n'),
  );
  // The fake trader front: one investor, these contracts, orders filled at their limit price.
  const traderScript = join(dataRoot, 'ctp', 'demo-trader.txt');
  writeFileSync(
    traderScript,
    [
      '# Written by npm start -- --ctp-demo: the fake CTP trader front\'s script (native-ctp/fake/trader_front.cc).',
      'cash 1000000',
      ...picked.map((i) => `instrument ${i.code} ${i.exchange} ${i.volumeMultiple} ${i.priceTick} 0.1 ${i.reference}`),
      'connect',
      '',
    ].join('\n'),
  );
  return { script, traderScript, ids: picked.map((i) => i.id).join(',') };
}
if (ctpDemo) {
  const demoScript = writeCtpDemoScript();
  process.env.MD_GATEWAY_SOURCES ??= 'ctp,sim';
  process.env.MD_CTP_FRONT ??= `script://${demoScript.script}`;
  process.env.MD_CTP_INSTRUMENTS ??= demoScript.ids;
  process.env.MD_CTP_FLOW_PATH ??= join(dataRoot, 'ctp', 'md-flow');
  // …and the trade server's ctp broker: user ctpdemo (password ctpdemo) trades as investor 8001.
  process.env.TRADE_CTP_FRONT ??= `script://${demoScript.traderScript}`;
  process.env.TRADE_CTP_ACCOUNTS ??= 'ctpdemo:8001:ctpdemo';
  process.env.TRADE_CTP_FLOW_PATH ??= join(dataRoot, 'ctp', 'trader-flow');
}
// The web front end shows the demo login on its sign-in page.
const demo = (process.env.TRADE_DEMO ?? 'true') !== 'false';
if (demo) {
  process.env.WEB_DEMO_USER ??= process.env.TRADE_DEMO_USER ?? 'demo';
  process.env.WEB_DEMO_PASSWORD ??= process.env.TRADE_DEMO_PASSWORD ?? 'demo';
}
const portOf = (address) => String(address).split(':').pop();
const ports = {
  'md-gateway': process.env.MD_GATEWAY_PORT ?? '8014',
  tsdb: portOf(process.env.P_ADDR ?? '0.0.0.0:18000'),
  'trade-server': portOf(process.env.TRADE_SERVER_ADDR ?? '0.0.0.0:7988'),
  'fund-analytics': portOf(process.env.FUND_ADDR ?? '0.0.0.0:8020'),
  backtest: portOf(process.env.BACKTEST_ADDR ?? '127.0.0.1:8021'),
  web: portOf(process.env.WEB_ADDR ?? '0.0.0.0:8080'),
  trader: portOf(process.env.TRADER_ADDR ?? '127.0.0.1:8018'),
  strategy: portOf(process.env.STRATEGY_ADDR ?? '127.0.0.1:8022'),
  realtime: portOf(process.env.REALTIME_ADDR ?? '0.0.0.0:8019'),
};
// The live strategy runtime's API token: STRATEGY_API_TOKEN, else one kept under ./data.
process.env.STRATEGY_API_TOKEN = keptToken('STRATEGY_API_TOKEN', 'strategy-api-token');
process.env.STRATEGY_MARKET_URL ??= process.env.TRADE_MARKET_URL;
process.env.STRATEGY_TRADE_URL ??= `ws://127.0.0.1:${ports['trade-server']}/ws/trade`;
process.env.STRATEGY_TSDB_URL ??= `http://127.0.0.1:${ports.tsdb}`;
// The realtime monitor watches every account through the trade server's monitor socket, with a
// token both share (TRADE_MONITOR_TOKEN, else one kept under ./data), on the gateway's quotes.
process.env.TRADE_MONITOR_TOKEN = keptToken('TRADE_MONITOR_TOKEN', 'trade-monitor-token');
process.env.REALTIME_TRADE_TOKEN ??= process.env.TRADE_MONITOR_TOKEN;
process.env.REALTIME_TRADE_URL ??= `http://127.0.0.1:${ports['trade-server']}`;
process.env.REALTIME_MARKET_URL ??= process.env.TRADE_MARKET_URL;
process.env.REALTIME_TSDB_URL ??= `http://127.0.0.1:${ports.tsdb}`;
process.env.WEB_REALTIME_URL ??= `http://127.0.0.1:${ports.realtime}`;
// The browser reaches the runtime through the web server, which adds the token after the login.
process.env.WEB_STRATEGY_URL ??= `http://127.0.0.1:${ports.strategy}`;
process.env.WEB_STRATEGY_TOKEN ??= process.env.STRATEGY_API_TOKEN;
const apps = [
  // On a first start, a few days of session-aware sim history go into the tsdb before the gateway
  // starts (it then resumes from the history's last state): candles at 1m–1d have shape at once.
  { name: 'md-gateway', ws: '/ws/market', after: ['tsdb'], before: seedHistory },
  { name: 'tsdb', wsUrl: `ws://localhost:${process.env.QADB_WEBSOCKET_PORT ?? '18003'}/ws` },
  { name: 'trade-server', ws: '/ws/trade', label: 'DIFF trading' },
  { name: 'fund-analytics' },
  { name: 'backtest' },
  // Strategies of the backtest catalogue live on the gateway's quotes, trading over DIFF.
  { name: 'strategy' },
  // Accounts re-marked on live quotes, factor rooms and alerts (the original's /ws/ protocol).
  { name: 'realtime', ws: '/ws/', label: 'rooms', after: ['trade-server'] },
  { name: 'web', label: 'browser app' },
];
if (demo)
  // One trader (the original qatrader) for the demo account: REST / RabbitMQ (with AMQP_URL) in,
  // DIFF to the trade server, QIFI into PGlite (or DATABASE_URL), trades on QATRANSACTION.
  apps.push({
    name: 'trader',
    after: ['trade-server'],
    args: [
      '--api_token', traderToken(),
      '--account', process.env.TRADE_DEMO_USER ?? 'demo',
      '--password', process.env.TRADE_DEMO_PASSWORD ?? 'demo',
      '--broker', 'sim',
      '--wsuri', `ws://127.0.0.1:${ports['trade-server']}/ws/trade`,
      '--status_addr', process.env.TRADER_ADDR ?? '127.0.0.1:8018',
    ],
  });

/** First start only: sim history into the tsdb (see apps/md-gateway/src/sources/sim-history.ts). */
async function seedHistory() {
  if ((process.env.QADB_WS_CLIENT_ENABLED ?? 'true') === 'false') return;
  const { seedSimHistory } = require(join(root, 'dist/apps/md-gateway/src/sources/sim-history.js'));
  const { loadConfig } = require(join(root, 'dist/apps/md-gateway/src/config.js'));
  const started = Date.now();
  const outcome = await seedSimHistory({
    config: loadConfig(process.env, []),
    tsdbUrl: `http://127.0.0.1:${ports.tsdb}`,
    tsdbUser: process.env.P_USERNAME ?? 'admin',
    tsdbPassword: process.env.P_PASSWORD ?? 'admin',
    stream: process.env.QADB_WS_CLIENT_STREAM ?? 'market_data',
  });
  if (outcome.seeded)
    console.log(`  recorded ${outcome.rows.toLocaleString('en')} ticks of sim history (${outcome.days} days) into the tsdb in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** A token from the environment, else one made on the first start and kept under ./data. */
function keptToken(variable, name) {
  if (process.env[variable]) return process.env[variable];
  const file = join(dataRoot, name);
  if (!existsSync(file)) {
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The trader's REST token (TRADER_API_TOKEN or ./data/trader-api-token). */
function traderToken() {
  return keptToken('TRADER_API_TOKEN', 'trader-api-token');
}

/** Resolves when nothing listens on `port` (any address), else rejects naming the app that wanted it. */
function portFree(app, port) {
  return new Promise((resolve, reject) => {
    const probe = require('node:net').createServer();
    probe.once('error', (error) =>
      reject(new Error(error.code === 'EADDRINUSE' ? `port ${port} (${app}) is in use by another program: stop it, or move ${app} to another port (README, Configuration)` : `port ${port} (${app}): ${error.message}`)),
    );
    probe.listen({ port: Number(port), host: '0.0.0.0', exclusive: true }, () => probe.close(resolve));
  });
}

(async () => {
  // An app whose port is taken would only restart forever: say so and stop instead.
  const wanted = apps.map((app) => [app.name, ports[app.name]]);
  if ((process.env.QADB_WEBSOCKET_ENABLED ?? 'true') !== 'false') wanted.push(['tsdb push socket', process.env.QADB_WEBSOCKET_PORT ?? '18003']);
  wanted.push(['platform page', process.env.QAUTLRA_PORT ?? '8000']);
  for (const [app, port] of wanted) await portFree(app, port);
  const { AppSupervisor } = require(join(root, 'dist/libs/platform/src/index.js'));
  const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const supervisor = new AppSupervisor(
    apps.map((app) => ({
      name: app.name,
      script: join(root, `dist/apps/${app.name}/src/main.js`),
      args: app.args,
      after: app.after,
      before: app.before,
      healthUrl: `http://127.0.0.1:${ports[app.name]}/`,
    })),
    {
      cwd: process.cwd(),
      onEvent: (event) => {
        if (event.kind === 'starting') console.log(`  starting ${event.app}…`);
        else if (event.kind === 'up') console.log(`  ${event.app} is up (${seconds(event.ms)})`);
        else if (event.kind === 'before-failed') console.log(`  ${event.app}: ${event.error} (going on)`);
        else if (event.kind === 'exited')
          console.log(`  ${event.app} ended (${event.how}); restarting in ${seconds(event.restartInMs)}`);
      },
    },
  );
  let host;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping QAUTLRA…');
    await supervisor.stop();
    await host?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.log('starting the apps (each in its own process)…');
  await supervisor.start();
  const running = apps.map((app) => {
    const url = `http://localhost:${ports[app.name]}`;
    return {
      app: app.name,
      url,
      docs: `${url}/api/docs`,
      websocket: app.ws ? `${url.replace('http', 'ws')}${app.ws}` : app.wsUrl,
      label: app.label ?? 'quotes',
    };
  });
  // Demo fund products from the bundled example workbook (re-importing is idempotent).
  const fund = running.find((app) => app.app === 'fund-analytics');
  let fundDemo = false;
  if (fund && (process.env.FUND_DEMO ?? 'true') !== 'false') {
    const form = new FormData();
    const workbook = readFileSync(join(root, 'apps/fund-analytics/examples/demo-funds.xlsx'));
    form.append('file', new Blob([workbook]), 'demo-funds.xlsx');
    const response = await fetch(`${fund.url}/api/products/import`, { method: 'POST', body: form });
    if (!response.ok) throw new Error(`demo fund import: ${response.status} ${await response.text()}`);
    fundDemo = true;
  }
  process.env.QAUTLRA_RUNNING = JSON.stringify(running);
  const hostMain = require(join(root, 'dist/apps/qautlra/src/main.js'));
  const { displayUrl } = require(join(root, 'dist/libs/platform/src/index.js'));
  host = await hostMain.bootstrap(undefined, supervisor);
  const url = await displayUrl(host);
  const web = running.find((app) => app.app === 'web');
  const lines = [
    '',
    'QAUTLRA is running',
    ...(web ? [`  ▶ open ${web.url}/ in a browser: market watch, charts, order entry, positions`, ''] : []),
    `  platform       ${url}/   (health ${url}/health, API docs ${url}/api/docs)`,
  ];
  for (const app of running) {
    lines.push(`  ${app.app.padEnd(14)} ${app.url}   (API docs ${app.docs}${app.websocket ? `, ${app.label} ${app.websocket}` : ''})`);
  }
  lines.push('  (each app runs in its own process: a crashed one restarts; states on the platform page and /health; Ctrl-C stops all)');
  if (demo) {
    const user = process.env.TRADE_DEMO_USER ?? 'demo';
    const password = process.env.TRADE_DEMO_PASSWORD ?? 'demo';
    lines.push(
      '',
      `  paper trading: user ${user} / password ${password}, sim account ${user} (${process.env.TRADE_DEMO_CASH ?? '1000000'} CNY)`,
      `    DIFF:  {"aid":"req_login","bid":"sim","user_name":"${user}","password":"${password}"} on ws://localhost:7988/ws/trade`,
      `    REST:  POST http://localhost:7988/api/auth/login, then POST /api/accounts/${user}/orders (see /api/docs)`,
    );
    // A copy-pasteable order on a listed contract: a buy at its limit-up price fills at the ask.
    const gateway = running.find((app) => app.app === 'md-gateway');
    const listed = gateway
      ? await fetch(`${gateway.url}/api/instruments`).then((response) => response.json()).catch(() => [])
      : [];
    const sample = listed.find((instrument) => instrument.product === 'RB') ?? listed[0];
    if (sample) {
      const [exchange, code] = sample.id.split('.');
      lines.push(
        `    trader: curl -XPOST localhost:8018/api/orders -H 'authorization: Bearer ${traderToken()}' -H 'content-type: application/json' -d '{"exchange_id":"${exchange}","code":"${code}","order_direction":"BUY","order_offset":"OPEN","volume":1,"price":${sample.upper_limit}}'`,
        `           (token in ./data/trader-api-token; RabbitMQ QAORDER_ROUTER too when AMQP_URL is set; the account's QIFI at http://localhost:8018/api/accounts/${user} with the same header)`,
      );
    }
  }
  if (fund && fundDemo) {
    lines.push(
      '',
      '  fund analytics: demo products from apps/fund-analytics/examples/demo-funds.xlsx',
      ...(web ? [`    in the browser: ${web.url}/#funds (statistics, tear sheets, comparisons, NAV import)`] : []),
      `    tear sheet:  ${fund.url}/api/products/QD0001/report?benchmark=IDX300`,
      `    comparison:  ${fund.url}/api/compare/report?codes=QD0001,CTA002,WJ0003,ZX0004&benchmark=IDX300&rank_by=sharpe`,
      `    metrics:     ${fund.url}/api/products/QD0001/metrics?preset=empyrical   (import your own: npm run fund -- import file.xlsx)`,
    );
  }
  if (ctpDemo)
    lines.push(
      '',
      `  CTP demo: the gateway's ctp source on native-ctp's fake front (${process.env.MD_CTP_FRONT})`,
      `    contracts: ${process.env.MD_CTP_INSTRUMENTS}; status at http://localhost:${ports['md-gateway']}/api/status (docs/ctp.md)`,
      `    trading through the fake CTP trader front: {"aid":"req_login","bid":"ctp","user_name":"ctpdemo","password":"ctpdemo"} on ws://localhost:${ports['trade-server']}/ws/trade (account 8001)`,
    );
  const backtest = running.find((app) => app.app === 'backtest');
  if (backtest)
    lines.push(
      '',
      '  backtests: strategies in examples/strategies/ (the same execution core as the sim broker)',
      '    CLI:   npm run backtest -- --strategy examples/strategies/ma-cross.ts --instruments SHFE.rb888 --from 2026-01-05 --to 2026-03-31',
      `    REST:  POST ${backtest.url}/api/runs {"strategy":"ma-cross","instruments":["SHFE.rb888"],"from":"2026-01-05","to":"2026-03-31"}, then GET /api/runs/{id}`,
    );
  const strategy = running.find((app) => app.app === 'strategy');
  if (strategy && demo)
    lines.push(
      '',
      '  live strategies: the same strategy files, live on paper through the trade server (docs/strategies.md)',
      `    curl -XPOST ${strategy.url}/api/instances -H 'authorization: Bearer ${process.env.STRATEGY_API_TOKEN}' -H 'content-type: application/json' -d '{"strategy":"ma-cross","account":"${process.env.TRADE_DEMO_USER ?? 'demo'}","password":"${process.env.TRADE_DEMO_PASSWORD ?? 'demo'}","instruments":["SHFE.rb888"]}'`,
      '           (token in ./data/strategy-api-token; then GET /api/instances, POST /api/instances/{id}/pause|resume|stop)',
    );
  const realtime = running.find((app) => app.app === 'realtime');
  if (realtime && demo)
    lines.push(
      '',
      '  realtime monitor: accounts re-marked on live quotes, factor rooms, alerts (docs/realtime.md)',
      ...(web ? [`    in the browser: ${web.url}/#monitor`] : []),
      `    ws://localhost:${ports.realtime}/ws/  {"topic":"auth","key":"<JWT of POST :7988/api/auth/login>"}, then {"topic":"realtime_sub","room":"ACCOUNT:${process.env.TRADE_DEMO_USER ?? 'demo'}"}`,
      `    REST:  GET ${realtime.url}/api/accounts/${process.env.TRADE_DEMO_USER ?? 'demo'} with the same JWT as Authorization: Bearer`,
    );
  console.log(lines.join('\n') + '\n');
})().catch((error) => {
  console.error('QAUTLRA failed to start:', error);
  process.exit(1);
});
