/**
 * Starts GainLab's web server for the specs: builds first when the build is missing or older than
 * the sources, runs `node out/main/server.js --port 0` (a free port on 127.0.0.1), reads the URL it
 * prints ("GainLab web mode: http://127.0.0.1:PORT/?token=…") and exposes it as GAINLAB_E2E_URL.
 * Returns the teardown that stops the server it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

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

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`web server printed no URL within ${timeoutMs} ms\n${out}${err}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /GainLab web mode: (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web server exited with code ${code} before printing its URL\n${out}${err}`));
    });
  });
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!buildIsCurrent()) {
    console.log('e2e: building GainLab (electron-vite build)…');
    const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('e2e: the build failed; see the output above');
  }
  const server = spawn(process.execPath, [path.join(root, 'out/main/server.js'), '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  const url = await waitForUrl(server, 60_000);
  process.env.GAINLAB_E2E_URL = url;
  console.log(`e2e: web server at ${url.replace(/token=[^&]+/, 'token=…')}`);

  return async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGTERM');
    const forced = setTimeout(() => server.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(forced);
  };
}
