import { loadStrategyConfig } from './config';

describe('strategy runtime configuration', () => {
  it('has its defaults, and keeps a configured token', () => {
    const config = loadStrategyConfig({ STRATEGY_API_TOKEN: 'secret' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8022,
      maxInstances: 50,
      pythonTimeoutMs: 5_000,
      apiToken: 'secret',
      apiTokenGenerated: false,
    });
    expect(loadStrategyConfig({}).apiTokenGenerated).toBe(true);
  });

  it.each(['abc', 'NaN', '0', '-5', '1.5', '1e400'])(
    'refuses %s as a count or a timeout, naming the key',
    (raw) => {
      expect(() => loadStrategyConfig({ STRATEGY_PYTHON_TIMEOUT_MS: raw })).toThrow(
        /STRATEGY_PYTHON_TIMEOUT_MS/,
      );
      expect(() => loadStrategyConfig({ STRATEGY_MAX_INSTANCES: raw })).toThrow(
        /STRATEGY_MAX_INSTANCES/,
      );
    },
  );
});
