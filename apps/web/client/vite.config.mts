import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The browser app. `npm run build` writes it to dist/apps/web/client, which apps/web serves.
 * `npx vite --config apps/web/client/vite.config.ts` serves it with hot reload, proxying the APIs
 * to a running web server (WEB_DEV_TARGET, default http://localhost:8080).
 */
const target = process.env.WEB_DEV_TARGET ?? 'http://localhost:8080';
export default defineConfig({
  root: here('.'),
  base: '/',
  resolve: { alias: { '@qautlra/diff': here('../../../libs/diff/src/index.ts') } },
  build: {
    outDir: here('../../../dist/apps/web/client'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: Object.fromEntries(
      ['/md', '/trade', '/tsdb', '/fund', '/backtest', '/strategy', '/rt', '/api'].map((path) => [
        path,
        { target, ws: true },
      ]),
    ),
  },
});
