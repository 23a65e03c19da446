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

  it('config_ctp.json (the original CTP schema) takes the default broker; the library path is required', () => {
    const raw = JSON.parse(readFileSync(join(dir, 'config_ctp.json'), 'utf8')) as object;
    expect(raw).toHaveProperty('brokers.simnow.front_addr');
    expect(() => loadConfig({ QAMDGATEWAY_CONFIG_PATH: join(dir, 'config_ctp.json') }, [])).toThrow(
      /sources\[0\]\.library: must be the path of the CTP market-data library/,
    );
    const config = loadConfig(
      {
        QAMDGATEWAY_CONFIG_PATH: join(dir, 'config_ctp.json'),
        MD_CTP_LIBRARY: '/opt/ctp/thostmduserapi_se.so',
        MD_CTP_PASSWORD: 'from-env',
      },
      [],
    );
    expect(config.sources).toEqual([
      expect.objectContaining({
        type: 'ctp',
        frontAddr: 'tcp://180.168.146.187:10211',
        brokerId: '9999',
        password: 'from-env',
        library: '/opt/ctp/thostmduserapi_se.so',
      }),
    ]);
  });
});
