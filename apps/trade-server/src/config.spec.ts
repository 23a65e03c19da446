import { ConfigError } from '@qautlra/platform';
import { loadConfig } from './config';

describe('trade-server config', () => {
  it('has defaults a newcomer can run with', () => {
    expect(loadConfig({})).toEqual({
      host: '0.0.0.0',
      port: 7988,
      databaseUrl: undefined,
      dataDir: './data/trade-server',
      redisUrl: undefined,
      marketUrl: 'ws://127.0.0.1:8014/ws/market',
      alwaysOpen: false,
      brokerAliases: ['sim', 'simnow', 'QAPaperTrading'],
      workerConcurrency: 64,
      leaseMs: 10_000,
      commitIntervalMs: 5,
      jwtSecret: undefined,
      namespace: 'qautlra',
      websocketDeflate: false,
      demo: { user: 'demo', password: 'demo', cash: 1_000_000 },
      logLevel: 'info',
    });
  });

  it('reads overrides and names a bad key', () => {
    expect(
      loadConfig({
        TRADE_SERVER_ADDR: '127.0.0.1:0',
        DATABASE_URL: 'postgres://x',
        REDIS_URL: 'redis://y',
        TRADE_SIM_ALWAYS_OPEN: 'true',
        TRADE_DEMO: 'false',
        TRADE_WORKER_CONCURRENCY: '8',
        TRADE_COMMIT_INTERVAL_MS: '0',
      }),
    ).toMatchObject({
      workerConcurrency: 8,
      commitIntervalMs: 0,
      host: '127.0.0.1',
      port: 0,
      databaseUrl: 'postgres://x',
      redisUrl: 'redis://y',
      alwaysOpen: true,
      demo: undefined,
    });
    expect(() => loadConfig({ TRADE_SERVER_ADDR: '7988' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRADE_SERVER_ADDR: 'h:70000' })).toThrow('TRADE_SERVER_ADDR');
    expect(() => loadConfig({ TRADE_DEMO_CASH: '-5' })).toThrow('TRADE_DEMO_CASH');
    expect(() => loadConfig({ TRADE_SIM_ALWAYS_OPEN: 'maybe' })).toThrow('TRADE_SIM_ALWAYS_OPEN');
    for (const bad of ['-1', '1001', '2.5', 'soon'])
      expect(() => loadConfig({ TRADE_COMMIT_INTERVAL_MS: bad })).toThrow(
        'TRADE_COMMIT_INTERVAL_MS',
      );
  });
});
