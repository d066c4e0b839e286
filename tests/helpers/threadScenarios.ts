/**
 * Threaded kernels whose helper is absent, late or asleep: the batch's session splits
 * (src-shared/model/batchSimulator.ts, ten sessions, one helper: the plain split and the split
 * sharing a session vector) and the single-session kernel's row split
 * (src-shared/model/kernels/wasmKernel.ts 'wasm-threads'). Nobody may wait on such a helper: the
 * calling thread computes its part (or wakes it). Where that rule breaks, the calling thread waits
 * forever, inside one WebAssembly call or a loop of them, so tests/model/kernelsThreaded.test.ts
 * runs these on a worker with a deadline (tests/helpers/workerDeadline.ts) and checks the results
 * they give back. The same for the gradient pass's row split (assembly/adjoint.ts "Threads",
 * adjointThreaded.test.ts), its offered passes (gradient conditions side by side,
 * gradientSideBySide.test.ts) and the reward rule's offered trials (concurrentTrials.test.ts).
 */
import { createNodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { BatchSimulator } from '../../src-shared/model/batchSimulator.js';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { GradientProblem, RK4Adjoint, type AdjointGradients } from '../../src-shared/model/gradient.js';
import { createKernel } from '../../src-shared/model/kernels/index.js';
import type { KernelThreads } from '../../src-shared/model/kernels/threads.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { rewardRuleLockstep, type GainTrialEvaluator, type RewardRuleResult } from '../../src-shared/model/rewardRule.js';
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
    const instance = new wasmApi.Instance(start.module, { env: { memory: start.memory, abort: () => {} } });
    (instance.exports.helperStep as (kernel: number) => number)(start.kernel);
  },
};

/** WebAssembly's API as these fake helpers use it (the tests' tsconfig has no DOM lib). */
const wasmApi = (globalThis as unknown as { WebAssembly: { Instance: new (module: object, imports: object) => { exports: Record<string, unknown> } } }).WebAssembly;

/**
 * A helper that joins (one step, on the calling thread, when attached) and then seems asleep
 * whenever a trial begins: its kernel's word of helpers napping or asleep (assembly/dynamics.ts
 * "Threads": join + 4, what helpersAsleep reads) held at 1, as a helper that naps after each of its
 * parts would leave it. It never claims a part (the calling thread computes them: late).
 */
export const dozingHelper: KernelThreads = {
  helpers: 1,
  attach: (start) => {
    const { exports } = new wasmApi.Instance(start.module, { env: { memory: start.memory, abort: () => {} } });
    (exports.helperStep as (kernel: number) => number)(start.kernel);
    const helpersAsleep = exports.helpersAsleep as (kernel: number) => number;
    const words = new Int32Array((start.memory as { buffer: SharedArrayBuffer }).buffer);
    // the kernel's sync lines (a 64-byte-aligned pointer among its fields, whose join word counts
    // this helper): found by writing the asleep word and reading it back through helpersAsleep
    for (let field = start.kernel >> 2; field < (start.kernel >> 2) + 256; field++) {
      const sync = words[field] >>> 0;
      if (sync === 0 || sync % 64 !== 0 || sync + 72 > words.byteLength || words[(sync + 64) >> 2] !== 1) continue;
      const asleep = (sync + 68) >> 2;
      const before = Atomics.load(words, asleep);
      Atomics.store(words, asleep, 1);
      if (helpersAsleep(start.kernel) === 1 && before === 0) return;
      Atomics.store(words, asleep, before);
    }
    throw new Error('dozingHelper: the kernel\'s asleep word was not found');
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
 * Ten sessions whose helper seems asleep at the start of every trial (dozingHelper), the choice
 * between the shared vector and the plain split left to the batch's schedules: `trials` trials,
 * each with the helpers asleep as it began, the calling thread's part and the outputs.
 */
export function dozingHelperSplit({ seed, trials }: { seed: number; trials: number }): { expected: Float64Array[]; trials: SleepingHelperTrial[] } {
  const { network, gains, oneThread } = tenSessions(seed);
  const batch = new BatchSimulator(network, DEFAULT_DYNAMICS, gains.length, { threads: dozingHelper });
  batch.threadSchedule!.force = 'team';
  const runs = Array.from({ length: trials }, (): SleepingHelperTrial => {
    const asleepBefore = batch.helpersAsleep();
    batch.run(gains);
    return { asleepBefore, mainShare: batch.mainThreadShare(), outputs: sessionOutputs(batch) };
  });
  return { expected: sessionOutputs(oneThread), trials: runs };
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

/**
 * The helpers of the scenarios below, by name (a scenario's input crosses to its worker as data):
 * one that never joins, one that joins and never steps again (lateHelper), or a host with no
 * thread to give (src-main/worker/kernelThread.ts, maxWorkers 0).
 */
export type FakeHelper = 'absent' | 'late' | 'none';

function helperThreads(helper: FakeHelper): { threads: KernelThreads; close: () => Promise<void> } {
  if (helper === 'none') {
    const host = createNodeKernelThreads({ helpers: 1, maxWorkers: 0 });
    return { threads: host, close: () => host.close() };
  }
  return { threads: helper === 'absent' ? absentHelper : lateHelper, close: async () => {} };
}

/** The N = 200 network of network200 and a smooth one-channel target for it. */
function network200WithTarget(): { network: Network; target: Float64Array } {
  const target = Float64Array.from({ length: DEFAULT_DYNAMICS.nSamples }, (_, k) => Math.sin((2 * Math.PI * k) / DEFAULT_DYNAMICS.nSamples));
  return { network: network200(), target };
}

/** One forward and backward of the gradient pass: E, the output and ∂E/∂g, ∂E/∂x0 (and ∂E/∂W with dense W). */
export interface AdjointPassResult {
  error: number;
  output: Float64Array;
  gains: Float64Array;
  x0: Float64Array;
  W: Float64Array | null;
}

function adjointPass(adjoint: RK4Adjoint, x0: Float64Array, gains: Float64Array, weights: boolean): AdjointPassResult {
  const error = adjoint.forward(x0, gains);
  const output = Float64Array.from(adjoint.output);
  const n = adjoint.n;
  const out: AdjointGradients = { gains: new Float64Array(n), x0: new Float64Array(n), ...(weights ? { W: new Float64Array(n * n) } : {}) };
  adjoint.backward(out);
  return { error, output, gains: out.gains!, x0: out.x0!, W: out.W ?? null };
}

/**
 * The gradient pass split by rows with one helper absent or late (assembly/adjoint.ts "Threads"),
 * forced to use it: `passes` forward + backward passes (with ∂E/∂W, the threaded outer products,
 * for dense W) of random gains and x0, and the one-thread kernel's.
 */
export async function adjointPassesWithHelper({ helper, storage, passes }: { helper: FakeHelper; storage: 'sparse' | 'dense'; passes: number }): Promise<{ threaded: boolean; expected: AdjointPassResult[]; got: AdjointPassResult[]; helperParts: number }> {
  const { network, target } = network200WithTarget();
  const { threads, close } = helperThreads(helper);
  const oneThread = new RK4Adjoint(network, DEFAULT_DYNAMICS, target, { threads: null, weightStorage: storage });
  const adjoint = new RK4Adjoint(network, DEFAULT_DYNAMICS, target, { threads, weightStorage: storage });
  adjoint.forceThreads('team');
  const rng = new Rng(passes);
  const expected: AdjointPassResult[] = [];
  const got: AdjointPassResult[] = [];
  for (let p = 0; p < passes; p++) {
    const gains = Float64Array.from({ length: network.n }, () => 1 + 0.3 * rng.normal());
    const x0 = network.x0.map((v) => v + rng.normal());
    expected.push(adjointPass(oneThread, x0, gains, storage === 'dense'));
    got.push(adjointPass(adjoint, x0, gains, storage === 'dense'));
  }
  const { threaded, helperParts } = adjoint.threadUse();
  adjoint.release();
  await close();
  return { threaded, expected, got, helperParts };
}

/** What a side-by-side scenario gives back: each call's E, ∂E/∂θ and outputs, alone and side by side. */
export interface SideBySideResult {
  expected: { error: number; gradient: Float64Array; outputs: Float64Array }[];
  got: { error: number; gradient: Float64Array; outputs: Float64Array }[];
  sideBySidePasses: number;
}

/**
 * Gradient training's conditions side by side (src-shared/model/gradient.ts GradientProblem,
 * assembly/adjoint.ts "Offered passes") with each condition's helper absent, late or not given:
 * `calls` values and gradients of two conditions, forced side by side, and the one-thread ones.
 */
export async function sideBySideWithHelper({ helper, calls }: { helper: FakeHelper; calls: number }): Promise<SideBySideResult> {
  const { network, target } = network200WithTarget();
  const conditions = [
    { x0: network.x0, target },
    { x0: network.x0.map((v, i) => (i % 2 === 0 ? -v : v)), target: target.map((v) => 0.5 * v) },
  ];
  const { threads, close } = helperThreads(helper);
  const options = { network, params: DEFAULT_DYNAMICS, conditions, trainable: 'gains' as const };
  const alone = new GradientProblem({ ...options, threads: null });
  const side = new GradientProblem({ ...options, threads, sideBySide: 'always' });
  const rng = new Rng(calls);
  const expected: SideBySideResult['expected'] = [];
  const got: SideBySideResult['got'] = [];
  for (let call = 0; call < calls; call++) {
    const theta = Float64Array.from({ length: side.size }, () => 0.8 + 0.4 * rng.uniform());
    for (const [problem, into] of [
      [alone, expected],
      [side, got],
    ] as const) {
      const gradient = new Float64Array(problem.size);
      const error = problem.valueAndGradient(theta, gradient);
      into.push({ error, gradient, outputs: Float64Array.from(problem.outputs()) });
    }
  }
  const sideBySidePasses = side.sideBySidePasses;
  side.release();
  await close();
  return { expected, got, sideBySidePasses };
}

/** A reward run's evaluator that counts what the rule does with its offers (offered, taken, computed by a helper). */
export class OfferSpy implements GainTrialEvaluator {
  offers = 0;
  taken = 0;
  collected = 0;
  constructor(private readonly inner: GainTrialEvaluator) {}
  get network() {
    return this.inner.network;
  }
  get channels() {
    return this.inner.channels;
  }
  get nSamples() {
    return this.inner.nSamples;
  }
  error(gains: Float64Array): number {
    return this.inner.error(gains);
  }
  run(gains: Float64Array, outputOut?: Float64Array): number {
    return this.inner.run(gains, outputOut);
  }
  offer(gains: Float64Array): boolean {
    this.offers++;
    const taken = this.inner.offer!(gains);
    if (taken) this.taken++;
    return taken;
  }
  offeredError(outputOut?: Float64Array): number | null {
    const error = this.inner.offeredError!(outputOut);
    if (error !== null) this.collected++;
    return error;
  }
}

/**
 * Reward runs of one and two sessions with concurrent trials (src-shared/model/rewardRule.ts,
 * WasmKernel.offer; assembly/dynamics.ts "Offered trials") whose helper is absent, late or not
 * given, and the plain loop's runs on one thread; the offers taken and offered trials computed.
 */
export async function concurrentTrialsWithHelper({ helper, trials }: { helper: FakeHelper; trials: number }): Promise<{ runs: { sessions: number; expected: RewardRuleResult[]; got: RewardRuleResult[]; taken: number; computed: number }[] }> {
  const { network, target } = network200WithTarget();
  const { threads, close } = helperThreads(helper);
  const options = { trials, seed: 5, recordAt: [0, 1, 2, trials] };
  const runs = [1, 2].map((sessions) => {
    const plain = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { threads: null });
    const expected = rewardRuleLockstep({ kind: 'each', evaluator: plain }, { ...options, sessions, concurrentTrials: false }).sessions;
    const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { threads });
    const spy = new OfferSpy(evaluator);
    const got = rewardRuleLockstep({ kind: 'each', evaluator: spy }, { ...options, sessions, concurrentTrials: 'always' }).sessions;
    evaluator.dispose();
    return { sessions, expected, got, taken: spy.taken, computed: spy.collected };
  });
  await close();
  return { runs };
}
