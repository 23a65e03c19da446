import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPONENTS } from './platform-info.service';

/** The platform page and the README's component table say the same of each app (issue 16 §12). */
describe('component states', () => {
  it('README rows and the platform page agree', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const states = new Map<string, string>();
    for (const line of readme.split('\n')) {
      const cells = line.split('|').map((cell) => cell.trim());
      const app = /`apps\/([\w-]+)`/.exec(cells[2] ?? '')?.[1];
      const state = /^(working|partial|planned)/.exec(cells[4] ?? '')?.[1];
      if (app && state && app !== 'qautlra') states.set(app, state);
    }
    const page = new Map(COMPONENTS.map((component) => [component.app, component.state]));
    expect(Object.fromEntries(states)).toEqual(
      Object.fromEntries([...page].filter(([app]) => states.has(app))),
    );
    expect(states.size).toBeGreaterThanOrEqual(7);
  });
});
