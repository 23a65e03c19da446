import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake front's script in a fresh folder: its front address, journal, flow folder and a signal file
 * (`SIGNAL` in a line is replaced by its path, for `wait_file SIGNAL`).
 */
export function scriptedFront(lines: string[]): {
  front: string;
  journal: string;
  flow: string;
  signal: string;
  /** What the front received, a line each. */
  received(): string[];
  /** Lets a script's `wait_file <signal>` go on. */
  release(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'ctp-front-'));
  const journal = join(dir, 'journal.txt');
  const signal = join(dir, 'go');
  const script = join(dir, 'script.txt');
  // `SIGNAL` in a line stands for the signal file's path.
  const text = [`journal ${journal}`, ...lines].map((line) => line.replaceAll('SIGNAL', signal));
  writeFileSync(script, text.join('\n') + '\n');
  return {
    front: `script://${script}`,
    journal,
    flow: join(dir, 'flow'),
    signal,
    received: () =>
      existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean) : [],
    release: () => writeFileSync(signal, 'go'),
  };
}
