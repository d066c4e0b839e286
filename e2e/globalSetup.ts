/**
 * Starts GainLab's web server for the specs: builds first when the build is missing or older than
 * the sources, runs `node out/main/server.js --port 0` (a free port on 127.0.0.1), reads the URL it
 * prints ("GainLab web mode: http://127.0.0.1:PORT/?token=…") and exposes it as GAINLAB_E2E_URL.
 * The run gets a temp folder of its own (TMPDIR) and the server a config folder in it. Returns the
 * teardown: it stops the server, removes its config folder, and fails the run when the specs left
 * anything in the run's temp folder (tests/helpers/tempDirs.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isolateRunTemp, removeTempDir, tempDir } from '../tests/helpers/tempDirs.js';
import { startServer, type ServerProcess } from './server.js';

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
  // Before anything of the run starts: the run's own temp folder (TMPDIR), inherited by the
  // runner's loading of the specs (after this setup), its workers and every server they start;
  // the teardown fails the run if anything is left in it (tests/helpers/tempDirs.ts says why).
  const checkRunTemp = isolateRunTemp('e2e');
  // its own config folder: recovery copies and recent files of earlier runs never show up here
  const configDir = tempDir('e2e-config');
  let server: ServerProcess;
  try {
    server = await startServer({ GAINLAB_CONFIG_DIR: configDir });
  } catch (error) {
    removeTempDir(configDir);
    try {
      checkRunTemp();
    } catch {
      // the server's failure is the error to report
    }
    throw error;
  }
  process.env.GAINLAB_E2E_URL = server.url;
  console.log(`e2e: web server at ${server.url.replace(/token=[^&]+/, 'token=…')}`);
  return async () => {
    await server.stop();
    removeTempDir(configDir);
    checkRunTemp();
  };
}
