/**
 * Starts GainLab's web server for the specs: builds first when the build is missing or older than
 * the sources, runs `node out/main/server.js --port 0` (a free port on 127.0.0.1), reads the URL it
 * prints ("GainLab web mode: http://127.0.0.1:PORT/?token=…") and exposes it as GAINLAB_E2E_URL.
 * Returns the teardown that stops the server it started.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './server.js';

const root = path.resolve(import.meta.dirname, '..');
const BUILT = ['out/main/server.js', 'out/main/modelWorker.js', 'out/renderer/index.html'].map((f) => path.join(root, f));
const SOURCES = ['src-renderer', 'src-main', 'src-shared'].map((d) => path.join(root, d));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function buildIsCurrent(): boolean {
  if (!BUILT.every((file) => existsSync(file))) return false;
  const oldestBuilt = Math.min(...BUILT.map((file) => statSync(file).mtimeMs));
  return SOURCES.every((dir) => !existsSync(dir) || newestMtime(dir) <= oldestBuilt);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!buildIsCurrent()) {
    console.log('e2e: building GainLab (electron-vite build)…');
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('e2e: the build failed; see the output above');
  }
  // its own config folder: recovery copies and recent files of earlier runs never show up here
  const server = await startServer({ GAINLAB_CONFIG_DIR: mkdtempSync(path.join(os.tmpdir(), 'gainlab-e2e-config-')) });
  process.env.GAINLAB_E2E_URL = server.url;
  console.log(`e2e: web server at ${server.url.replace(/token=[^&]+/, 'token=…')}`);
  return () => server.stop();
}
