import { transformSync } from '@swc/core';
import type { StrategyDefinition } from '@qautlra/execution';
import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { join, resolve } from 'node:path';
import type { PythonStrategyError } from './python-bridge';
import { pythonDefinition } from './python-strategy';

/**
 * Strategy files are TypeScript (or JavaScript) modules whose default export is a
 * `defineStrategy({...})`. They import the platform's libraries as `@qautlra/<lib>`
 * (`@qautlra/execution`, `@qautlra/indicators`, …). Node 20 cannot run TypeScript itself, so a
 * `.ts` file is compiled to CommonJS with swc when it is required (as ts-node/@swc/register do),
 * and `@qautlra/<lib>` resolves to the built library next to this app.
 */

/** `dist/` when running built code (this file is `dist/libs/strategies/src/…`). */
const DIST_ROOT = resolve(__dirname, '../../..');

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _extensions: Record<
    string,
    (module: { _compile(code: string, file: string): void }, file: string) => void
  >;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  const internals = Module as unknown as ModuleInternals;
  const resolveFilename = internals._resolveFilename.bind(Module);
  internals._resolveFilename = (request, parent, ...rest) => {
    const lib = /^@qautlra\/([a-z-]+)$/.exec(request)?.[1];
    if (lib) {
      const built = join(DIST_ROOT, 'libs', lib, 'src', 'index.js');
      if (existsSync(built)) return built;
    }
    return resolveFilename(request, parent, ...rest);
  };
  if (!internals._extensions['.ts'])
    internals._extensions['.ts'] = (module, file) => {
      const { code } = transformSync(readFileSync(file, 'utf8'), {
        filename: file,
        sourceMaps: 'inline',
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      });
      module._compile(code, file);
    };
}

export class StrategyLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'StrategyLoadError';
  }
}

/** Loads a strategy file and checks that it exports a strategy definition. */
export function loadStrategy(file: string): StrategyDefinition {
  const path = resolve(file);
  if (!existsSync(path)) throw new StrategyLoadError(file, 'no such file');
  if (path.endsWith('.py')) {
    try {
      return pythonDefinition(path);
    } catch (error) {
      const traceback = (error as PythonStrategyError).traceback;
      throw new StrategyLoadError(
        file,
        `could not be loaded: ${(error as Error).message}${traceback ? `\n${traceback}` : ''}`,
      );
    }
  }
  register();
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(path) as unknown;
  } catch (error) {
    throw new StrategyLoadError(file, `could not be loaded: ${(error as Error).message}`);
  }
  const exported = (loaded as { default?: unknown }).default ?? loaded;
  const definition = exported as Partial<StrategyDefinition>;
  if (
    typeof definition !== 'object' ||
    definition === null ||
    typeof definition.name !== 'string' ||
    typeof definition.create !== 'function' ||
    typeof definition.parameters !== 'object' ||
    definition.parameters === null
  )
    throw new StrategyLoadError(
      file,
      'its default export is not a strategy (defineStrategy({ name, parameters, create }))',
    );
  return definition as StrategyDefinition;
}
