import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@qautlra/platform';
import { DEFAULT_RISK_LIMITS } from '@qautlra/risk';
import { loadTraderConfig, parseCommandLine } from './config';

const dir = mkdtempSync(join(tmpdir(), 'trader-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('trader configuration', () => {
  it('prints help with no arguments or -h', () => {
    expect(parseCommandLine([])).toBeUndefined();
    expect(parseCommandLine(['-h'])).toBeUndefined();
    expect(parseCommandLine(['--help'])).toBeUndefined();
  });

  it('flags take the original defaults', () => {
    const config = loadTraderConfig(parseCommandLine(['--account', 'a1', '--password', 'p'])!, {});
    expect(config.accounts).toEqual([
      {
        account: 'a1',
        password: 'p',
        broker: 'simnow',
        wsuri: 'ws://localhost:7988',
        pingGap: 5,
        taskid: '',
        portfolio: 'default',
        bankPassword: '',
        capitalPassword: '',
        appid: '',
        risk: DEFAULT_RISK_LIMITS,
      },
    ]);
    expect(config).toMatchObject({
      amqpUrl: undefined,
      databaseUrl: undefined,
      host: '127.0.0.1',
      port: 8018,
      orderTimeoutMs: 30_000,
      logLevel: 'info',
      apiTokenGenerated: true,
    });
    expect(config.apiToken).toMatch(/^[\w-]{32}$/);
  });

  it('accepts kebab-case flags and the environment for what the original did not have', () => {
    const config = loadTraderConfig(
      parseCommandLine([
        '--account',
        'a1',
        '--eventmq-ip',
        'amqp://guest:guest@h:5672',
        '--ping-gap',
        '2',
      ])!,
      { DATABASE_URL: 'postgres://x@h/db', TRADER_ADDR: '127.0.0.1:9000', REDIS_URL: 'redis://h' },
    );
    expect(config).toMatchObject({
      amqpUrl: 'amqp://guest:guest@h:5672',
      databaseUrl: 'postgres://x@h/db',
      redisUrl: 'redis://h',
      host: '127.0.0.1',
      port: 9000,
    });
    expect(config.accounts[0]!.pingGap).toBe(2);
  });

  it('reads [common] and [[accounts]] from TOML; accounts inherit common keys; risk tables', () => {
    const path = file(
      'multi.toml',
      `[common]
broker = "sim"
wsuri = "ws://127.0.0.1:7988/ws/trade"
eventmq_ip = "amqp://guest:guest@127.0.0.1:5672"
ping_gap = 3
[common.risk]
max_order_volume = 10

[[accounts]]
account = "a1"
password = "p1"

[[accounts]]
account = "a2"
password = "p2"
broker = "simnow"
[accounts.risk]
max_order_volume = 2
self_trade_prevention = false
`,
    );
    const config = loadTraderConfig(parseCommandLine(['-c', path])!, {});
    expect(config.accounts.map((a) => [a.account, a.password, a.broker, a.pingGap])).toEqual([
      ['a1', 'p1', 'sim', 3],
      ['a2', 'p2', 'simnow', 3],
    ]);
    expect(config.accounts[0]!.risk.maxOrderVolume).toBe(10);
    expect(config.accounts[1]!.risk).toMatchObject({
      maxOrderVolume: 2,
      selfTradePrevention: false,
    });
    expect(config.amqpUrl).toBe('amqp://guest:guest@127.0.0.1:5672');
  });

  it('a single [common] table is one account, as in the original', () => {
    const path = file('common.toml', '[common]\naccount = "x"\npassword = "y"\nping_gap = 5\n');
    const config = loadTraderConfig(parseCommandLine(['--config', path])!, {});
    expect(config.accounts.map((a) => a.account)).toEqual(['x']);
  });

  it.each([
    [['--wsuri', 'ws://h'], 'account'],
    [['--account', 'a', '--wsuri', 'http://h'], 'wsuri'],
    [['--account', 'a', '--ping_gap', '-1'], 'ping_gap'],
    [['--account', 'a', '--eventmq_ip', 'mq://h'], 'eventmq_ip'],
    [['--account', 'a', '--database_ip', 'mongodb://h'], 'database_ip'],
    [['--account', 'a', '--log_level', 'loud'], 'log_level'],
    [['--account', 'a', '--status_addr', 'nowhere'], 'status_addr'],
  ])('refuses %p naming %s', (argv, key) => {
    expect(() => loadTraderConfig(parseCommandLine(argv)!, {})).toThrow(ConfigError);
    expect(() => loadTraderConfig(parseCommandLine(argv)!, {})).toThrow(key);
  });

  it('refuses unknown flags, bad TOML, duplicate accounts and bad risk limits', () => {
    expect(() => parseCommandLine(['--acount', 'a'])).toThrow(ConfigError);
    expect(() => loadTraderConfig({ file: file('bad.toml', '[common\n'), flags: {} }, {})).toThrow(
      'not valid TOML',
    );
    expect(() => loadTraderConfig({ file: join(dir, 'missing.toml'), flags: {} }, {})).toThrow(
      'cannot read',
    );
    const twice = file('twice.toml', '[[accounts]]\naccount = "a"\n[[accounts]]\naccount = "a"\n');
    expect(() => loadTraderConfig({ file: twice, flags: {} }, {})).toThrow('listed twice');
    const risk = file(
      'risk.toml',
      '[common]\naccount = "a"\n[common.risk]\nmax_order_volume = "ten"\n',
    );
    expect(() => loadTraderConfig({ file: risk, flags: {} }, {})).toThrow('maxOrderVolume');
  });
});
