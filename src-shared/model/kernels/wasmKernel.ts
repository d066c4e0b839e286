/**
 * The single-session WebAssembly kernels (assembly/dynamics.ts, kind PAIRS), float64 throughout:
 *  - 'wasm-pairs': one thread, the module with its own memory;
 *  - 'wasm-threads': the threads build on a shared memory, with the helper threads of a
 *    KernelThreads (./threads.ts); each trial runs on the caller alone or with the helpers,
 *    whichever has been faster lately (ThreadSchedule) — the same bits either way.
 * W is stored as row pairs (./layout.ts) with neurons renumbered so that pair p holds slots 2p,
 * 2p+1: every per-neuron operation of a stage is one f64x2 op per pair, fused into the pass that
 * forms W·r. Rates use the Padé-based tanh (few-ulp error). States agree with the reference to
 * ~1e-15 relative and with every other fast kernel bit for bit (./layout.ts).
 */
import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { stepLength } from '../params.js';
import { createSharedMemory, dynamicsSharedWasm, instantiateDynamicsWasm, resolveArithmetic, type Arithmetic, type DynamicsWasmExports } from '../wasm/loader.js';
import { DENSE_COLUMN_COST, denseColumns, denseColumnsPay, ROW_PAIRS_MAX_N, rowPairs, trialStages, type DenseColumns, type RowPairs } from './layout.js';
import { splitSparse } from './sparseStructure.js';
import { ThreadSchedule, type KernelThreads } from './threads.js';
import type { TrialKernel } from './types.js';

/** Column byte offsets are u16 (./layout.ts). */
export const WASM_KERNEL_MAX_N = ROW_PAIRS_MAX_N;

/** Kernel kinds of assembly/dynamics.ts. */
export const KIND_PAIRS = 0;
export const KIND_BATCH = 1;

/**
 * Chunks per thread of a threaded stage (assembly/dynamics.ts, "Threads"): each thread computes its
 * own part's chunks; a late thread's unclaimed chunks are taken by the others, and the parts are
 * moved after each trial toward the faster thread (rebalance). One chunk per part: every claim is
 * a compare-exchange, and the rebalance keeps the parts even better than finer stealing did (bench
 * threads.trial_ms p10 2.07–2.21 ms against 2.21–2.37 with 2 per part, runs alternated).
 */
export const CHUNKS_PER_THREAD = 1;

/**
 * The chunks of a kernel for `threads` threads over units of work `cost`: reserve() their room in
 * the arena (the chunk bounds, which the kernel places and moves as the threads' speeds change,
 * and the summed work), then install() them once the instance exists.
 */
export function threadChunks(cost: ArrayLike<number>, threads: number, arena: WasmArena) {
  const costPrefix = new Float64Array(cost.length + 1);
  for (let u = 0; u < cost.length; u++) costPrefix[u + 1] = costPrefix[u] + cost[u];
  const bounds = arena.reserve(4 * (threads * CHUNKS_PER_THREAD + 1));
  const prefix = arena.reserve(8 * costPrefix.length);
  return {
    install(wasm: DynamicsWasmExports, kernel: number, placed: number[]): void {
      place(wasm.memory.buffer, placed[prefix], costPrefix);
      wasm.setChunks(kernel, threads, CHUNKS_PER_THREAD, placed[bounds], placed[prefix]);
    },
  };
}

/** Where a RowPairs layout sits in an instance's memory (reserveRowPairs). */
export interface RowPairsPointers {
  eStart: number;
  eOffsets: number;
  iStart: number;
  iOffsets: number;
  iWeights: number;
  rows: number;
}

/**
 * Room for the arrays of a row-pair layout (./layout.ts RowPairs) in the arena: reserve() them,
 * then install() copies them into the instance once it exists and returns where they are.
 */
export function reserveRowPairs(pairs: RowPairs, arena: WasmArena) {
  const at = {
    eStart: arena.reserve(4 * pairs.eStart.length),
    eOffsets: arena.reserve(4 * pairs.eOffsets.length),
    iStart: arena.reserve(4 * pairs.iStart.length),
    iOffsets: arena.reserve(4 * pairs.iOffsets.length),
    iWeights: arena.reserve(8 * pairs.iWeights.length),
    rows: arena.reserve(4 * pairs.rows.length),
  };
  return {
    install(buffer: ArrayBuffer, placed: number[]): RowPairsPointers {
      const pointers: RowPairsPointers = {
        eStart: placed[at.eStart],
        eOffsets: placed[at.eOffsets],
        iStart: placed[at.iStart],
        iOffsets: placed[at.iOffsets],
        iWeights: placed[at.iWeights],
        rows: placed[at.rows],
      };
      for (const key of Object.keys(at) as (keyof typeof at)[]) place(buffer, pointers[key], pairs[key]);
      return pointers;
    },
  };
}

/**
 * Whether the helpers did their share of a threaded trial (ThreadSchedule.done): the chunks they
 * computed in it within 10 % of their own parts' (`expected`). Fewer: they came late (still
 * waking, or waiting for the calling thread's core); more: they also did the calling thread's
 * part, which was not running. Stealing at the ends of stages moves a few chunks either way.
 */
export function helpersTookPart(computed: number, expected: number): boolean {
  return Math.abs(computed - expected) <= 0.1 * expected;
}

/** The chunks `helpers` helper threads compute in one row-split trial of `nSamples` samples when all take part. */
export const helperChunksPerTrial = (nSamples: number, helpers: number): number => trialStages(nSamples) * CHUNKS_PER_THREAD * helpers;

/** Relative work of one unit: index-only E entries, weighted I entries, the fused update. */
export function unitCost(eEntries: number, iEntries: number, vectors = 1): number {
  return vectors * (eEntries + 2 * iEntries + 12);
}

/**
 * Bump allocations in a module instance, planned before the instance exists: the shared build
 * needs its memory sized up front (it never grows).
 */
export class WasmArena {
  private readonly sizes: number[] = [];
  /** Reserve `bytes`; returns the reservation's index (resolve with pointer() after place()). */
  reserve(bytes: number): number {
    this.sizes.push(Math.max(16, Math.ceil(bytes)));
    return this.sizes.length - 1;
  }
  /**
   * 64 KiB pages that hold every reservation, the module's static data and the kernel struct
   * (the static data start after the fixed rate buffers, 128 KiB: scripts/build-wasm.mjs).
   */
  pages(): number {
    const total = this.sizes.reduce((sum, size) => sum + size + 48, 0);
    return Math.ceil((total + 384 * 1024) / 65536);
  }
  /** Allocate every reservation in `wasm` (in order); returns the pointers. */
  place(wasm: DynamicsWasmExports): number[] {
    return this.sizes.map((size) => wasm.allocate(size));
  }
}

/** Copy `values` into an instance's memory at `pointer`. */
export function place(buffer: ArrayBuffer, pointer: number, values: Int32Array | Uint32Array | Float64Array): void {
  if (values instanceof Float64Array) new Float64Array(buffer, pointer, values.length).set(values);
  else if (values instanceof Uint32Array) new Uint32Array(buffer, pointer, values.length).set(values);
  else new Int32Array(buffer, pointer, values.length).set(values);
}

/**
 * A module instance for a kernel: own memory, or the threads build on a new shared memory; of the
 * builds for `arithmetic` (loader.ts: resolved already, so the helpers get the same build).
 */
export function instanceFor(arena: WasmArena, shared: boolean, arithmetic: Arithmetic): { wasm: DynamicsWasmExports; memory: object | null } {
  if (!shared) return { wasm: instantiateDynamicsWasm(arithmetic), memory: null };
  const memory = createSharedMemory(arena.pages());
  return { wasm: dynamicsSharedWasm(arithmetic).instantiate(memory), memory };
}

/** Releases the helpers of a kernel that was garbage-collected without dispose(). */
const helperRelease = new FinalizationRegistry<() => void>((release) => release());

/**
 * Start `helpers` helper threads on a kernel of the threads build (memory: its shared memory);
 * returns the schedule that decides, trial by trial, whether to use them (null when there are
 * none). The helpers are released by detachHelpers(owner, …) or when owner is garbage-collected.
 */
export function attachHelpers(
  owner: object,
  wasm: DynamicsWasmExports,
  memory: object | null,
  kernel: number,
  threads: KernelThreads | null,
  helpers: number,
  arithmetic: Arithmetic,
): ThreadSchedule | null {
  if (!threads || helpers < 1 || !memory) return null;
  const module = dynamicsSharedWasm(arithmetic).compiledModule();
  for (let h = 0; h < helpers; h++) threads.attach({ module, memory, kernel });
  helperRelease.register(owner, () => wasm.releaseHelpers(kernel), owner);
  return new ThreadSchedule(undefined, undefined, threads.budget ?? null, helpers);
}

export function detachHelpers(owner: object, wasm: DynamicsWasmExports, kernel: number): void {
  helperRelease.unregister(owner);
  wasm.releaseHelpers(kernel);
}

/**
 * Where the single-session kernels take the I entries from: the row-pair lists, dense columns
 * (./layout.ts DenseColumns), or 'auto': dense columns where they are faster (denseColumnsPay).
 * The bits are the same either way.
 */
export type IColumns = 'auto' | 'lists' | 'dense';

/**
 * Pairs layout in neuron-slot order: pair p = slots 2p, 2p+1 (slotRow maps slots back to rows),
 * and the dense I columns when they are used.
 */
function slotPairs(network: Network, iColumns: IColumns): { pairs: RowPairs; dense: DenseColumns | null; cost: Float64Array } {
  const n = network.n;
  const nPad = (n + 1) & ~1;
  const sparse = splitSparse(network.W, n, network.nE);
  // first pass for the order; then columns renumbered to the slot each neuron gets
  const order = rowPairs(sparse, nPad).rows;
  const slotOfRow = new Int32Array(n + 1);
  order.forEach((row, slot) => (slotOfRow[row] = slot));
  const slotOf = (j: number) => slotOfRow[j];
  const pairs = rowPairs(sparse, nPad, slotOf);
  const useDense = iColumns === 'dense' || (iColumns === 'auto' && denseColumnsPay(sparse, pairs));
  const dense = useDense ? denseColumns(sparse, pairs, slotOf) : null;
  const cost = Float64Array.from({ length: pairs.pairCount }, (_, p) =>
    unitCost(pairs.eStart[p + 1] - pairs.eStart[p], dense ? DENSE_COLUMN_COST * dense.columns.length : pairs.iStart[p + 1] - pairs.iStart[p]),
  );
  return { pairs, dense, cost };
}

export class WasmKernel implements TrialKernel {
  readonly name: 'wasm-pairs' | 'wasm-threads';
  readonly threadCount: number;
  /** How this kernel multiplies and adds (loader.ts Arithmetic). */
  readonly arithmetic: Arithmetic;
  /** Whether the I entries come from dense columns (IColumns). */
  readonly denseColumns: boolean;
  /** The thread choice of a threaded kernel (null: one thread, or disposed). */
  schedule: ThreadSchedule | null;
  private readonly wasm: DynamicsWasmExports;
  private readonly n: number;
  private readonly network: Network;
  private readonly params: DynamicsParams;
  private readonly threads: KernelThreads | null;
  private readonly iColumns: IColumns;
  /** The kernel the helpers are attached to (this one, or the offer split of a twin); null: none. */
  private helpersOn: number | null;
  /** A twin's offer split (assembly/dynamics.ts "Offered trials"); 0 for other kernels. */
  private readonly offerKernel: number = 0;
  /** The twin that computes offered trials, and whether one is out. */
  private twin: WasmKernel | null = null;
  private offering = false;
  private disposed = false;
  private readonly kernel: number;
  private readonly pointers: { gainsIn: number; x0In: number; gains: number; x: number; probe: number; acc: number; y: number; rA: number; rB: number; rates: number; states: number };
  private readonly gainsView: Float64Array;
  private readonly x0View: Float64Array;
  private readonly ratesView: Float64Array;
  private readonly statesView: Float64Array;

  /**
   * threads: helper threads to use ('wasm-threads'); null for the one-thread 'wasm-pairs'.
   * arithmetic: fused or separate multiply-add (default: the host's, loader.ts defaultArithmetic).
   * iColumns: where the I entries come from (IColumns; default 'auto').
   */
  constructor(
    network: Network,
    params: DynamicsParams,
    threads: KernelThreads | null = null,
    arithmetic?: Arithmetic,
    iColumns: IColumns = 'auto',
    /** Internal: the twin whose trials a helper computes (offer); its own trials never use threads. */
    offered = false,
  ) {
    const n = network.n;
    if (n > WASM_KERNEL_MAX_N) throw new RangeError(`the WebAssembly kernels handle n ≤ ${WASM_KERNEL_MAX_N} (u16 column offsets), got ${n}`);
    this.n = n;
    this.network = network;
    this.params = params;
    this.threads = threads;
    this.iColumns = iColumns;
    const helpers = threads && !offered ? Math.max(0, Math.floor(threads.helpers)) : 0;
    this.name = threads ? 'wasm-threads' : 'wasm-pairs';
    this.threadCount = 1 + helpers;
    this.arithmetic = resolveArithmetic(arithmetic);
    const nPad = (n + 1) & ~1;
    const { pairs, dense, cost } = slotPairs(network, iColumns);
    this.denseColumns = dense !== null;
    const samples = params.nSamples * n;
    const vector = 8 * (nPad + 2); // + the zero slot (and the kernel may read 2 past a lone row)

    const arena = new WasmArena();
    const chunks = threadChunks(cost, this.threadCount, arena);
    const pairsRoom = reserveRowPairs(pairs, arena);
    const at = {
      denseWeights: dense ? arena.reserve(8 * dense.weights.length) : -1,
      denseOffsets: dense ? arena.reserve(4 * dense.offsets.length) : -1,
      gainsIn: arena.reserve(8 * n),
      x0In: arena.reserve(8 * n),
      gains: arena.reserve(vector),
      x: arena.reserve(vector),
      probe: arena.reserve(vector),
      acc: arena.reserve(vector),
      y: arena.reserve(vector),
      rates: arena.reserve(8 * samples),
      states: arena.reserve(8 * samples),
      // an offered twin's split of two parts (usize[2]: none, this kernel)
      offerParts: offered ? arena.reserve(8) : -1,
    };
    const { wasm, memory } = instanceFor(arena, threads !== null, this.arithmetic);
    this.wasm = wasm;
    const placed = arena.place(wasm);
    // the rates at the module's fixed addresses (assembly/common.ts gather2); every n here fits
    const rates = { rA: wasm.fixedRates(0, vector), rB: wasm.fixedRates(1, vector) };
    if (!rates.rA || !rates.rB) throw new RangeError(`the fixed rate buffers hold ${WASM_KERNEL_MAX_N} neurons, got ${n}`);
    const ptr = (key: keyof typeof at | 'rA' | 'rB') => (key === 'rA' || key === 'rB' ? rates[key] : placed[at[key]]);
    this.kernel = wasm.newKernel();
    // every allocation is done: views stay valid from here on
    const buffer = wasm.memory.buffer;
    const lists = pairsRoom.install(buffer, placed);
    for (const key of ['gains', 'x', 'probe', 'acc', 'y', 'rA', 'rB'] as const) new Float64Array(buffer, ptr(key), nPad + 2).fill(0);
    // the pair rows are the slot → neuron map (slotRow)
    wasm.setLayout(this.kernel, KIND_PAIRS, n, pairs.pairCount, 1, pairs.sharedWeight, lists.eStart, lists.eOffsets, lists.iStart, lists.iOffsets, lists.iWeights, lists.rows);
    if (dense) {
      place(buffer, ptr('denseWeights'), dense.weights);
      place(buffer, ptr('denseOffsets'), dense.offsets);
      wasm.setDenseColumns(this.kernel, ptr('denseWeights'), dense.columns.length, ptr('denseOffsets'));
    }
    chunks.install(wasm, this.kernel, placed);
    this.pointers = {
      gainsIn: ptr('gainsIn'),
      x0In: ptr('x0In'),
      gains: ptr('gains'),
      x: ptr('x'),
      probe: ptr('probe'),
      acc: ptr('acc'),
      y: ptr('y'),
      rA: ptr('rA'),
      rB: ptr('rB'),
      rates: ptr('rates'),
      states: ptr('states'),
    };
    this.gainsView = new Float64Array(buffer, ptr('gainsIn'), n);
    this.x0View = new Float64Array(buffer, ptr('x0In'), n);
    this.ratesView = new Float64Array(buffer, ptr('rates'), samples);
    this.statesView = new Float64Array(buffer, ptr('states'), samples);

    if (offered) {
      this.offerKernel = wasm.newKernel();
      new Uint32Array(buffer, ptr('offerParts'), 2).set([0, this.kernel]);
      wasm.setSplit(this.offerKernel, 2, ptr('offerParts'));
      this.helpersOn = attachHelpers(this, wasm, memory, this.offerKernel, threads, 1, this.arithmetic) ? this.offerKernel : null;
      this.schedule = null;
    } else {
      this.schedule = attachHelpers(this, wasm, memory, this.kernel, threads, helpers, this.arithmetic);
      this.helpersOn = this.schedule ? this.kernel : null;
    }
  }

  run(gains: Float64Array, x0: Float64Array, ratesOut: Float64Array | null, statesOut: Float64Array | null): Float64Array {
    const p = this.params;
    this.loadTrial(gains, x0, statesOut !== null);
    const wasm = this.wasm;
    const linear = p.gainFunction === 'linear' ? 1 : 0;
    // while a trial is offered its helper has the other core: this one runs on the calling thread
    const schedule = this.offering ? null : this.schedule;
    let tookPart = true;
    if (schedule && schedule.next()) {
      const before = this.helperChunks();
      wasm.trialThreaded(this.kernel, p.nSamples, stepLength(p), 1 / p.tau, p.r0, p.rmax - p.r0, linear);
      tookPart = helpersTookPart(this.helperChunks() - before, helperChunksPerTrial(p.nSamples, this.threadCount - 1));
    } else {
      wasm.trial(this.kernel, p.nSamples, stepLength(p), 1 / p.tau, p.r0, p.rmax - p.r0, linear);
    }
    schedule?.done(tookPart);
    if (statesOut) statesOut.set(this.statesView);
    if (ratesOut) {
      ratesOut.set(this.ratesView);
      return ratesOut;
    }
    return this.ratesView;
  }

  /** Chunks of stages computed by helper threads so far (0 without helpers). */
  helperChunks(): number {
    return Number(this.wasm.helperChunks(this.kernel));
  }

  /**
   * The calling thread's share of a threaded stage's work (the kernel moves it trial by trial
   * toward the faster thread); setting it places the rows anew from the next trial on.
   */
  mainThreadShare(): number {
    return this.wasm.threadShare(this.kernel, 0);
  }

  setMainThreadShare(share: number): void {
    this.wasm.setThreadShare(this.kernel, share);
  }

  /**
   * Start a trial of `gains` on a helper thread, to run while the calling thread does its own work
   * (a trial of this kernel, run(), or of any other); then collect() it. It runs on a twin of this
   * kernel (made on the first offer: same network and parameters, its own memory and helper), so it
   * gives the bits run() gives. False — nothing started — without helper threads, while another
   * offer is out, when the core budget has no free core, or before the twin's helper has started.
   */
  offer(gains: Float64Array, x0: Float64Array): boolean {
    if (!this.threads || this.offering || this.disposed) return false;
    this.twin ??= new WasmKernel(this.network, this.params, this.threads, this.arithmetic, this.iColumns, true);
    this.offering = this.twin.beginOffered(gains, x0);
    return this.offering;
  }

  /**
   * After offer() returned true and the caller's own work: the offered trial's rates (copied into
   * ratesOut when given, else the twin's buffer, valid until the next offer), or null when its
   * helper had not begun it — then it is withdrawn, never computed, and nobody waits for it.
   */
  collect(ratesOut: Float64Array | null = null): Float64Array | null {
    if (!this.offering || !this.twin) return null;
    this.offering = false;
    const rates = this.twin.endOffered();
    if (!rates || !ratesOut) return rates;
    ratesOut.set(rates);
    return ratesOut;
  }

  /** A trial's gains and initial state into the kernel's memory, and its buffers (states only when wanted). */
  private loadTrial(gains: Float64Array, x0: Float64Array, withStates: boolean): void {
    const ptr = this.pointers;
    this.gainsView.set(gains.subarray(0, this.n));
    this.x0View.set(x0.subarray(0, this.n));
    this.wasm.setBuffers(this.kernel, ptr.gainsIn, ptr.x0In, ptr.gains, ptr.x, ptr.probe, ptr.acc, ptr.y, ptr.rA, ptr.rB, ptr.rates, withStates ? ptr.states : 0);
  }

  /** The twin's side of offer(): publish the trial for its helper if it has joined and a core is free. */
  private beginOffered(gains: Float64Array, x0: Float64Array): boolean {
    if (this.offerKernel === 0 || this.helpersOn === null) return false;
    const budget = this.threads?.budget ?? null;
    if (budget && !budget.tryTake(1)) return false;
    const p = this.params;
    this.loadTrial(gains, x0, false);
    const linear = p.gainFunction === 'linear' ? 1 : 0;
    if (this.wasm.splitOffer(this.offerKernel, p.nSamples, stepLength(p), 1 / p.tau, p.r0, p.rmax - p.r0, linear)) return true;
    budget?.give(1);
    return false;
  }

  private endOffered(): Float64Array | null {
    const withdrawn = this.wasm.splitWithdraw(this.offerKernel) === 1;
    if (!withdrawn) {
      while (!this.wasm.splitWait(this.offerKernel)) {
        // the helper is computing the offered trial (splitWait spins a little per call)
      }
    }
    this.threads?.budget?.give(1);
    return withdrawn ? null : this.ratesView;
  }

  /** Give the helper threads back (they finish the chunk they are on); later runs use one thread. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.offering) this.collect();
    this.twin?.dispose();
    this.twin = null;
    this.schedule = null;
    if (this.helpersOn === null) return;
    detachHelpers(this, this.wasm, this.helpersOn);
    this.helpersOn = null;
  }
}
