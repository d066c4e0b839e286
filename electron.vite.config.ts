/**
 * Build: `npm run build` (electron-vite build) → out/
 *   out/main/electron.js      Electron main (src-main/electron/main.ts)
 *   out/main/server.js        web mode server (src-main/web/server.ts)
 *   out/main/modelWorker.js   piscina worker (src-main/worker/modelWorker.ts); loaded from disk by
 *                             worker threads, so it is asarUnpacked in packages
 *   out/main/projectIoWorker.js  worker thread that encodes/decodes .gainlab files off main's event loop
 *   out/main/cli.js           `gainlab` CLI (src-cli/gainlab.ts)
 *   out/main/bench.js         `npm run bench` (bench/index.ts)
 *   out/preload/preload.cjs   sandboxed preload (CommonJS, dependencies bundled)
 *   out/renderer/             Vue UI (root src-renderer)
 * Entries whose source does not exist yet are left out, so the build works while parts are
 * still being written. npm dependencies stay external in main (piscina must find its own worker
 * file in node_modules); the preload bundles everything (a sandboxed preload can require only
 * 'electron').
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const at = (file: string) => path.resolve(root, file);

const mainEntries: Record<string, string> = Object.fromEntries(
  Object.entries({
    electron: 'src-main/electron/main.ts',
    server: 'src-main/web/server.ts',
    modelWorker: 'src-main/worker/modelWorker.ts',
    projectIoWorker: 'src-main/worker/projectIoWorker.ts',
    cli: 'src-cli/gainlab.ts',
    bench: 'bench/index.ts',
  })
    .filter(([, file]) => existsSync(at(file)))
    .map(([name, file]) => [name, at(file)]),
);

const hasRenderer = existsSync(at('src-renderer/index.html'));

// `gainlab` (package.json bin → out/main/cli.js) needs a hashbang; add it unless the source has one
const cliSource = at('src-cli/gainlab.ts');
const cliHasHashbang = existsSync(cliSource) && readFileSync(cliSource, 'utf8').startsWith('#!');

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      emptyOutDir: true,
      sourcemap: true,
      rolldownOptions: {
        input: mainEntries,
        output: {
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          banner: (chunk: { name: string; isEntry: boolean }) =>
            chunk.isEntry && chunk.name === 'cli' && !cliHasHashbang ? '#!/usr/bin/env node' : '',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      emptyOutDir: true,
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: at('src-main/preload/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  ...(hasRenderer
    ? {
        renderer: {
          root: at('src-renderer'),
          base: './',
          plugins: [vue()],
          build: {
            outDir: at('out/renderer'),
            emptyOutDir: true,
            rolldownOptions: { input: { index: at('src-renderer/index.html') } },
          },
        },
      }
    : {}),
});
