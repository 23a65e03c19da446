import { ConfigError } from '@qautlra/platform';
import { corsOptions, loadConfig } from './config';

const withConfig = (config: unknown, env: Record<string, string> = {}, argv: string[] = []) =>
  loadConfig({ QAMDGATEWAY_CONFIG: JSON.stringify(config), ...env }, argv);

describe('md-gateway config', () => {
  it('defaults: sim source, port 8014, permissive CORS when no config file exists', () => {
    // (run from the repository root, which has no config.json or qamdgateway.json)
    const config = loadConfig({}, []);
    expect(config.port).toBe(8014);
    expect(config.sources).toEqual([
      { type: 'sim', ticksPerSecond: 2, seed: 20250328, alwaysOpen: false },
    ]);
    expect(config.cors.allowAll).toBe(true);
    expect(config.maxSubscriptionsPerClient).toBe(2000);
  });

  it('sim universe size', () => {
    expect(withConfig({ sources: [{ type: 'sim', instruments: 1000 }] }).sources[0]).toMatchObject({
      type: 'sim',
      instruments: 1000,
    });
  });

  it('--always-open and MD_SIM_ALWAYS_OPEN keep the sim ticking outside sessions', () => {
    expect(withConfig({}, {}, ['--always-open']).sources[0]).toMatchObject({ alwaysOpen: true });
    expect(withConfig({}, { MD_SIM_ALWAYS_OPEN: 'true' }).sources[0]).toMatchObject({
      alwaysOpen: true,
    });
  });

  it('derives the source from the original broker source_type (qq → tencent)', () => {
    const brokers = (sourceType: string | null) => ({
      default_broker: 'b',
      brokers: { b: { name: 'b', front_addr: 'tcp://x:1', source_type: sourceType } },
    });
    expect(withConfig(brokers('qq')).sources[0]).toMatchObject({ type: 'tencent', failover: true });
    expect(withConfig(brokers('sina')).sources[0]).toMatchObject({
      type: 'sina',
      sinaUrl: 'https://hq.sinajs.cn',
    });
    // source_type null = CTP: the broker's front, and the library path it needs.
    expect(() => withConfig(brokers(null))).toThrow(/sources\[0\]\.library: must be the path/);
    expect(
      withConfig({ ...brokers(null), brokers: { b: { front_addr: 'script:///tmp/x.txt' } } })
        .sources[0],
    ).toMatchObject({
      type: 'ctp',
      frontAddr: 'script:///tmp/x.txt',
      library: expect.stringMatching(/thostmduserapi_se\.so$/),
    });
    expect(() =>
      withConfig({ ...brokers(null), brokers: { b: { front_addr: 'http://x' } } }),
    ).toThrow(/front_addr: must be tcp:\/\/host:port/);
  });

  it('a config file with a cors block is honoured (stricter unless allow_all)', () => {
    expect(corsOptions(withConfig({}).cors)).toBe(false);
    expect(corsOptions(withConfig({ rest_api: { cors: { allow_all: true } } }).cors)).toEqual({
      origin: true,
      credentials: false,
      maxAge: 3600,
    });
  });

  it.each([
    [{ sources: [] }, 'sources'],
    [{ sources: [{ type: 'bloomberg' }] }, 'sources[0].type'],
    [{ sources: [{ type: 'upstream', url: 'http://x' }] }, 'sources[0].url'],
    [{ sources: [{ type: 'sim', always_open: 'yes' }] }, 'sources[0].always_open'],
    [{ sources: [{ type: 'sina', poll_interval_ms: 1 }] }, 'sources[0].poll_interval_ms'],
    [{ sources: [{ type: 'sim', instruments: 0 }] }, 'sources[0].instruments'],
    [{ subscription: { max_per_client: 0 } }, 'subscription.max_per_client'],
    [{ rest_api: { cors: { allow_all: 1 } } }, 'rest_api.cors.allow_all'],
    [{ incremental_updates: { batch_interval_ms: -5 } }, 'incremental_updates.batch_interval_ms'],
  ])('rejects %j naming %s', (config, key) => {
    let caught: unknown;
    try {
      withConfig(config);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toContain(key);
  });
});
