/**
 * `npm run serve` (out/main/server.js): GainLab in web mode. Prints one line with the address
 * (including the per-run token) and serves until interrupted.
 *   node out/main/server.js [--port N] [--token SECRET]
 *   (or PORT=N, GAINLAB_TOKEN=SECRET; default: a free port and a new random token per start)
 * A fixed port and token keep the address valid across restarts, so an open page reconnects.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAppContext } from '../services/appServices.js';
import { packageVersion } from '../services/appVersion.js';
import { installProcessGuards } from '../services/processGuards.js';
import { builtWorkerPath } from '../services/workerPool.js';
import { startWebServer } from './webServer.js';
import { enableWasmFeatures } from '../worker/wasmFeatures.js';

export { startWebServer, newToken, type RunningWebServer, type WebServerOptions } from './webServer.js';

export function parsePort(argv: string[], env: NodeJS.ProcessEnv): number {
  const index = argv.indexOf('--port');
  const fromFlag = index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--port='))?.slice('--port='.length);
  const text = fromFlag ?? env.PORT ?? '0';
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${text}"`);
  return port;
}

/** At least 32 URL-safe characters: a guessable token would open GainLab to any local process. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,256}$/;

/** The token given with --token / --token= / GAINLAB_TOKEN, or undefined for a random one. */
export function parseToken(argv: string[], env: NodeJS.ProcessEnv): string | undefined {
  const index = argv.indexOf('--token');
  const fromFlag = index >= 0 ? argv[index + 1] : argv.find((a) => a.startsWith('--token='))?.slice('--token='.length);
  const token = fromFlag ?? env.GAINLAB_TOKEN;
  if (token === undefined) return undefined;
  if (!TOKEN_PATTERN.test(token)) {
    throw new Error('invalid token: use 32 to 256 letters, digits, "-" or "_" (e.g. the output of `openssl rand -hex 32`)');
  }
  return token;
}

export async function main(argv = process.argv.slice(2), env = process.env): Promise<void> {
  // a fault in one request is logged, never fatal: the open project and running jobs live here
  installProcessGuards({ label: 'web server' });
  // the model workers' arithmetic, checked here so that a bad GAINLAB_ARITHMETIC stops the start
  // with one line instead of failing every worker (src-main/worker/wasmFeatures.ts)
  enableWasmFeatures(env);
  const here = import.meta.url;
  const context = createAppContext({
    mode: 'web',
    version: packageVersion(here),
    workerFile: builtWorkerPath(here),
    projectIoWorkerFile: builtWorkerPath(here, 'projectIoWorker'),
    // tests shorten the recovery-copy interval (default one minute)
    autosaveIntervalMs: env.GAINLAB_AUTOSAVE_INTERVAL_MS ? Math.max(100, Number(env.GAINLAB_AUTOSAVE_INTERVAL_MS)) : undefined,
  });
  const server = await startWebServer({
    port: parsePort(argv, env),
    token: parseToken(argv, env),
    handlers: context.handlers,
    subscribe: context.hub.subscribe,
    rendererDir: path.resolve(path.dirname(fileURLToPath(here)), '../renderer'),
  });
  console.log(`GainLab web mode: ${server.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([server.close(), context.dispose()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(`GainLab web mode could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
