import type { ParameterSpec } from '@qautlra/execution';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadStrategy } from './strategy-loader';

/** The repository's `examples/strategies` (found upwards from this file, built or not). */
export function bundledStrategyDir(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'examples', 'strategies');
    if (existsSync(candidate)) return candidate;
  }
  return resolve('examples/strategies');
}

export interface StrategyEntry {
  /** The strategy's name (`defineStrategy({ name })`). */
  name: string;
  description?: string;
  parameters: Record<string, ParameterSpec>;
  /** The file it is loaded from. */
  file: string;
}

/**
 * The strategies offered: the strategy files of the configured folders, by name (the first folder
 * wins when two files give the same name). A file that does not load is reported, not fatal.
 */
export class StrategyCatalog {
  private entries = new Map<string, StrategyEntry>();
  private problems: { file: string; problem: string }[] = [];

  constructor(private readonly dirs: readonly string[]) {
    this.reload();
  }

  reload(): void {
    const entries = new Map<string, StrategyEntry>();
    const problems: { file: string; problem: string }[] = [];
    for (const dir of this.dirs) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        if (
          !/\.(ts|js|py)$/.test(name) ||
          name.endsWith('.d.ts') ||
          name.includes('.spec.') ||
          name.startsWith('_') ||
          name.startsWith('test_')
        )
          continue;
        const file = join(dir, name);
        try {
          const definition = loadStrategy(file);
          if (!entries.has(definition.name))
            entries.set(definition.name, {
              name: definition.name,
              ...(definition.description ? { description: definition.description } : {}),
              parameters: definition.parameters,
              file,
            });
        } catch (error) {
          problems.push({ file, problem: (error as Error).message });
        }
      }
    }
    this.entries = entries;
    this.problems = problems;
  }

  list(): StrategyEntry[] {
    return [...this.entries.values()];
  }

  get(name: string): StrategyEntry | undefined {
    return this.entries.get(name);
  }

  /** Files that did not load, and why. */
  failures(): readonly { file: string; problem: string }[] {
    return this.problems;
  }
}
