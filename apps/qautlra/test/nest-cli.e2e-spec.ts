import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The Nest CLI's view of the monorepo: every app and lib is a project, each app has its own
 * `tsconfig.app.json` that compiles the app and the libs it needs (no tests), and the entry the
 * CLI starts is the app's `main`. `nest start <app>` / `nest build <app>` rely on exactly this.
 */
const root = join(__dirname, '..', '..', '..');

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
  compilerOptions?: { tsConfigPath?: string };
}

const cli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8')) as {
  compilerOptions: { tsConfigPath: string };
  projects: Record<string, Project>;
};
const projects = Object.values(cli.projects);
const dirs = (kind: string) =>
  readdirSync(join(root, kind), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${kind}/${entry.name}`)
    .sort();

describe('nest-cli.json', () => {
  it('names every app and every lib once, by its folder', () => {
    const apps = projects.filter((p) => p.type === 'application').map((p) => p.root);
    const libs = projects.filter((p) => p.type === 'library').map((p) => p.root);
    expect([...apps].sort()).toEqual(dirs('apps'));
    expect([...libs].sort()).toEqual(dirs('libs'));
  });

  it.each(projects.filter((p) => p.type === 'application').map((p) => [p.root, p] as const))(
    '%s: its entry file and its own tsconfig.app.json exist',
    (_root, project) => {
      // Output keeps the source layout under dist/ (as `npm run build` does), so the entry is
      // the app's main relative to the repository.
      expect(existsSync(join(root, `${project.entryFile}.ts`))).toBe(true);
      expect(project.entryFile).toBe(`${project.sourceRoot}/main`);
      expect(project.compilerOptions?.tsConfigPath).toBe(`${project.root}/tsconfig.app.json`);
      expect(existsSync(join(root, project.root, 'tsconfig.app.json'))).toBe(true);
    },
  );

  it("an app's tsconfig.app.json compiles its main and the libs, never a test", () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const files = execFileSync(
      process.execPath,
      [tsc, '-p', join(root, 'apps/web/tsconfig.app.json'), '--listFilesOnly'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
      .split('\n')
      .filter((file) => file && !file.includes('node_modules'))
      .map((file) => relative(root, file));
    expect(files).toContain('apps/web/src/main.ts');
    expect(files).toContain('libs/platform/src/index.ts');
    expect(files.filter((file) => /\.(e2e-)?spec\.ts$|\/test\//.test(file))).toEqual([]);
    expect(files.filter((file) => file.startsWith('apps/web/client'))).toEqual([]);
  });
});
