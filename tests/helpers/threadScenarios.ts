/**
 * Threaded kernels whose helper is absent, late or asleep: the batch's session splits
 * (src-shared/model/batchSimulator.ts, ten sessions, one helper: the plain split and the split
 * sharing a session vector) and the single-session kernel's row split
 * (src-shared/model/kernels/wasmKernel.ts 'wasm-threads'). Nobody may wait on such a helper: the
 * calling thread computes its part (or wakes it). Where that rule breaks, the calling thread waits
 * forever, inside one WebAssembly call or a loop of them, so tests/model/kernelsThreaded.test.ts
 * runs these on a worker with a deadline (tests/helpers/workerDeadline.ts) and checks the results
 * they give back.
 */
import { createNodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { BatchSimulator } from '../../src-shared/model/batchSimulator.js';
import { createKernel } from '../../src-shared/model/kernels/index.js';
import type { KernelThreads } from '../../src-shared/model/kernels/threads.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { randomNetwork } from './randomNetwork.js';
import { hasReference, publishedNetwork } from './reference.js';

/** The published network when present, else an SOC-like random one of the same size. */
export function network200(): Network {
  if (hasReference) {
    return publishedNetwork();
  }
  return randomNetwork(200, 100, 2018, 1, true);
}

/** Ten sessions of random gains on the N = 200 network, and their batch run on one thread. */
export function tenSessions(seed: number): { network: Network; gains: Float64Array[]; oneThread: BatchSimulator } {
  const network = network200();
  const rng = new Rng(seed);
  const gains = Array.from({ length: 10 }, () => Float64Array.from({ length: network.n }, () => 1 + 0.2 * rng.normal()));
  const oneThread = new BatchSimulator(network, DEFAULT_DYNAMICS, gains.length, { threads: null });
  oneThread.run(gains);
  return { network, gains, oneThread };
}

/** Every session's output of the batch's last run. */
export function sessionOutputs(batch: BatchSimulator): Float64Array[] {
  return Array.from({ length: batch.sessions }, (_, s) => batch.output(s));
}

/** One helper that never joins. */
export const absentHelper: KernelThreads = { helpers: 1, attach: () => {} };

/** A helper that joins (one step, on the calling thread, when attached) and then never steps again. */
export const lateHelper: KernelThreads = {
  helpers: 1,
  attach: (start) => {
    const api = (globalThis as unknown as { WebAssembly: { Instance: new (module: object, imports: object) => { exports: Record<string, unknown> } } }).WebAssembly;
    const instance = new api.Instance(start.module, { env: { memory: start.memory, abort: () => {} } });
    (instance.exports.helperStep as (kernel: number) => number)(start.kernel);
  },
};

/** What a scenario gives back: the one-thread outputs, each run's outputs, the helper's parts. */
export interface SplitScenarioResult {
  expected: Float64Array[];
  runs: { label: string; outputs: Float64Array[] }[];
  helperChunks: number;
}

/**
 * Ten sessions split between the calling thread and `helper` (absent or late), each run of `modes`
 * with the shared vector ('team') or the plain split ('solo').
 */
function splitWithHelper(helper: KernelThreads, seed: number, modes: readonly ('team' | 'solo')[]): SplitScenarioResult {
  const { network, gains, oneThread } = tenSessions(seed);
  const batch = new BatchSimulator(network, DEFAULT_DYNAMICS, gains.length, { threads: helper });
  batch.threadSchedule!.force = 'team';
  const runs = modes.map((mode) => {
    batch.sharedVectorSchedule!.force = mode;
    batch.run(gains);
    return { label: mode === 'team' ? 'shared vector' : 'plain split', outputs: sessionOutputs(batch) };
  });
  return { expected: sessionOutputs(oneThread), runs, helperChunks: batch.helperChunks() };
}

/** The helper never joins: two trials with the shared vector. */
export function absentHelperSplit(seed: number): SplitScenarioResult {
  return splitWithHelper(absentHelper, seed, ['team', 'team']);
}

/** The helper joined but never claims its part (asleep, descheduled): the shared vector, then the plain split. */
export function lateHelperSplit(seed: number): SplitScenarioResult {
  return splitWithHelper(lateHelper, seed, ['team', 'solo']);
}

/** A trial of sleepingHelperSplit: the helpers asleep as it began, the calling thread's part, the outputs. */
export interface SleepingHelperTrial {
  asleepBefore: number;
  mainShare: number;
  outputs: Float64Array[];
}

/**
 * Ten sessions with a real helper thread (src-main/worker/kernelThread.ts), the choice between the
 * shared vector and the plain split left to the batch's schedule; `pauses` times: a pause until
 * the helper sleeps (at most 2 s), then two trials. The helper first joins on plain splits (the
 * schedule measures those, not the shared vector's), then one trial forced to the shared vector
 * (it does not wake anyone and is not measured, being the first after a switch) leaves the batch
 * with no helper woken by its last trial.
 */
export async function sleepingHelperSplit({ seed, pauses }: { seed: number; pauses: number }): Promise<{ expected: Float64Array[]; joined: boolean; trials: SleepingHelperTrial[][] }> {
  const { network, gains, oneThread } = tenSessions(seed);
  const threads = createNodeKernelThreads({ helpers: 1 });
  const batch = new BatchSimulator(network, DEFAULT_DYNAMICS, gains.length, { threads });
  batch.threadSchedule!.force = 'team';
  const choice = batch.sharedVectorSchedule!;
  choice.force = 'solo';
  // within the worker's deadline (tests/helpers/workerDeadline.ts) with three pauses
  const joinBy = Date.now() + 10_000;
  do batch.run(gains);
  while (batch.helperChunks() === 0 && Date.now() < joinBy);
  const joined = batch.helperChunks() > 0;
  choice.force = 'team';
  batch.run(gains);
  choice.force = null;
  const trial = (): SleepingHelperTrial => {
    const asleepBefore = batch.helpersAsleep();
    batch.run(gains);
    return { asleepBefore, mainShare: batch.mainThreadShare(), outputs: sessionOutputs(batch) };
  };
  const trials: SleepingHelperTrial[][] = [];
  for (let pause = 0; pause < pauses; pause++) {
    const asleepBy = Date.now() + 2_000;
    while (batch.helpersAsleep() === 0 && Date.now() < asleepBy) await new Promise((resolve) => setTimeout(resolve, 5));
    trials.push([trial(), trial()]);
  }
  batch.dispose();
  await threads.close();
  return { expected: sessionOutputs(oneThread), joined, trials };
}

/**
 * One trial (all gains `gain`) of the single-session threaded kernel on a host with no helper to
 * give (src-main/worker/kernelThread.ts, maxWorkers 0), its rows split for two threads: its
 * states, the one-thread kernel's, and the helpers' chunks.
 */
export async function rowSplitWithoutHelper(gain: number): Promise<{ states: Float64Array; expected: Float64Array; helperChunks: number }> {
  const network = network200();
  const threads = createNodeKernelThreads({ helpers: 1, maxWorkers: 0 });
  const kernel = createKernel('wasm-threads', network, DEFAULT_DYNAMICS, { threads });
  kernel.schedule!.force = 'team';
  const gains = network.x0.map(() => gain);
  const states = new Float64Array(DEFAULT_DYNAMICS.nSamples * network.n);
  const expected = new Float64Array(states.length);
  kernel.run(gains, network.x0, null, states);
  createKernel('wasm-pairs', network, DEFAULT_DYNAMICS).run(gains, network.x0, null, expected);
  const helperChunks = kernel.helperChunks!();
  kernel.dispose!();
  await threads.close();
  return { states, expected, helperChunks };
}
