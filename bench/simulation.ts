/**
 * Simulation benchmarks: one 500 ms trial of the published N = 200 network (RK4, 199 steps)
 * through TrialEvaluator.error for each kernel, the batch simulator, and the thread crossovers.
 *   trial_ms.<kernel>                 one session, one trial; 'auto(…)' is what 'auto' resolves to
 *                                     with helper threads available (every core), adaptively
 *   threads.round_trip_us             one word to another core and back (Atomics), µs: what a
 *                                     threaded stage boundary pays at least, which varies on a VM
 *   threads.trial_ms                  one session on every core: 'wasm-threads', helpers on every trial
 *   batch<K>_ms_per_trial             K sessions in lockstep, per trial per session ('auto' batch:
 *                                     helper threads when faster); .one_thread / .threads fix it
 *   threads.crossover.n<N>.{one,all}  one session at size N on one thread / on every core
 *   batch.crossover.n<N>.k<K>         K sessions batched (one thread), per trial per session, to
 *                                     compare with the one-thread single-session time of that N
 *   arithmetic.ratio.{trial,batch10}  fused over separate multiply-add (src-shared/model/wasm/loader.ts),
 *                                     one thread, the two timed in alternation (a ratio of
 *                                     neighbours in time: this machine's speed drifts)
 *   dense_columns.ratio.trial         one session's trial with dense I columns over the row-pair
 *                                     lists (kernels/layout.ts), one thread, alternated
 *   batch_row_pairs.ratio.k6          six sessions batched with W also as row pairs over the row
 *                                     lists alone (a part of the ten-session split), alternated
 *   shared_vector.ratio.k10           ten sessions on two threads: the split whose threads share
 *                                     the fifth session vector over the plain split (three and two
 *                                     vectors), one evaluator and helper, alternated
 *   joint.m2_ms                       two initial conditions per trial (JointTrialEvaluator, the
 *                                     speed manifold's m = 2), ms per call: one batch of two or the
 *                                     two side by side on two cores, whichever is faster lately;
 *                                     .batch the batch alone; joint.m2.side_by_side.ratio the two
 *                                     ways timed in alternation (side by side on every trial)
 * The published data are read from ../shared/reference/stroud2018 (or $GAINLAB_REFERENCE_DIR);
 * without them a synthetic SOC-like network of the same size and density is used (noted).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BatchTrialEvaluator, type BatchKernelName } from '../src-shared/model/batchSimulator.js';
import { TrialEvaluator } from '../src-shared/model/dynamics.js';
import { relaxedSimd, type Arithmetic } from '../src-shared/model/wasm/loader.js';
import { KERNEL_NAMES, resolveKernelName, type KernelName } from '../src-shared/model/kernels/index.js';
import type { Network } from '../src-shared/model/network.js';
import { parseNpy } from '../src-shared/formats/npy.js';
import { JointTrialEvaluator } from '../src-shared/speed/jointEvaluator.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { Rng } from '../src-shared/model/rng.js';
import { createNodeKernelThreads, defaultKernelHelpers, type NodeKernelThreads } from '../src-main/worker/kernelThread.js';
import type { Benchmark } from './types.js';

function findReferenceDir(): string | null {
  const candidates = [
    process.env.GAINLAB_REFERENCE_DIR,
    resolve(process.cwd(), '../shared/reference/stroud2018'),
    resolve(process.cwd(), 'shared/reference/stroud2018'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((dir) => existsSync(resolve(dir, 'W.npy'))) ?? null;
}

/**
 * Same structure as the published SOC network at any size: E density 0.1 with one E weight,
 * I density 0.4, weights scaled with 1/√(n/200) so the dynamics stay in range.
 */
export function syntheticNetwork(n = 200, seed = 2018): { network: Network; target: Float64Array } {
  const rng = new Rng(seed);
  const nE = n >> 1;
  const W = new Float64Array(n * n);
  const scale = Math.sqrt(200 / n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (j < nE && rng.uniform() < 0.1) W[i * n + j] = 1.054093 * scale;
      if (j >= nE && rng.uniform() < 0.4) W[i * n + j] = -0.6 * scale * rng.uniform();
    }
  }
  const x0 = Float64Array.from({ length: n }, () => rng.normal(0, 1.5));
  const readout = Float64Array.from({ length: 1 + nE }, () => rng.uniform() * 0.05);
  const target = Float64Array.from({ length: 200 }, (_, k) => 5 * Math.sin(k / 20));
  return { network: { n, nE, W, x0, readout: { channels: 1, weights: readout } }, target };
}

let cached: { network: Network; target: Float64Array; synthetic: boolean } | null = null;
export function benchNetwork(): { network: Network; target: Float64Array; synthetic: boolean } {
  if (cached) return cached;
  const dir = findReferenceDir();
  if (!dir) {
    cached = { ...syntheticNetwork(), synthetic: true };
    return cached;
  }
  const load = (name: string) => parseNpy(new Uint8Array(readFileSync(resolve(dir, `${name}.npy`)))).data;
  cached = {
    network: { n: 200, nE: 100, W: load('W'), x0: load('x0'), readout: { channels: 1, weights: load('readout') } },
    target: load('novel_target'),
    synthetic: false,
  };
  return cached;
}

let threadsHost: NodeKernelThreads | null = null;
/** The gains of `sessions` sessions of n neurons that every batch benchmark (and the NumPy baseline) simulates. */
export const benchGains = (n: number, sessions: number): Float64Array<ArrayBuffer>[] =>
  Array.from({ length: sessions }, (_, s) => Float64Array.from({ length: n }, (_, i) => 1 + 0.05 * Math.sin(i + s)));

/** Helper threads for the benchmarks: cores − 1, like one run owning the machine. */
export function benchThreads(): NodeKernelThreads {
  threadsHost ??= createNodeKernelThreads({ helpers: defaultKernelHelpers() });
  return threadsHost;
}

const networkNote = () => (benchNetwork().synthetic ? 'synthetic N=200 network (published data not found)' : 'published N=200 network');

/** Let the helper threads of a new kernel start before timing (they join asynchronously). */
const helpersSettle = () => new Promise((resolve) => setTimeout(resolve, 300));

interface TrialOptions {
  name: string;
  kernel: KernelName;
  repeats: number;
  network?: () => { network: Network; target: Float64Array };
  force?: 'team' | 'solo';
  /** Another evaluator of the same trial (default a TrialEvaluator of `kernel`). */
  evaluator?: (network: Network, target: Float64Array) => Pick<TrialEvaluator, 'error' | 'dispose'>;
  note: () => string;
}

function trialBenchmark(options: TrialOptions): Benchmark {
  let evaluator: Pick<TrialEvaluator, 'error' | 'dispose'> | null = null;
  let gains = new Float64Array(0);
  return {
    name: options.name,
    repeats: options.repeats,
    warmup: 5,
    setup: async () => {
      const { network, target } = (options.network ?? benchNetwork)();
      gains = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.05 * Math.sin(i));
      if (options.evaluator) evaluator = options.evaluator(network, target);
      else {
        const single = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel: options.kernel, threads: benchThreads() });
        if (options.force && single.threadSchedule) single.threadSchedule.force = options.force;
        evaluator = single;
      }
      await helpersSettle();
    },
    run: () => {
      evaluator!.error(gains);
    },
    teardown: () => {
      evaluator?.dispose();
      evaluator = null;
    },
    get note() {
      return options.note();
    },
  };
}

interface BatchOptions {
  name: string;
  sessions: number;
  kernel: Exclude<BatchKernelName, 'auto'>;
  threads: 'auto' | 'one' | 'all';
  repeats: number;
  network?: () => { network: Network; target: Float64Array };
  note: string;
}

/** K sessions per call; reported per trial per session. */
function batchBenchmark(options: BatchOptions): Benchmark {
  let evaluator: BatchTrialEvaluator | null = null;
  let gains: Float64Array[] = [];
  const errors = new Float64Array(options.sessions);
  return {
    name: options.name,
    repeats: options.repeats,
    warmup: 3,
    unitsPerRun: options.sessions,
    setup: async () => {
      const { network, target } = (options.network ?? benchNetwork)();
      gains = benchGains(network.n, options.sessions);
      evaluator = new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, options.sessions, {
        kernel: options.kernel,
        threads: options.threads === 'one' ? null : benchThreads(),
      });
      const schedule = evaluator.simulator.threadSchedule;
      if (schedule && options.threads === 'all') schedule.force = 'team';
      await helpersSettle();
    },
    run: () => {
      evaluator!.errors(gains, errors);
    },
    teardown: () => {
      evaluator?.dispose();
      evaluator = null;
    },
    note: options.note,
  };
}

/**
 * Time per trial (per session) with the fused builds over the separate ones, one thread: each
 * repeat times `calls` calls of each, alternately, and gives the ratio of the two.
 */
/**
 * The time of `over` divided by that of `under`, the two timed in alternation (`calls` calls each
 * per repeat): a ratio of neighbours in time, as this machine's speed drifts.
 */
function alternatedRatioBenchmark(options: {
  name: string;
  calls: number;
  sides: () => { over: () => void; under: () => void; dispose: () => void };
  note: () => string;
  /** The sides use helper threads: let them start first. */
  helpers?: boolean;
}): Benchmark {
  let sides: ReturnType<typeof options.sides> | null = null;
  return {
    name: options.name,
    unit: 'ratio',
    repeats: 30,
    warmup: 2,
    setup: async () => {
      sides = options.sides();
      if (options.helpers) await helpersSettle();
    },
    run: () => {
      const time = (f: () => void) => {
        const start = performance.now();
        for (let c = 0; c < options.calls; c++) f();
        return performance.now() - start;
      };
      const under = time(sides!.under);
      const over = time(sides!.over);
      return over / under;
    },
    teardown: () => {
      sides?.dispose();
      sides = null;
    },
    get note() {
      return options.note();
    },
  };
}

/** Two initial conditions (x0 and x0 with every other sign flipped) with the bench target: the speed manifold's m = 2. */
function jointEvaluator(sideBySide: boolean | 'always'): JointTrialEvaluator {
  const { network, target } = benchNetwork();
  const flipped = network.x0.map((v, i) => (i % 2 ? -v : v));
  return new JointTrialEvaluator(network, DEFAULT_DYNAMICS, [{ target }, { target, x0: flipped }], { threads: benchThreads(), sideBySide });
}

/** One joint evaluation of two conditions per call (ms per call, both conditions). */
function jointBenchmark(name: string, sideBySide: boolean | 'always', note: string): Benchmark {
  return trialBenchmark({ name, kernel: 'auto', repeats: 40, evaluator: () => jointEvaluator(sideBySide), note: () => `${networkNote()}; ${note}` });
}

function arithmeticRatioBenchmark(name: string, sessions: number, calls: number): Benchmark {
  return alternatedRatioBenchmark({
    name,
    calls,
    sides: () => {
      const { network, target } = benchNetwork();
      if (sessions === 1) {
        const gains = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.05 * Math.sin(i));
        const make = (arithmetic: Arithmetic) => new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel: 'wasm-pairs', arithmetic });
        const fused = make('fused');
        const separate = make('separate');
        return { over: () => fused.error(gains), under: () => separate.error(gains), dispose: () => {} };
      }
      const gains = benchGains(network.n, sessions);
      const errors = new Float64Array(sessions);
      const make = (arithmetic: Arithmetic) => new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, sessions, { kernel: 'wasm-batch', threads: null, arithmetic });
      const fused = make('fused');
      const separate = make('separate');
      return { over: () => fused.errors(gains, errors), under: () => separate.errors(gains, errors), dispose: () => (fused.dispose(), separate.dispose()) };
    },
    note: () => {
      const probe = relaxedSimd();
      return `${networkNote()}; ${sessions === 1 ? 'wasm-pairs, one session' : `wasm-batch, ${sessions} sessions`}, one thread; relaxed SIMD ${probe.supported ? (probe.fusedHere ? 'with FMA' : 'without FMA (rounds twice)') : 'unavailable (both sides separate)'}`;
    },
  });
}

/** K sessions batched with W also as row pairs over the row lists alone (assembly/dynamics.ts setBatchPairs), one thread. */
function batchRowPairsRatioBenchmark(name: string, sessions: number, calls: number): Benchmark {
  return alternatedRatioBenchmark({
    name,
    calls,
    sides: () => {
      const { network, target } = benchNetwork();
      const gains = benchGains(network.n, sessions);
      const errors = new Float64Array(sessions);
      const make = (rowPairs: boolean) => new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, sessions, { kernel: 'wasm-batch', threads: null, rowPairs });
      const pairs = make(true);
      const lists = make(false);
      return { over: () => pairs.errors(gains, errors), under: () => lists.errors(gains, errors), dispose: () => (pairs.dispose(), lists.dispose()) };
    },
    note: () => `${networkNote()}; wasm-batch, ${sessions} sessions, one thread: row pairs over the row lists`,
  });
}

/**
 * K sessions on two threads (one helper): the session split whose threads share the last session
 * vector over the plain split by whole vectors (src-shared/model/batchSimulator.ts sharedVector),
 * the same evaluator and helper thread on both sides.
 */
function sharedVectorRatioBenchmark(name: string, sessions: number, calls: number): Benchmark {
  const applies = () => benchThreads().helpers === 1;
  return alternatedRatioBenchmark({
    name,
    calls,
    helpers: true,
    sides: () => {
      const { network, target } = benchNetwork();
      const gains = benchGains(network.n, sessions);
      const errors = new Float64Array(sessions);
      const evaluator = new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, sessions, { kernel: 'wasm-batch', threads: benchThreads() });
      const schedule = evaluator.simulator.threadSchedule;
      if (schedule) schedule.force = 'team';
      const choice = evaluator.simulator.sharedVectorSchedule;
      const run = (mode: 'team' | 'solo') => () => {
        if (choice) choice.force = mode;
        evaluator.errors(gains, errors);
      };
      return { over: run('team'), under: run('solo'), dispose: () => evaluator.dispose() };
    },
    note: () =>
      `${networkNote()}; wasm-batch, ${sessions} sessions, helper threads on every trial: the threads sharing a session vector over the plain split` +
      (applies() ? '' : ` (not with ${benchThreads().helpers} helpers: both sides plain)`),
  });
}

/** One session's trial with the I entries from dense columns over from the row-pair lists (kernels/layout.ts), one thread. */
function iColumnsRatioBenchmark(name: string, calls: number): Benchmark {
  return alternatedRatioBenchmark({
    name,
    calls,
    sides: () => {
      const { network, target } = benchNetwork();
      const gains = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.05 * Math.sin(i));
      const make = (iColumns: 'dense' | 'lists') => new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel: 'wasm-pairs', iColumns });
      const dense = make('dense');
      const lists = make('lists');
      return { over: () => dense.error(gains), under: () => lists.error(gains), dispose: () => {} };
    },
    note: () => `${networkNote()}; wasm-pairs, one session, one thread: dense I columns over the row-pair lists`,
  });
}

/**
 * The round trip of one word between two threads (Atomics store, the other spins until it sees
 * it and answers), in µs. Every threaded stage boundary pays at least about one of these: on the
 * 2-core EPYC VM it was 0.17–0.20 µs at some times and 0.83–1.04 µs at others on 2026-12-04,
 * minutes apart (the host's placement of the VM's cores, not ours), and threads.trial_ms followed
 * it (medians 1.68–1.70 ms against 3.23–3.46 ms), so the two are reported side by side.
 */
function roundTripBenchmark(): Benchmark {
  const ROUND_TRIPS = 5000;
  // word 0: the driver's sequence number (STOP: quit, PARK: sleep until notified); word 16 (its
  // own cache line): the echo
  const STOP = -1;
  const PARK = -2;
  let words: Int32Array | null = null;
  let worker: Worker | null = null;
  let sequence = 0;
  const echo = `
    const { workerData } = require('node:worker_threads');
    const words = new Int32Array(workerData);
    let last = 0;
    for (;;) {
      const v = Atomics.load(words, 0);
      if (v === ${STOP}) break;
      if (v === ${PARK}) { Atomics.store(words, 16, ${PARK}); Atomics.wait(words, 0, ${PARK}); continue; }
      if (v !== last) { last = v; Atomics.store(words, 16, v); }
    }`;
  const send = (value: number) => {
    Atomics.store(words!, 0, value);
    Atomics.notify(words!, 0);
    while (Atomics.load(words!, 16) !== value) {
      // the echo thread answers
    }
  };
  return {
    name: 'threads.round_trip_us',
    unit: 'us',
    repeats: 20,
    warmup: 2,
    setup: async () => {
      const memory = new SharedArrayBuffer(128);
      words = new Int32Array(memory);
      worker = new Worker(echo, { eval: true, workerData: memory });
      await new Promise((resolve) => worker!.once('online', resolve));
      send(++sequence);
      send(PARK);
    },
    run: () => {
      send(++sequence);
      const start = performance.now();
      for (let i = 0; i < ROUND_TRIPS; i++) send(++sequence);
      const us = ((performance.now() - start) * 1000) / ROUND_TRIPS;
      send(PARK); // the echo thread sleeps between repeats, so it never competes with other benchmarks
      return us;
    },
    teardown: async () => {
      Atomics.store(words!, 0, STOP);
      Atomics.notify(words!, 0);
      await worker?.terminate();
      worker = null;
    },
    note: `two threads, one Atomics word each way, the mean of ${ROUND_TRIPS} round trips per repeat`,
  };
}

const cores = () => 1 + defaultKernelHelpers();
const crossoverSizes = [60, 100, 140, 200, 400, 800];
const crossoverNetworks = new Map<number, { network: Network; target: Float64Array }>();
const crossoverNetwork = (n: number) => () => {
  if (n === 200) return benchNetwork();
  if (!crossoverNetworks.has(n)) crossoverNetworks.set(n, syntheticNetwork(n));
  return crossoverNetworks.get(n)!;
};

export const benchmarks: Benchmark[] = [
  ...KERNEL_NAMES.map((kernel) =>
    trialBenchmark({
      name: `trial_ms.${kernel === 'auto' ? `auto(${resolveKernelName('auto', benchNetwork().network, { threads: benchThreads() })})` : kernel}`,
      kernel,
      repeats: kernel === 'reference' ? 10 : kernel === 'csr' ? 30 : 100,
      note: () => `${networkNote()}${kernel === 'auto' || kernel === 'wasm-threads' ? `; ${cores()} threads available, used per trial when faster` : ''}`,
    }),
  ),
  roundTripBenchmark(),
  trialBenchmark({
    name: 'threads.trial_ms',
    kernel: 'wasm-threads',
    repeats: 100,
    force: 'team',
    note: () => `${networkNote()}; one session on every core (${cores()} threads) on every trial`,
  }),
  batchBenchmark({ name: 'batch10_ms_per_trial', sessions: 10, kernel: 'wasm-batch', threads: 'auto', repeats: 40, note: 'wasm-batch, 10 sessions per call, time per trial per session; helper threads per trial when faster' }),
  batchBenchmark({ name: 'batch10_ms_per_trial.one_thread', sessions: 10, kernel: 'wasm-batch', threads: 'one', repeats: 40, note: 'wasm-batch on one thread' }),
  batchBenchmark({ name: 'batch10_ms_per_trial.threads', sessions: 10, kernel: 'wasm-batch', threads: 'all', repeats: 40, note: 'wasm-batch on every core on every trial' }),
  batchBenchmark({ name: 'batch4_ms_per_trial', sessions: 4, kernel: 'wasm-batch', threads: 'auto', repeats: 40, note: 'wasm-batch, 4 sessions per call' }),
  batchBenchmark({ name: 'batch10_ms_per_trial.wasm-batch-f32', sessions: 10, kernel: 'wasm-batch-f32', threads: 'one', repeats: 40, note: 'wasm-batch-f32 (approximate, opt-in), one thread' }),
  batchBenchmark({ name: 'batch10_ms_per_trial.csr-loop', sessions: 10, kernel: 'csr-loop', threads: 'one', repeats: 5, note: 'csr-loop (no WebAssembly), one thread' }),
  arithmeticRatioBenchmark('arithmetic.ratio.trial', 1, 10),
  arithmeticRatioBenchmark('arithmetic.ratio.batch10', 10, 2),
  iColumnsRatioBenchmark('dense_columns.ratio.trial', 10),
  batchRowPairsRatioBenchmark('batch_row_pairs.ratio.k6', 6, 2),
  sharedVectorRatioBenchmark('shared_vector.ratio.k10', 10, 3),
  ...crossoverSizes.flatMap((n) => [
    trialBenchmark({
      name: `threads.crossover.n${n}.one`,
      kernel: 'wasm-pairs',
      repeats: 60,
      network: crossoverNetwork(n),
      note: () => `N=${n} ${n === 200 ? networkNote() : 'synthetic SOC-like network'}, one thread`,
    }),
    trialBenchmark({
      name: `threads.crossover.n${n}.all`,
      kernel: 'wasm-threads',
      repeats: 60,
      force: 'team',
      network: crossoverNetwork(n),
      note: () => `N=${n}, every core (${cores()} threads) on every trial`,
    }),
  ]),
  jointBenchmark('joint.m2_ms', true, 'two initial conditions per trial (JointTrialEvaluator): one batch of two, or the two side by side on two cores, whichever has lately been faster'),
  jointBenchmark('joint.m2_ms.batch', false, 'the same as one batch of two (one thread, or its rows on every core when faster)'),
  alternatedRatioBenchmark({
    name: 'joint.m2.side_by_side.ratio',
    calls: 20,
    sides: () => {
      const side = jointEvaluator('always');
      const batch = jointEvaluator(false);
      const gains = benchGains(200, 1)[0];
      return { over: () => void side.error(gains), under: () => void batch.error(gains), dispose: () => (side.dispose(), batch.dispose()) };
    },
    note: () => `${networkNote()}; two conditions side by side on two cores on every trial over one batch of two, alternated`,
  }),
  ...[200, 400].flatMap((n) =>
    [2, 3, 4, 6].map((sessions) =>
      batchBenchmark({
        name: `batch.crossover.n${n}.k${sessions}`,
        sessions,
        kernel: 'wasm-batch',
        threads: 'one',
        repeats: 30,
        network: crossoverNetwork(n),
        note: `N=${n}, ${sessions} sessions batched on one thread, per trial per session (compare threads.crossover.n${n}.one)`,
      }),
    ),
  ),
];
