#!/usr/bin/env node
/**
 * `npm start` (after `npm run build`): GainLab as a desktop app when Electron's binary is
 * available, otherwise in web mode.
 *  1. If require('electron') gives an existing binary, launch it on this app (out/main/electron.js).
 *  2. Else run Electron's own installer once (node node_modules/electron/install.js, 90 s timeout).
 *     A failed attempt is remembered for a day in node_modules/.cache/gainlab/ so later starts
 *     do not wait again (GAINLAB_RETRY_ELECTRON_INSTALL=1 forces a new attempt).
 *  3. If there is still no binary, print one line and start the web server (out/main/server.js),
 *     which prints the address to open.
 * Extra arguments are passed on (e.g. `npm start -- --port 8080` in web mode).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const args = process.argv.slice(2);
const markerFile = path.join(root, 'node_modules', '.cache', 'gainlab', 'electron-install-failed');
const DAY_MS = 24 * 60 * 60 * 1000;

function electronBinary() {
  try {
    const resolved = require.resolve('electron');
    delete require.cache[resolved];
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function recentlyFailed() {
  if (process.env.GAINLAB_RETRY_ELECTRON_INSTALL === '1') return false;
  try {
    return Date.now() - Number(readFileSync(markerFile, 'utf8')) < DAY_MS;
  } catch {
    return false;
  }
}

function tryInstallElectron() {
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer) || recentlyFailed()) return;
  const result = spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), stdio: 'ignore', timeout: 90_000 });
  if (result.status !== 0 || !electronBinary()) {
    try {
      mkdirSync(path.dirname(markerFile), { recursive: true });
      writeFileSync(markerFile, String(Date.now()));
    } catch {
      // the marker only saves time; never fail the start because of it
    }
  }
}

async function startWebMode() {
  const server = path.join(root, 'out', 'main', 'server.js');
  if (!existsSync(server)) {
    console.error('GainLab is not built: run `npm run build` first (npm start does this).');
    process.exit(1);
  }
  const { main } = await import(pathToFileURL(server).href);
  await main(args);
}

let binary = electronBinary();
if (!binary) {
  tryInstallElectron();
  binary = electronBinary();
}

if (binary) {
  const child = spawn(binary, [root, ...args], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
} else {
  console.log("Electron's binary is not available here; starting GainLab in web mode instead.");
  await startWebMode();
}
