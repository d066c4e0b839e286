#!/usr/bin/env node
/**
 * `gainlab`: GainLab without the window — build SOC networks, fit readouts, simulate and train
 * from the command line, reading and writing .npy files (network directories hold W.npy, x0.npy
 * and readout.npy with the offset first, like the authors' published data).
 *
 * `main(argv, io)` runs in-process (tests call it with their own writers) and returns the exit
 * code: 0 success, 1 unexpected failure, 2 bad arguments or bad input files.
 * Built to out/main/cli.js; during development: `npx tsx src-cli/gainlab.ts ...`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
import { CliError, gainlabVersion, type CliIo } from './cliSupport.js';
import { COMMANDS } from './commands/index.js';
import { setCliEntry, startEntryThread } from './sweep/entry.js';
import { setDefaultKernelThreads } from '../src-shared/model/kernels/threads.js';
import { createNodeKernelThreads } from '../src-main/worker/kernelThread.js';
import { enableWasmFeatures } from '../src-main/worker/wasmFeatures.js';

// `gainlab sweep run --jobs K` starts its worker threads from this entry (in gainlab.mjs, the bundle)
setCliEntry(import.meta.url);

export type { CliIo } from './cliSupport.js';

export function generalUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = [
    'usage: gainlab <command> [options]',
    '',
    'GainLab: gain modulation in stability-optimised circuits (Stroud et al. 2018).',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'gainlab <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 unexpected failure, 2 bad arguments or input files.',
  ];
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    (first === undefined ? io.stderr : io.stdout).write(generalUsage());
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`gainlab ${gainlabVersion()}\n`);
    return 0;
  }
  let name = first;
  let args = rest;
  if (first === 'help') {
    if (rest.length === 0) {
      io.stdout.write(generalUsage());
      return 0;
    }
    name = rest[0];
    args = ['--help'];
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr.write(`gainlab: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  let module;
  try {
    module = await entry.load();
  } catch (error) {
    const owner = entry.owner ? `; it is provided by ${entry.owner}` : '';
    io.stderr.write(`gainlab: the '${name}' command is not available in this build (${oneLine(String((error as Error)?.message ?? error))})${owner}\n`);
    return 1;
  }
  try {
    return await module.run(args, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`${error.usage ? `${oneLine(error.message).replace(/[.;:,]+$/, '')}; ${error.usage}` : oneLine(error.message)}\n`);
      return 2;
    }
    io.stderr.write(`gainlab ${name}: unexpected error: ${oneLine(String((error as Error)?.stack ?? error))}\n`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  // a worker thread sees the same argv as the main thread: it is never the command line
  if (!isMainThread) return false;
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * Commands that compute on the thread that runs them (training, SOC builds, experiments) without
 * returning to the event loop: they run on a command thread, so that the main thread's SIGINT
 * handler runs while they compute and Ctrl-C reaches them (on the main thread the handler waited
 * for the end of the run: Ctrl-C did nothing). `sweep` stays on the main thread: its work is on its
 * pool's threads already.
 */
const COMMAND_THREAD_COMMANDS = new Set(['soc', 'fit-readout', 'simulate', 'train', 'run', 'experiment', 'reproduce']);

/** What the main thread hands a command thread: the arguments, the stop flag, and what its terminal is. */
interface CommandThreadData {
  gainlabCommandThread: true;
  argv: string[];
  /** Int32Array view: element 0 set to 1 by the first Ctrl-C. */
  stop: SharedArrayBuffer;
  stdoutTTY: boolean;
  stderrTTY: boolean;
  columns: number | undefined;
}

/** The kernels as in the app: its arithmetic (fused multiply-add where relaxed SIMD compiles, so a run here gives the app's bits) and helper threads. */
function setUpKernels(): void {
  try {
    enableWasmFeatures();
  } catch (error) {
    process.stderr.write(`gainlab: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // one run on every core, as in the app's model worker: the kernels take helper threads (cores − 1,
  // unref'd, so they never keep the process alive) whenever that has lately been faster; same bits
  setDefaultKernelThreads(createNodeKernelThreads());
}

function runMain(argv: string[], io: CliIo): void {
  main(argv, io).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`gainlab: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

const threadData = isMainThread ? null : (workerData as Partial<CommandThreadData> & { gainlabSweepWorker?: unknown } | null);
if (threadData?.gainlabSweepWorker === true) {
  // a sweep pool thread (src-cli/sweep/pool.ts)
  const { serveSweepWorker } = await import('./sweep/pool.js');
  serveSweepWorker();
} else if (threadData?.gainlabCommandThread === true) {
  // a command thread: the command as on the main thread, stopped by the main thread's flag
  const data = threadData as CommandThreadData;
  const stop = new Int32Array(data.stop);
  setUpKernels();
  runMain(data.argv, {
    stdout: { write: (text: string) => process.stdout.write(text), isTTY: data.stdoutTTY },
    stderr: { write: (text: string) => process.stderr.write(text), isTTY: data.stderrTTY, columns: data.columns },
    shouldStop: () => Atomics.load(stop, 0) === 1,
  });
} else if (invokedDirectly()) {
  // Ctrl-C once: finish the current trial and write the partial result; twice: quit at once.
  const stop = new Int32Array(new SharedArrayBuffer(4));
  process.on('SIGINT', () => {
    if (Atomics.load(stop, 0) === 1) process.exit(130);
    Atomics.store(stop, 0, 1);
    process.stderr.write('\ninterrupted: stopping after the current step (Ctrl-C again to quit now)\n');
  });
  setUpKernels();
  const argv = process.argv.slice(2);
  if (COMMAND_THREAD_COMMANDS.has(argv[0])) {
    const data: CommandThreadData = {
      gainlabCommandThread: true,
      argv,
      stop: stop.buffer as SharedArrayBuffer,
      stdoutTTY: process.stdout.isTTY === true,
      stderrTTY: process.stderr.isTTY === true,
      columns: process.stderr.columns,
    };
    const thread = startEntryThread(import.meta.url, data);
    thread.on('exit', (code) => {
      process.exitCode = code;
    });
    thread.on('error', (error) => {
      process.stderr.write(`gainlab: ${String(error)}\n`);
      process.exitCode = 1;
    });
  } else {
    runMain(argv, { stdout: process.stdout, stderr: process.stderr, shouldStop: () => Atomics.load(stop, 0) === 1 });
  }
}
