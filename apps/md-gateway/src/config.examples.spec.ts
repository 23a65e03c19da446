import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config';

const dir = join(__dirname, '../../../config');

describe('example configs in config/', () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));

  it('has the four original examples and the relay one', () => {
    expect(files.sort()).toEqual([
      'config_ctp.json',
      'config_qq.json',
      'config_sim.json',
      'config_sina.json',
      'config_upstream.json',
    ]);
  });

  it.each(files.filter((file) => file !== 'config_ctp.json'))('%s loads', (file) => {
    const config = loadConfig({ QAMDGATEWAY_CONFIG_PATH: join(dir, file) }, []);
    expect(config.configSource).toBe(join(dir, file));
    expect(config.cors.allowAll).toBe(true);
    expect(config.sources.length).toBeGreaterThan(0);
  });

  it('config_ctp.json (the original CTP schema) is refused with a message naming the key until the CTP addon lands', () => {
    const raw = JSON.parse(readFileSync(join(dir, 'config_ctp.json'), 'utf8')) as object;
    expect(raw).toHaveProperty('brokers.simnow.front_addr');
    expect(() => loadConfig({ QAMDGATEWAY_CONFIG_PATH: join(dir, 'config_ctp.json') }, [])).toThrow(
      /sources\[0\]\.type: ctp needs the native CTP market-data addon/,
    );
  });
});
