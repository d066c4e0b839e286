/**
 * K independent sessions (different gains and/or initial states, same network and parameters)
 * integrated together, so that one pass over W serves all K: the paper runs 10 learning
 * sessions per condition, and this turns K matrix-vector products into one sparse
 * matrix × (n × K) product.
 *
 * WebAssembly path ('wasm-batch', assembly/dynamics.ts kind BATCH): session-interleaved layout
 * (value (i, s) at [i·KP + s], KP = K rounded up to even), f64x2 SIMD across sessions, the
 * sparse split form of W, each stage one fused pass, readout computed in the kernel. Float64
 * throughout, and the same bits as each session run alone by any fast single-session kernel
 * (kernels/layout.ts): batching is a speed choice only (see preferBatched). With helper threads
 * (options.threads, default the host's defaultKernelThreads()) a batch of SPLIT_MIN_SESSIONS or
 * more splits its sessions between the threads (each a whole trial of its own part, with no stage
 * boundaries); a smaller one shares the rows of each stage among them; either trial by trial
 * whenever that has been faster lately than the whole batch on one thread. With one helper and an
 * odd number of session vectors (ten sessions: five), the two threads can also share the last
 * vector, each computing it on half of the rows (options.sharedVector; ~0.93 of the plain split's
 * time on a quiet 2-core machine), whenever that has been faster lately than the plain split.
 * Fallback ('csr-loop', where WebAssembly SIMD is missing): K separate CSR kernels (same bits).
 */
import { computeOutput, normalisedError } from './dynamics.js';
import { CsrJsKernel } from './kernels/csrJs.js';
import { rowPairs, type RowPairs } from './kernels/layout.js';
import { splitSparse, type SplitSparse } from './kernels/sparseStructure.js';
import { defaultKernelThreads, ThreadSchedule, type KernelThreads } from './kernels/threads.js';
import { attachHelpers, detachHelpers, helperChunksPerTrial, helpersTookPart, threadChunks, instanceFor, KIND_BATCH, place, reserveRowPairs, unitCost, WASM_KERNEL_MAX_N, WasmArena } from './kernels/wasmKernel.js';
import type { Network } from './network.js';
import { validateNetwork } from './network.js';
import type { DynamicsParams } from './params.js';
import { stepLength, validateDynamicsParams } from './params.js';
import { dynamicsWasmAvailable, instantiateDynamicsWasm, resolveArithmetic, sharedDynamicsAvailable, type Arithmetic, type DynamicsWasmExports } from './wasm/loader.js';

/**
 * 'wasm-batch-f32' is approximate (float32 state, weights and arithmetic, f32x4 across sessions):
 * outputs and errors only (no rates/states). Tolerance (asserted in tests/model/batch.test.ts on
 * the published network): outputs within 1e-5 of max |output|, E within 1e-5·E + 1e-7 of the
 * float64 value (measured 1.3e-6 and 4e-6·E). About 1.7× faster than 'wasm-batch' at K = 10.
 * Opt-in; 'auto' never picks it.
 */
export type BatchKernelName = 'auto' | 'wasm-batch' | 'wasm-batch-f32' | 'csr-loop';

export interface BatchSimulatorOptions {
  kernel?: BatchKernelName;
  /** 'wasm-batch': helper threads (default defaultKernelThreads(); null = one thread). */
  threads?: KernelThreads | null;
  /** Keep every session's rates (nSamples × n) for `rates(s)`; costs memory bandwidth. */
  keepRates?: boolean;
  /** Keep every session's states for `states(s)`. */
  keepStates?: boolean;
  /** 'wasm-batch': fused or separate multiply-add (./wasm/loader.ts); default the host's. */
  arithmetic?: Arithmetic;
  /**
   * 'wasm-batch' of up to six sessions: also store W as row pairs for stages over all rows
   * (assembly/dynamics.ts setBatchPairs; default true). The bits are the same either way.
   */
  rowPairs?: boolean;
  /**
   * 'wasm-batch' with one helper thread and an odd number (3 or 5) of session vectors, outputs
   * only (no keepRates/keepStates): the two threads share the last session vector, each computing
   * it on half of the rows (assembly/dynamics.ts, "A session vector shared by two parts"), instead
   * of one thread taking the extra vector (default true). The bits are the same either way.
   */
  sharedVector?: boolean;
}

interface BatchEngine {
  run(gains: readonly Float64Array[], x0s: readonly Float64Array[]): void;
  output(s: number, out: Float64Array): void;
  rates(s: number, out: Float64Array): void;
  states(s: number, out: Float64Array): void;
  dispose?(): void;
  /** The thread choice of a threaded engine (null: one thread). */
  readonly schedule?: ThreadSchedule | null;
  /** A threaded engine's choice between a shared-vector and a plain session split (null: none). */
  readonly sharedSchedule?: ThreadSchedule | null;
  helperChunks?(): number;
  helpersAsleep?(): number;
  mainThreadShare?(): number;
  setMainThreadShare?(share: number): void;
}

/** A BATCH kernel in an instance and the host's views of its buffers (session-interleaved). */
interface BatchKernelViews {
  kernel: number;
  /** The session in each lane (lanes past the list are padding). */
  lanes: readonly number[];
  /** KP: the lanes' sessions rounded up to even. */
  kp: number;
  gains: Float64Array;
  x0: Float64Array;
  outputs: Float64Array;
  rates: Float64Array | null;
  states: Float64Array | null;
}

/**
 * The buffers of one BATCH kernel over `sessions` sessions, reserved in an arena before the
 * instance exists; install() writes W (byte offsets for this kernel's row stride) and the readout
 * into the instance, sets the kernel up and returns it (the views are made later, by views(), once
 * nothing allocates in the instance any more: an own memory may grow and detach them).
 */
/**
 * The row pairs of a batch kernel of `kp` interleaved values per row (assembly/dynamics.ts
 * setBatchPairs): for up to three session vectors, where every byte offset of a row, up to the
 * zero row n, fits the layout's u16; else null (the kernel keeps its row lists only).
 */
function batchRowPairs(sparse: SplitSparse, kp: number, ranges?: readonly number[]): RowPairs | null {
  return batchRowPairsFit(sparse.n, kp) ? rowPairs(sparse, sparse.n * kp, (j) => j * kp, ranges) : null;
}

/** Whether a batch kernel of n rows and `kp` values per row can hold W as row pairs (batchRowPairs). */
const batchRowPairsFit = (n: number, kp: number): boolean => kp <= 6 && (n + 1) * 8 * kp <= 0xffff;

/**
 * `pairRanges`: row bounds within which the row pairs are formed (a part of a shared-vector split:
 * [0, its bound, n rounded up to even]).
 */
function reserveBatchKernel(
  arena: WasmArena,
  network: Network,
  sparse: SplitSparse,
  sessions: number,
  nSamples: number,
  keepRates: boolean,
  keepStates: boolean,
  withRowPairs: boolean,
  pairRanges?: readonly number[],
) {
  const n = network.n;
  const kp = (sessions + 1) & ~1;
  const block = n * kp;
  const channels = network.readout.channels;
  const pairs = withRowPairs ? batchRowPairs(sparse, kp, pairRanges) : null;
  // with row pairs, r has a zero row n (the pairs' padding reads it) and y a row n (written for
  // the padding row of an odd n)
  const rows = pairs ? block + kp : block;
  const pairsRoom = pairs ? reserveRowPairs(pairs, arena) : null;
  const at = {
    eStart: arena.reserve(4 * (n + 1)),
    eOffsets: arena.reserve(4 * sparse.eCols.length),
    iStart: arena.reserve(4 * (n + 1)),
    iOffsets: arena.reserve(4 * sparse.cols.length),
    iWeights: arena.reserve(8 * sparse.values.length),
    gains: arena.reserve(8 * block),
    x0: arena.reserve(8 * block),
    x: arena.reserve(8 * block),
    probe: arena.reserve(8 * block),
    acc: arena.reserve(8 * block),
    y: arena.reserve(8 * rows),
    rA: arena.reserve(8 * rows),
    rB: arena.reserve(8 * rows),
    rates: keepRates ? arena.reserve(8 * nSamples * block) : -1,
    states: keepStates ? arena.reserve(8 * nSamples * block) : -1,
    readout: arena.reserve(8 * network.readout.weights.length),
    outputs: arena.reserve(8 * channels * nSamples * kp),
  };
  let ptr: (key: keyof typeof at) => number = () => 0;
  return {
    install(wasm: DynamicsWasmExports, placed: number[]): number {
      ptr = (key) => (at[key] < 0 ? 0 : placed[at[key]]);
      const kernel = wasm.newKernel();
      const buffer = wasm.memory.buffer;
      // column entries as byte offsets of row j in the interleaved layout (j · KP · 8)
      const rowBytes = kp * 8;
      place(buffer, ptr('eStart'), sparse.eRowStart);
      place(buffer, ptr('eOffsets'), sparse.eCols.map((j) => rowBytes * j));
      place(buffer, ptr('iStart'), sparse.rowStart);
      place(buffer, ptr('iOffsets'), sparse.cols.map((j) => rowBytes * j));
      place(buffer, ptr('iWeights'), sparse.values);
      place(buffer, ptr('readout'), network.readout.weights);
      wasm.setLayout(kernel, KIND_BATCH, n, n, kp >> 1, sparse.sharedWeight, ptr('eStart'), ptr('eOffsets'), ptr('iStart'), ptr('iOffsets'), ptr('iWeights'), 0);
      wasm.setBuffers(kernel, ptr('gains'), ptr('x0'), ptr('gains'), ptr('x'), ptr('probe'), ptr('acc'), ptr('y'), ptr('rA'), ptr('rB'), ptr('rates'), ptr('states'));
      wasm.setReadout(kernel, ptr('readout'), channels, network.nE, ptr('outputs'));
      if (pairs && pairsRoom) {
        for (const key of ['rA', 'rB'] as const) new Float64Array(buffer, ptr(key), rows).fill(0);
        const lists = pairsRoom.install(buffer, placed);
        wasm.setBatchPairs(kernel, pairs.pairCount, pairs.sharedWeight, lists.eStart, lists.eOffsets, lists.iStart, lists.iOffsets, lists.iWeights, lists.rows);
      }
      return kernel;
    },
    views(wasm: DynamicsWasmExports, kernel: number, lanes: readonly number[]): BatchKernelViews {
      const buffer = wasm.memory.buffer;
      return {
        kernel,
        lanes,
        kp,
        gains: new Float64Array(buffer, ptr('gains'), block).fill(0),
        x0: new Float64Array(buffer, ptr('x0'), block).fill(0),
        outputs: new Float64Array(buffer, ptr('outputs'), channels * nSamples * kp),
        rates: keepRates ? new Float64Array(buffer, ptr('rates'), nSamples * block) : null,
        states: keepStates ? new Float64Array(buffer, ptr('states'), nSamples * block) : null,
      };
    },
  };
}

/**
 * Sessions of each part of a session split over `threads` threads: the session vectors (pairs of
 * sessions) as evenly as possible, the first parts the larger; fewer parts than threads when there
 * are fewer vectors.
 */
export function splitSessions(sessions: number, threads: number): number[] {
  const vectors = Math.ceil(sessions / 2);
  const parts = Math.max(1, Math.min(threads, vectors));
  const sizes: number[] = [];
  let left = sessions;
  for (let t = 0; t < parts; t++) {
    const partVectors = Math.floor(vectors / parts) + (t < vectors % parts ? 1 : 0);
    const size = Math.min(2 * partVectors, left);
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * From this many sessions a batch with helper threads splits its sessions between the threads
 * (each thread a whole trial of its own sessions, no stage boundaries) instead of the rows of every
 * stage: bench batch10_ms_per_trial and batch4_ms_per_trial against the row split (see
 * assembly/dynamics.ts, "Sessions split between threads").
 */
export const SPLIT_MIN_SESSIONS = 4;

/** Trials between re-checks of the shared-vector choice at first (ThreadSchedule exploreEvery). */
const SHARED_RECHECK_TRIALS = 8;

/**
 * A two-thread split whose parts share their last session vector (assembly/dynamics.ts, "A
 * session vector shared by two parts"), for `sessions` sessions of an odd number of vectors V = 3
 * or 5: part t holds its own V − 1 sessions' half (sessions t·(V − 1) … ) in its first lanes and
 * the last vector's sessions (from 2·(V − 1) on) in its last two; `sharedRows` is the bound a
 * (a multiple of 4, 0 < a < n) below which part 0 computes the shared vector, chosen so that the
 * two halves of the rows have about the same work (`rowCost`). Null where it does not apply (the
 * parts' W must fit the row-pair layout).
 */
export function sharedVectorPlan(sessions: number, rowCost: ArrayLike<number>): { lanes: number[][]; sharedRows: number } | null {
  const vectors = Math.ceil(sessions / 2);
  const n = rowCost.length;
  if ((vectors !== 3 && vectors !== 5) || n < 8 || !batchRowPairsFit(n, vectors + 1)) return null;
  const own = vectors - 1;
  const shared = Array.from({ length: sessions - 2 * own }, (_, i) => 2 * own + i);
  const lanes = [0, 1].map((t) => [...Array.from({ length: own }, (_, i) => t * own + i), ...shared]);
  let total = 0;
  for (let i = 0; i < n; i++) total += rowCost[i];
  let best = 4;
  let bestGap = Infinity;
  let prefix = 0;
  for (let i = 0; i < n; i++) {
    prefix += rowCost[i];
    const bound = i + 1;
    if (bound % 4 === 0 && bound < n && Math.abs(prefix - total / 2) < bestGap) {
      bestGap = Math.abs(prefix - total / 2);
      best = bound;
    }
  }
  return { lanes, sharedRows: best };
}

/** The parts of a session split, and where each session's results are after one of its trials. */
interface SplitParts {
  parts: BatchKernelViews[];
  /** Session s's part and lane (a shared vector's sessions: part 0's, both hold the same bits). */
  holder: { part: number; lane: number }[];
  /** The calling thread's part of the work. */
  mainShare: number;
}

function splitParts(parts: BatchKernelViews[], sessions: number, mainShare: number): SplitParts {
  const holder = Array.from({ length: sessions }, (_, s) => {
    const part = parts.findIndex((views) => views.lanes.includes(s));
    return { part, lane: parts[part].lanes.indexOf(s) };
  });
  return { parts, holder, mainShare };
}

/** The sessions of each lane of the parts of a plain session split (whole session vectors each). */
function plainLanes(sessions: number, threads: number): number[][] {
  let first = 0;
  return splitSessions(sessions, threads).map((size) => Array.from({ length: size }, () => first++));
}

class WasmBatchEngine implements BatchEngine {
  /** The thread choice when helpers are attached (null: one thread, or disposed). */
  schedule: ThreadSchedule | null;
  /**
   * With a shared-vector split: its choice over the plain split, trial by trial ('team' = the
   * shared vector; null: no such split). It needs both threads at every stage, so a thread that
   * is descheduled holds up both (on a busy machine 1.3–6× the plain split's time per trial,
   * measured while browser tests ran): the faster of the two lately is used.
   */
  sharedSchedule: ThreadSchedule | null;
  private readonly wasm: DynamicsWasmExports;
  /** The kernel of all sessions (one thread, or the rows of each stage shared among the threads). */
  private readonly whole: BatchKernelViews;
  /** A session split: its driver kernel and parts, plain and shared-vector (null: none). */
  private readonly split: { kernel: number; plain: SplitParts; shared: SplitParts | null } | null;
  /** The split whose buffers hold the last run's results (null: the whole kernel's). */
  private lastSplit: SplitParts | null = null;
  /** Whether the last split trial took the plain split to wake a sleeping helper. */
  private wokeHelper = false;
  /** Helper threads attached (0: one thread). */
  private readonly helpers: number;

  constructor(
    private readonly network: Network,
    private readonly params: DynamicsParams,
    private readonly sessions: number,
    keepRates: boolean,
    keepStates: boolean,
    threads: KernelThreads | null,
    arithmetic: Arithmetic,
    withRowPairs: boolean,
    sharedVector: boolean,
  ) {
    const n = network.n;
    const sparse = splitSparse(network.W, n, network.nE);
    const samples = params.nSamples;
    const helpers = threads ? Math.max(0, Math.floor(threads.helpers)) : 0;
    this.helpers = helpers;
    const rowCost = (vectors: number) =>
      Float64Array.from({ length: n }, (_, i) => unitCost(sparse.eRowStart[i + 1] - sparse.eRowStart[i], sparse.rowStart[i + 1] - sparse.rowStart[i], vectors));
    const splitting = helpers > 0 && sessions >= SPLIT_MIN_SESSIONS && splitSessions(sessions, 1 + helpers).length > 1;
    const partLanes = splitting ? plainLanes(sessions, 1 + helpers) : [];
    const plan = splitting && sharedVector && withRowPairs && helpers === 1 && !keepRates && !keepStates ? sharedVectorPlan(sessions, rowCost(1)) : null;
    const arena = new WasmArena();
    const reserve = (lanes: number[], ranges?: number[]) => reserveBatchKernel(arena, network, sparse, lanes.length, samples, keepRates, keepStates, withRowPairs, ranges);
    const whole = reserveBatchKernel(arena, network, sparse, sessions, samples, keepRates, keepStates, withRowPairs);
    const parts = partLanes.map((lanes) => reserve(lanes));
    const partList = splitting ? arena.reserve(4 * parts.length) : -1;
    // a shared-vector split: its two parts (row pairs formed within each part's rows of the shared
    // vector), their list, the exchange (two parities of 16 bytes a row, whole cache lines) and words
    const sharedParts = plan ? plan.lanes.map((lanes) => reserve(lanes, [0, plan.sharedRows, n + (n % 2)])) : [];
    const sharedList = plan ? arena.reserve(8) : -1;
    const exchangeParity = 64 * Math.ceil((16 * n) / 64);
    const exchange = plan ? arena.reserve(2 * exchangeParity + 64) : -1;
    const words = plan ? arena.reserve(128 + 64) : -1;
    // the row split: the whole kernel's rows in chunks for 1 + helpers threads
    const chunks = helpers > 0 && !splitting ? threadChunks(rowCost(((sessions + 1) & ~1) >> 1), 1 + helpers, arena) : null;
    const { wasm, memory } = instanceFor(arena, threads !== null && helpers > 0, arithmetic);
    this.wasm = wasm;
    const placed = arena.place(wasm);
    const wholeKernel = whole.install(wasm, placed);
    chunks?.install(wasm, wholeKernel, placed);
    const partKernels = parts.map((part) => part.install(wasm, placed));
    const sharedKernels = sharedParts.map((part) => part.install(wasm, placed));
    let driver = wholeKernel;
    if (splitting) {
      driver = wasm.newKernel();
      place(wasm.memory.buffer, placed[partList], Int32Array.from(partKernels));
      wasm.setSplit(driver, parts.length, placed[partList]);
    }
    if (plan) {
      const aligned = (at: number) => (placed[at] + 63) & ~63;
      place(wasm.memory.buffer, placed[sharedList], Int32Array.from(sharedKernels));
      wasm.setSharedVector(driver, placed[sharedList], plan.sharedRows, plan.sharedRows / 2, aligned(exchange), exchangeParity, aligned(words));
    }
    // nothing allocates in the instance from here on
    this.whole = whole.views(wasm, wholeKernel, Array.from({ length: sessions }, (_, s) => s));
    const plainViews = parts.map((part, t) => part.views(wasm, partKernels[t], partLanes[t]));
    const shared = plan ? splitParts(sharedParts.map((part, t) => part.views(wasm, sharedKernels[t], plan.lanes[t])), sessions, 0.5) : null;
    this.split = splitting ? { kernel: driver, plain: splitParts(plainViews, sessions, partLanes[0].length / sessions), shared } : null;
    this.schedule = attachHelpers(this, wasm, memory, driver, threads, helpers, arithmetic);
    // re-checked twice as often as the thread choice: a busy spell that sent it to the plain split
    // ends sooner (the plain split is the safe side, only ~7 % slower)
    this.sharedSchedule = shared && this.schedule ? new ThreadSchedule(SHARED_RECHECK_TRIALS) : null;
  }

  run(gains: readonly Float64Array[], x0s: readonly Float64Array[]): void {
    const p = this.params;
    const linear = p.gainFunction === 'linear' ? 1 : 0;
    const schedule = this.schedule;
    const team = schedule !== null && schedule.next();
    const split = team ? this.split : null;
    const before = team ? this.helperChunks() : 0;
    let parts: SplitParts | null = null;
    let sharedSchedule: ThreadSchedule | null = null;
    if (split) {
      // a helper asleep (after a pause: another program's turn, the host's own work) takes a while
      // to wake: the plain split gives it the calling thread's whole part to do so, the shared
      // vector only ~250 µs before the calling thread computes both parts (twice the time), so a
      // trial that finds it asleep wakes it on the plain split; the next trial takes the shared
      // vector's turn whatever the helper does then (waiting on each trial's helper would never end:
      // it finishes its smaller plain part first, and naps)
      const waking = split.shared !== null && this.sharedSchedule?.force !== 'team' && !this.wokeHelper && this.wasm.helpersAsleep(split.kernel) > 0;
      this.wokeHelper = waking;
      if (split.shared && !waking) sharedSchedule = this.sharedSchedule;
      const useShared = sharedSchedule !== null && sharedSchedule.next();
      parts = useShared ? split.shared : split.plain;
      if (split.shared) this.wasm.splitMode(split.kernel, useShared ? 1 : 0);
      for (const part of parts!.parts) interleaveSessions(gains, x0s, part, this.network.n);
      this.wasm.splitBegin(split.kernel, p.nSamples, stepLength(p), 1 / p.tau, p.r0, p.rmax - p.r0, linear);
      while (!this.wasm.splitWait(split.kernel)) {
        // the helpers' parts are not done yet (splitWait spins a little per call)
      }
    } else {
      const whole = this.whole;
      interleaveSessions(gains, x0s, whole, this.network.n);
      if (team) this.wasm.trialThreaded(whole.kernel, p.nSamples, stepLength(p), 1 / p.tau, p.r0, p.rmax - p.r0, linear);
      else this.wasm.trial(whole.kernel, p.nSamples, stepLength(p), 1 / p.tau, p.r0, p.rmax - p.r0, linear);
    }
    this.lastSplit = parts;
    // the helpers' share: their parts (session split) or their chunks of every stage (row split)
    const expected = parts ? parts.parts.length - 1 : helperChunksPerTrial(p.nSamples, this.helpers);
    const tookPart = !team || helpersTookPart(this.helperChunks() - before, expected);
    if (sharedSchedule) sharedSchedule.done(tookPart);
    schedule?.done(tookPart);
  }

  /** The kernel that holds session s's last results, and s's lane in it. */
  private holder(s: number): { views: BatchKernelViews; lane: number } {
    const split = this.lastSplit;
    if (!split) return { views: this.whole, lane: s };
    const { part, lane } = split.holder[s];
    return { views: split.parts[part], lane };
  }

  output(s: number, out: Float64Array): void {
    const { views, lane } = this.holder(s);
    const kp = views.kp;
    const view = views.outputs;
    for (let m = 0; m < out.length; m++) out[m] = view[m * kp + lane];
  }

  private deinterleave(what: 'rates' | 'states', s: number, out: Float64Array): void {
    const { views, lane } = this.holder(s);
    const view = views[what];
    if (!view) throw new Error(`BatchSimulator: construct with keep${what === 'rates' ? 'Rates' : 'States'}: true to read ${what}`);
    const kp = views.kp;
    for (let m = 0; m < out.length; m++) out[m] = view[m * kp + lane];
  }

  rates(s: number, out: Float64Array): void {
    this.deinterleave('rates', s, out);
  }

  states(s: number, out: Float64Array): void {
    this.deinterleave('states', s, out);
  }

  /** Chunks of stages (row split) or whole parts (session split) computed by the helpers so far. */
  helperChunks(): number {
    return Number(this.wasm.helperChunks(this.split ? this.split.kernel : this.whole.kernel));
  }

  helpersAsleep(): number {
    return this.wasm.helpersAsleep(this.split ? this.split.kernel : this.whole.kernel);
  }

  /**
   * Row split: the calling thread's share of a threaded stage's work (the kernel moves it trial by
   * trial toward the faster thread); setting it places the rows anew from the next trial on. A
   * session split has fixed parts: its share is its part's sessions.
   */
  mainThreadShare(): number {
    if (this.split) return (this.lastSplit ?? this.split.plain).mainShare;
    return this.wasm.threadShare(this.whole.kernel, 0);
  }

  setMainThreadShare(share: number): void {
    if (!this.split) this.wasm.setThreadShare(this.whole.kernel, share);
  }

  dispose(): void {
    if (!this.schedule) return;
    this.schedule = null;
    detachHelpers(this, this.wasm, this.split ? this.split.kernel : this.whole.kernel);
  }
}

class WasmBatchF32Engine implements BatchEngine {
  private readonly wasm: DynamicsWasmExports;
  private readonly kp: number;
  private readonly ptr: Record<'gains' | 'x0' | 'x' | 'probe' | 'acc' | 'y' | 'r' | 'readout' | 'outputs', number>;
  private readonly gainsView: Float32Array;
  private readonly x0View: Float32Array;
  private readonly outputsView: Float64Array;
  /** The interleaved inputs' layout (interleaveSessions). */
  private readonly inputs: { lanes: number[]; kp: number; gains: Float32Array; x0: Float32Array };

  constructor(
    private readonly network: Network,
    private readonly params: DynamicsParams,
    private readonly sessions: number,
  ) {
    const n = network.n;
    this.kp = (sessions + 3) & ~3;
    const block = n * this.kp;
    const wasm = instantiateDynamicsWasm();
    this.wasm = wasm;
    const sparse = splitSparse(network.W, n, network.nE);
    const f32 = (count: number) => wasm.allocate(4 * Math.max(count, 4));
    const i32 = (count: number) => wasm.allocate(4 * Math.max(count, 1));
    const eRowStart = i32(n + 1);
    const eCols = i32(sparse.eCols.length);
    const rowStart = i32(n + 1);
    const cols = i32(sparse.cols.length);
    const values = f32(sparse.values.length);
    const channels = network.readout.channels;
    this.ptr = {
      gains: f32(block),
      x0: f32(block),
      x: f32(block),
      probe: f32(block),
      acc: f32(block),
      y: f32(block),
      r: f32(block),
      readout: f32(network.readout.weights.length),
      outputs: wasm.allocate(8 * channels * params.nSamples * this.kp),
    };
    const buffer = wasm.memory.buffer;
    new Int32Array(buffer, eRowStart, n + 1).set(sparse.eRowStart);
    // Column entries as byte offsets of row j in the interleaved float32 layout (j · KP4 · 4).
    const rowBytes = this.kp * 4;
    new Int32Array(buffer, eCols, sparse.eCols.length).set(sparse.eCols.map((j) => rowBytes * j));
    new Int32Array(buffer, rowStart, n + 1).set(sparse.rowStart);
    new Int32Array(buffer, cols, sparse.cols.length).set(sparse.cols.map((j) => rowBytes * j));
    new Float32Array(buffer, values, sparse.values.length).set(sparse.values);
    new Float32Array(buffer, this.ptr.readout, network.readout.weights.length).set(network.readout.weights);
    wasm.setNetworkF32(n, eRowStart, eCols, rowStart, cols, values, sparse.sharedWeight);
    this.gainsView = new Float32Array(buffer, this.ptr.gains, block).fill(0);
    this.x0View = new Float32Array(buffer, this.ptr.x0, block).fill(0);
    this.outputsView = new Float64Array(buffer, this.ptr.outputs, channels * params.nSamples * this.kp);
    this.inputs = { lanes: Array.from({ length: sessions }, (_, s) => s), kp: this.kp, gains: this.gainsView, x0: this.x0View };
  }

  run(gains: readonly Float64Array[], x0s: readonly Float64Array[]): void {
    const kp = this.kp;
    interleaveSessions(gains, x0s, this.inputs, this.network.n);
    const p = this.params;
    const ptr = this.ptr;
    this.wasm.batchTrialF32(
      p.nSamples,
      stepLength(p),
      1 / p.tau,
      p.r0,
      p.rmax - p.r0,
      p.gainFunction === 'linear' ? 1 : 0,
      kp >> 2,
      ptr.gains,
      ptr.x0,
      ptr.x,
      ptr.probe,
      ptr.acc,
      ptr.y,
      ptr.r,
      ptr.readout,
      this.network.readout.channels,
      this.network.nE,
      ptr.outputs,
    );
  }

  output(s: number, out: Float64Array): void {
    const kp = this.kp;
    const view = this.outputsView;
    for (let m = 0; m < out.length; m++) out[m] = view[m * kp + s];
  }

  rates(): void {
    throw new Error("BatchSimulator: the 'wasm-batch-f32' kernel keeps outputs only (no rates)");
  }

  states(): void {
    throw new Error("BatchSimulator: the 'wasm-batch-f32' kernel keeps outputs only (no states)");
  }
}

class LoopBatchEngine implements BatchEngine {
  private readonly kernels: CsrJsKernel[];
  private readonly ratesBuffers: Float64Array[];
  private readonly statesBuffers: Float64Array[] | null;
  private readonly outputs: Float64Array[];

  constructor(
    private readonly network: Network,
    private readonly params: DynamicsParams,
    sessions: number,
    keepStates: boolean,
  ) {
    const size = params.nSamples * network.n;
    this.kernels = Array.from({ length: sessions }, () => new CsrJsKernel(network, params));
    this.ratesBuffers = Array.from({ length: sessions }, () => new Float64Array(size));
    this.statesBuffers = keepStates ? Array.from({ length: sessions }, () => new Float64Array(size)) : null;
    this.outputs = Array.from({ length: sessions }, () => new Float64Array(network.readout.channels * params.nSamples));
  }

  run(gains: readonly Float64Array[], x0s: readonly Float64Array[]): void {
    for (let s = 0; s < this.kernels.length; s++) {
      this.kernels[s].run(gains[s], x0s[s], this.ratesBuffers[s], this.statesBuffers ? this.statesBuffers[s] : null);
      computeOutput(this.ratesBuffers[s], this.params.nSamples, this.network.n, this.network.nE, this.network.readout, this.outputs[s]);
    }
  }

  output(s: number, out: Float64Array): void {
    out.set(this.outputs[s]);
  }

  rates(s: number, out: Float64Array): void {
    out.set(this.ratesBuffers[s]);
  }

  states(s: number, out: Float64Array): void {
    if (!this.statesBuffers) throw new Error('BatchSimulator: construct with keepStates: true to read states');
    out.set(this.statesBuffers[s]);
  }
}

function checkInputs(network: Network, params: DynamicsParams, sessions: number): void {
  const networkProblem = validateNetwork(network);
  if (networkProblem) throw new RangeError(`invalid network: ${networkProblem}`);
  const paramsProblem = validateDynamicsParams(params);
  if (paramsProblem) throw new RangeError(`invalid dynamics parameters: ${paramsProblem}`);
  if (!Number.isInteger(sessions) || sessions < 1) throw new RangeError(`sessions must be a positive integer, got ${sessions}`);
}

/**
 * Sessions from which a batch is faster per session than running the sessions one after another
 * with the single-session kernel (bench batch.crossover.n<N>.k<K> against
 * threads.crossover.n<N>.one; see preferBatched).
 */
export const BATCH_MIN_SESSIONS = 3;

/**
 * Whether `sessions` sessions of an n-neuron network should be advanced in lockstep through one
 * BatchTrialEvaluator instead of one TrialEvaluator each, for speed: a batched session gives the
 * same bits as the session alone (kernels/layout.ts), so this never changes a result, and it
 * depends on nothing but its arguments (a run repeats the same way on any machine). With helper
 * threads, a batch splits its sessions (or, below SPLIT_MIN_SESSIONS, the rows of each stage) among
 * the threads.
 */
export function preferBatched(n: number, sessions: number): boolean {
  return Number.isInteger(n) && n >= 1 && Number.isInteger(sessions) && sessions >= BATCH_MIN_SESSIONS && dynamicsWasmAvailable();
}

/**
 * Below this many neuron-sessions (n × K) a batch never uses helper threads (each stage is too
 * short to pay for the synchronisation; measured with bench threads.*, like THREADS_MIN_N).
 */
export const BATCH_THREADS_MIN_WORK = 240;

export class BatchSimulator {
  readonly network: Network;
  readonly params: DynamicsParams;
  readonly sessions: number;
  readonly kernelName: Exclude<BatchKernelName, 'auto'>;
  /** 'wasm-batch': how it multiplies and adds (./wasm/loader.ts Arithmetic). */
  readonly arithmetic: Arithmetic;
  private readonly engine: BatchEngine;
  private readonly keepRates: boolean;
  private readonly defaultX0s: Float64Array[];

  constructor(network: Network, params: DynamicsParams, sessions: number, options: BatchSimulatorOptions = {}) {
    checkInputs(network, params, sessions);
    this.network = network;
    this.params = { ...params };
    this.sessions = sessions;
    const requested = options.kernel ?? 'auto';
    this.kernelName = requested === 'auto' ? (dynamicsWasmAvailable() ? 'wasm-batch' : 'csr-loop') : requested;
    this.keepRates = options.keepRates ?? false;
    // a session alone beyond WASM_KERNEL_MAX_N runs on the TypeScript kernel ('auto' = csr), which
    // multiplies and adds separately: so does its batch then, to keep the session's bits
    this.arithmetic = resolveArithmetic(options.arithmetic ?? (network.n > WASM_KERNEL_MAX_N ? 'separate' : undefined));
    const threads = options.threads === undefined ? defaultKernelThreads() : options.threads;
    const useThreads = threads !== null && threads.helpers >= 1 && network.n * sessions >= BATCH_THREADS_MIN_WORK && sharedDynamicsAvailable();
    this.engine =
      this.kernelName === 'wasm-batch'
        ? new WasmBatchEngine(
            network,
            this.params,
            sessions,
            this.keepRates,
            options.keepStates ?? false,
            useThreads ? threads : null,
            this.arithmetic,
            options.rowPairs ?? true,
            options.sharedVector ?? true,
          )
        : this.kernelName === 'wasm-batch-f32'
          ? new WasmBatchF32Engine(network, this.params, sessions)
          : new LoopBatchEngine(network, this.params, sessions, options.keepStates ?? false);
    this.defaultX0s = Array.from({ length: sessions }, () => network.x0);
  }

  /** Integrate every session: gains[s] (length n); x0s[s] defaults to network.x0. */
  run(gains: readonly Float64Array[], x0s?: readonly Float64Array[]): void {
    const n = this.network.n;
    if (gains.length !== this.sessions) throw new RangeError(`expected gains for ${this.sessions} sessions, got ${gains.length}`);
    for (const g of gains) if (g.length < n) throw new RangeError(`gains has ${g.length} values, expected n = ${n}`);
    const starts = x0s ?? this.defaultX0s;
    if (starts.length !== this.sessions) throw new RangeError(`expected x0 for ${this.sessions} sessions, got ${starts.length}`);
    for (const x0 of starts) if (x0.length < n) throw new RangeError(`x0 has ${x0.length} values, expected n = ${n}`);
    this.engine.run(gains, starts);
  }

  /** Session s's output of the last run, channel-major (channels × nSamples). */
  output(s: number, out?: Float64Array): Float64Array {
    const result = out ?? new Float64Array(this.network.readout.channels * this.params.nSamples);
    this.engine.output(this.checkSession(s), result);
    return result;
  }

  /** Session s's rates (nSamples × n, time-major); needs keepRates. */
  rates(s: number, out?: Float64Array): Float64Array {
    if (!this.keepRates && this.kernelName === 'wasm-batch') {
      throw new Error('BatchSimulator: construct with keepRates: true to read rates');
    }
    const result = out ?? new Float64Array(this.params.nSamples * this.network.n);
    this.engine.rates(this.checkSession(s), result);
    return result;
  }

  /** Session s's states (nSamples × n, time-major); needs keepStates. */
  states(s: number, out?: Float64Array): Float64Array {
    const result = out ?? new Float64Array(this.params.nSamples * this.network.n);
    this.engine.states(this.checkSession(s), result);
    return result;
  }

  /** Whether trials run with helper threads, and how (null: one thread). */
  get threadSchedule(): ThreadSchedule | null {
    return this.engine.schedule ?? null;
  }

  /**
   * Whether a trial on the helpers splits the sessions with a shared session vector ('team') or
   * by whole vectors ('solo'), and how (null: no shared-vector split; see options.sharedVector).
   */
  get sharedVectorSchedule(): ThreadSchedule | null {
    return this.engine.sharedSchedule ?? null;
  }

  /** Chunks of stages computed by helper threads so far (0 without helpers). */
  helperChunks(): number {
    return this.engine.helperChunks?.() ?? 0;
  }

  /**
   * Helper threads napping or asleep between trials now (0 without helpers): read only, for tests
   * of what a trial does when it finds the helper asleep (WasmBatchEngine.run, `waking`).
   */
  helpersAsleep(): number {
    return this.engine.helpersAsleep?.() ?? 0;
  }

  /** The calling thread's share of a threaded stage's work (1 without helpers); see WasmKernel. */
  mainThreadShare(): number {
    return this.engine.mainThreadShare?.() ?? 1;
  }

  setMainThreadShare(share: number): void {
    this.engine.setMainThreadShare?.(share);
  }

  /** Gives helper threads back (the WebAssembly memory goes with the object, garbage collected). */
  dispose(): void {
    this.engine.dispose?.();
  }

  private checkSession(s: number): number {
    if (!Number.isInteger(s) || s < 0 || s >= this.sessions) throw new RangeError(`session ${s} out of range 0..${this.sessions - 1}`);
    return s;
  }
}

/**
 * K sessions' errors in one batched pass: the batch counterpart of TrialEvaluator.
 * targets: one target for all sessions, or one per session (channel-major each).
 */
export class BatchTrialEvaluator {
  readonly simulator: BatchSimulator;
  readonly sessions: number;
  private readonly targets: Float64Array[];
  private readonly outputBuffer: Float64Array;
  /** Session-trials evaluated so far (K per call). */
  trials = 0;

  constructor(
    network: Network,
    params: DynamicsParams,
    targets: Float64Array | readonly Float64Array[],
    sessions: number,
    options: BatchSimulatorOptions = {},
  ) {
    this.simulator = new BatchSimulator(network, params, sessions, options);
    this.sessions = sessions;
    const expected = network.readout.channels * params.nSamples;
    const list = targets instanceof Float64Array ? Array.from({ length: sessions }, () => targets) : [...targets];
    if (list.length !== sessions) throw new RangeError(`expected ${sessions} targets, got ${list.length}`);
    for (const t of list) if (t.length !== expected) throw new RangeError(`target has ${t.length} values, expected channels × nSamples = ${expected}`);
    this.targets = list;
    this.outputBuffer = new Float64Array(expected);
  }

  setTarget(s: number, target: Float64Array): void {
    if (target.length !== this.outputBuffer.length) throw new RangeError(`target has ${target.length} values, expected ${this.outputBuffer.length}`);
    this.targets[s] = target;
  }

  /** errorsOut[s] = E(gains[s]) against target s. */
  errors(gains: readonly Float64Array[], errorsOut?: Float64Array, x0s?: readonly Float64Array[]): Float64Array {
    const errors = errorsOut ?? new Float64Array(this.sessions);
    this.simulator.run(gains, x0s);
    const channels = this.simulator.network.readout.channels;
    const nSamples = this.simulator.params.nSamples;
    for (let s = 0; s < this.sessions; s++) {
      this.simulator.output(s, this.outputBuffer);
      errors[s] = normalisedError(this.outputBuffer, this.targets[s], channels, nSamples);
    }
    this.trials += this.sessions;
    return errors;
  }

  /** Session s's output from the last errors() call. */
  output(s: number, out?: Float64Array): Float64Array {
    return this.simulator.output(s, out);
  }

  dispose(): void {
    this.simulator.dispose();
  }
}

/**
 * Copy each session's gains and x0 into a kernel's session-interleaved layout
 * (`view[i * kp + lane]`, kp = lanes padded to the SIMD width), so one pass over W serves all;
 * lane l holds session lanes[l] of the lists.
 */
function interleaveSessions(
  gains: readonly Float64Array[],
  x0s: readonly Float64Array[],
  into: { lanes: readonly number[]; kp: number; gains: Float64Array | Float32Array; x0: Float64Array | Float32Array },
  n: number,
): void {
  const { lanes, kp } = into;
  for (let lane = 0; lane < lanes.length; lane++) {
    const g = gains[lanes[lane]];
    const x0 = x0s[lanes[lane]];
    for (let i = 0; i < n; i++) {
      into.gains[i * kp + lane] = g[i];
      into.x0[i * kp + lane] = x0[i];
    }
  }
}
