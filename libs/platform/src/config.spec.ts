import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  loadJsonConfig,
  readBoolean,
  readLogLevel,
  readPort,
  readString,
} from './config';

describe('config helpers', () => {
  it('reads values with defaults', () => {
    expect(readPort({}, 'PORT', 8014)).toBe(8014);
    expect(readPort({ PORT: '0' }, 'PORT', 8014)).toBe(0);
    expect(readString({ A: 'x' }, 'A')).toBe('x');
    expect(readString({ A: '' }, 'A', 'd')).toBe('d');
    expect(readBoolean({ B: 'yes' }, 'B', false)).toBe(true);
    expect(readBoolean({ B: 'off' }, 'B', true)).toBe(false);
    expect(readLogLevel({ L: 'DEBUG' }, 'L', 'info')).toBe('debug');
  });

  it.each([
    [
      () => readPort({ PORT: '70000' }, 'PORT', 1),
      'config PORT: must be a port number 0-65535, got "70000"',
    ],
    [
      () => readPort({ PORT: 'abc' }, 'PORT', 1),
      'config PORT: must be a port number 0-65535, got "abc"',
    ],
    [() => readString({}, 'DATABASE_URL'), 'config DATABASE_URL: is required'],
    [() => readBoolean({ B: 'maybe' }, 'B', true), 'config B: must be true or false, got "maybe"'],
    [
      () => readLogLevel({ L: 'loud' }, 'L', 'info'),
      'config L: must be one of trace, debug, info, warn, error, fatal, silent',
    ],
  ])('fails fast naming the key (%#)', (read, message) => {
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(message);
  });

  it('loads JSON config in the original order: inline env, env path, then files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qautlra-config-'));
    const named = join(dir, 'named.json');
    const fallback = join(dir, 'config.json');
    writeFileSync(named, '{"from":"path"}');
    writeFileSync(fallback, '{"from":"file"}');
    const options = {
      inlineKey: 'INLINE',
      pathKey: 'PATH_KEY',
      files: [join(dir, 'missing.json'), fallback],
    };
    expect(loadJsonConfig({ INLINE: '{"from":"env"}', PATH_KEY: named }, options)).toEqual({
      source: 'INLINE',
      value: { from: 'env' },
    });
    expect(loadJsonConfig({ PATH_KEY: named }, options)).toEqual({
      source: named,
      value: { from: 'path' },
    });
    expect(loadJsonConfig({}, options)).toEqual({ source: fallback, value: { from: 'file' } });
    expect(loadJsonConfig({}, { files: [join(dir, 'missing.json')] })).toBeUndefined();
    expect(() => loadJsonConfig({ PATH_KEY: join(dir, 'nope.json') }, options)).toThrow(
      'does not exist',
    );
    expect(() => loadJsonConfig({ INLINE: '{bad' }, options)).toThrow(
      'config INLINE: is not valid JSON',
    );
  });
});
