import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The explorer is served by the query API, which builds it with this config on first request
 * (apps/query-api/src/explorer). `npm run explorer:dev` serves it with hot reload instead, passing
 * API calls to a running query API.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/v1': process.env.STRATA_API_URL ?? 'http://127.0.0.1:3000' } },
});
