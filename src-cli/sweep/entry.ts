/**
 * Where the CLI's worker threads start from: src-cli/gainlab.ts sets its own import.meta.url here
 * (in the single-file bundle gainlab.mjs that is the bundle), and every thread of the CLI (a sweep
 * pool's, a command's) starts from it. Kept free of GainLab imports so the entry stays light for
 * every other command.
 */
import { Worker } from 'node:worker_threads';

let cliEntry: string | null = null;

export function setCliEntry(url: string): void {
  cliEntry = url;
}

export function getCliEntry(): string | null {
  return cliEntry;
}

/**
 * A worker thread that runs the CLI entry `entryUrl` again with `workerData` (the entry dispatches
 * on it). From TypeScript sources (tests, npx tsx) tsx's hooks are registered in the thread first,
 * since a thread does not inherit them.
 */
export function startEntryThread(entryUrl: string, workerData: unknown): Worker {
  const entry = new URL(entryUrl);
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`, { eval: true, workerData });
}
