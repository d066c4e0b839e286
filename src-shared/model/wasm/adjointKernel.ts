/**
 * Host side of the WebAssembly gradient kernel (assembly/adjoint.ts, embedded in ./adjointWasm.ts):
 * the taped RK4 forward and its exact discrete adjoint for a fixed W (plus an optional rank-1 term
 * u vᵀ), float64 throughout. ../gradient.ts (RK4Adjoint) uses it automatically and keeps its
 * TypeScript path as the reference; this file only moves data in and out.
 *
 * W and Wᵀ are both stored in the row-pair layout of the single-session simulation kernels
 * (../kernels/layout.ts): rows sorted by length and paired, the two rows of a pair in the two
 * f64x2 lanes, u16 column byte offsets (so n ≤ ADJOINT_WASM_MAX_N), shared E weight as index sums,
 * each row summed in the order every fast kernel uses.
 *
 * Loading mirrors ./loader.ts (synchronous compile on first use; a browser main thread needs
 * preloadAdjointWasm() first). When WebAssembly SIMD is unavailable adjointWasmAvailable() is false
 * and RK4Adjoint stays on its TypeScript path.
 */
import { ROW_PAIRS_MAX_N, rowPairs, trialStages, type RowPairs } from '../kernels/layout.js';
import type { SplitSparse } from '../kernels/sparseStructure.js';
import { ThreadSchedule, type CoreBudget, type KernelThreads } from '../kernels/threads.js';
import { adjointSharedWasmBase64 } from './adjointSharedWasm.js';
import { adjointWasmBase64 } from './adjointWasm.js';
import { createSharedMemory, embeddedWasmModule, sharedMemoryAvailable, type WasmMemory } from './loader.js';

/** Column byte offsets j·8 are stored as u16 (../kernels/layout.ts). */
export const ADJOINT_WASM_MAX_N = ROW_PAIRS_MAX_N;

/** The exports of assembly/adjoint.ts. Pointers are byte offsets into `memory`. */
export interface AdjointWasmExports {
  memory: WasmMemory;
  allocate(bytes: number): number;
  setPairs(
    transpose: number,
    pairCount: number,
    rows: number,
    eStart: number,
    eOffsets: number,
    iStart: number,
    iOffsets: number,
    iWeights: number,
    sharedWeight: number,
  ): void;
  setup(n: number, nE: number, nSteps: number, channels: number, h: number, invTau: number, cNeg: number, cPos: number, linear: number): void;
  pointer(which: number): number;
  forward(rankOne: number): void;
  backward(rankOne: number, cotangents: number): void;
  setDense(on: number): void;
  outerProducts(cotangents: number, out: number): void;
  /** Threads (the shared build; the own-memory build runs them on one thread): see assembly/adjoint.ts. */
  setThreads(parts: number, wBounds: number, tBounds: number): number;
  forwardThreaded(rankOne: number): void;
  backwardThreaded(rankOne: number, cotangents: number): void;
  outerProductsThreaded(cotangents: number, out: number): void;
  /** A whole forward (0) or backward (1) pass offered to a helper; collectPass waits for it (assembly/adjoint.ts "Offered passes"). */
  offerPass(backwardPass: number, cotangents: number): number;
  collectPass(): number;
  helperParts(): bigint;
  releaseHelpers(): void;
}

/** pointer(which) indices of assembly/adjoint.ts. */
const Slot = {
  TapeY: 0,
  TapeR: 1,
  Gains: 2,
  U: 3,
  V: 4,
  Beta: 5,
  Offsets: 6,
  Output: 7,
  Residual: 8,
  Lambda: 9,
  GainGrad: 10,
  UGrad: 11,
  VGrad: 12,
  DenseW: 13,
  DenseWT: 14,
} as const;
type Slot = (typeof Slot)[keyof typeof Slot];

const adjointWasm = embeddedWasmModule<AdjointWasmExports>('adjoint', adjointWasmBase64);
/** Compile asynchronously (needed once on a browser main thread); resolves to availability. */
export const preloadAdjointWasm = (): Promise<boolean> => adjointWasm.preload();
export const adjointWasmAvailable = (): boolean => adjointWasm.available();
export const adjointWasmUnavailableReason = (): string | null => adjointWasm.unavailableReason();
/** A fresh instance with its own memory. */
export const instantiateAdjointWasm = (): AdjointWasmExports => adjointWasm.instantiate();
/**
 * The same kernel built with threads on an imported shared memory (scripts/build-wasm.mjs): a
 * gradient pass on every core, with the helper threads of a KernelThreads (../kernels/threads.ts).
 */
export const adjointSharedWasm = embeddedWasmModule<AdjointWasmExports>('adjointShared', adjointSharedWasmBase64);
/** True when shared WebAssembly memory can be created here and the threads build compiles. */
export function sharedAdjointAvailable(): boolean {
  return sharedMemoryAvailable() && adjointSharedWasm.available();
}

/**
 * Below this n a gradient pass never uses helper threads: each product is too short to pay for
 * the synchronisation. Set like the trial's ../kernels/index.ts THREADS_MIN_N (measured there);
 * the gradient's own crossover is not measured yet (bench gradient.threads.* runs at N = 200).
 */
export const ADJOINT_THREADS_MIN_N = 120;

/** Largest shared memory a threaded kernel reserves (64 KiB pages: 1 GiB); beyond, one thread. */
const ADJOINT_SHARED_MAX_PAGES = 16384;

/** Releases the helpers of a kernel that was garbage-collected without release(). */
const helperRelease = new FinalizationRegistry<() => void>((release) => release());

export interface AdjointKernelSetup {
  n: number;
  nE: number;
  nSamples: number;
  /** channels × (1 + nE): offset first, then β (../network.ts Readout.weights) */
  readoutWeights: Float64Array;
  channels: number;
  stepSize: number;
  tau: number;
  r0: number;
  rmax: number;
  linear: boolean;
  /**
   * The weights: split-sparse forms of W and Wᵀ (../kernels/sparseStructure.ts) for the row-pair
   * products, or W itself (n × n row-major) for dense products (then setDenseWeights changes W
   * in place).
   */
  weights: { sparse: SplitSparse; transposed: SplitSparse } | { dense: Float64Array };
  /**
   * Helper threads for the passes (null/absent: one thread). Used when there is at least one
   * helper and shared memory; each pass then runs with them or alone, whichever has lately been
   * faster (ThreadSchedule) — the same bits either way.
   */
  threads?: KernelThreads | null;
}

/**
 * One problem (network, readout, step) in its own WebAssembly instance. The views below alias the
 * instance memory; every method re-creates them when the memory has grown (only allocateCotangents
 * allocates after setup).
 */
export class AdjointWasmKernel {
  readonly n: number;
  readonly nPad: number;
  /** Doubles between tape rows (nPad + 2: the pair layout's zero slot follows each row). */
  readonly rowStride: number;
  /** Tape rows: 4·nSteps + 1 (row 4k + s = stage s of step k; row 4k = sample k). */
  readonly tapeRows: number;
  readonly nSamples: number;
  readonly channels: number;
  private readonly wasm: AdjointWasmExports;
  private readonly slots: number[];
  /** Dense products (W and Wᵀ as nPad × nPad blocks) instead of row pairs. */
  readonly dense: boolean;
  private cotangentsPtr = 0;
  private weightGradientPtr = 0;
  private buffer: ArrayBuffer | null = null;
  private viewCache: AdjointKernelViews | null = null;
  /** With helper threads: when each kind of pass uses them (null: one thread). */
  private readonly schedules: { forward: ThreadSchedule; backward: ThreadSchedule; outer: ThreadSchedule } | null = null;
  /** The cores shared with other runs (an offered pass takes one while it is out). */
  private readonly budget: CoreBudget | null = null;
  /** An offered pass is out (offerForward/offerBackward until collect). */
  private offered = false;

  constructor(setup: AdjointKernelSetup) {
    const { n, nE, nSamples, channels } = setup;
    if (n > ADJOINT_WASM_MAX_N) throw new RangeError(`the adjoint wasm kernel handles n ≤ ${ADJOINT_WASM_MAX_N}, got ${n}`);
    this.n = n;
    this.nPad = (n + 1) & ~1;
    this.rowStride = this.nPad + 2;
    this.nSamples = nSamples;
    this.tapeRows = trialStages(nSamples);
    this.channels = channels;
    const threads = setup.threads ?? null;
    const helpers = threads ? Math.max(0, Math.floor(threads.helpers)) : 0;
    // threads need the whole problem in a shared memory up front (it never grows): not for huge ones
    const pages = helpers > 0 && sharedAdjointAvailable() ? sharedPages(setup) : 0;
    const memory = pages > 0 && pages <= ADJOINT_SHARED_MAX_PAGES ? createSharedMemory(pages) : null;
    const wasm = memory ? adjointSharedWasm.instantiate(memory) : instantiateAdjointWasm();
    this.wasm = wasm;
    wasm.setup(n, nE, nSamples - 1, channels, setup.stepSize, 1 / setup.tau, setup.r0, setup.rmax - setup.r0, setup.linear ? 1 : 0);
    const weights = setup.weights;
    this.dense = 'dense' in weights;
    // threaded: each thread's rows, and rows paired within them (see assembly/adjoint.ts "Threads")
    const parts = memory ? 1 + helpers : 1;
    const bounds =
      'dense' in weights
        ? Array(2).fill(rowBounds(this.nPad, parts, () => 1))
        : [weights.sparse, weights.transposed].map((m) => rowBounds(this.nPad, parts, (row) => rowCost(m, row)));
    if ('dense' in weights) {
      wasm.setDense(1);
    } else {
      const placed = [weights.sparse, weights.transposed].map((m, t) => placePairs(wasm, rowPairs(m, this.nPad, undefined, memory ? bounds[t] : undefined)));
      placed.forEach((place, transpose) => place(transpose));
    }
    this.slots = Array.from({ length: 15 }, (_, which) => wasm.pointer(which));
    if ('dense' in weights) this.setDenseWeights(weights.dense);
    // Readout: offsets b_c and β rows (zero from nE on: the kernel sums nE rounded up to even).
    const { beta, offsets } = this.views();
    const stride = 1 + nE;
    for (let c = 0; c < channels; c++) {
      offsets[c] = setup.readoutWeights[c * stride];
      for (let i = 0; i < nE; i++) beta[c * this.nPad + i] = setup.readoutWeights[c * stride + 1 + i];
    }
    if (memory && threads) {
      // the cotangent tape and ∂E/∂W too: the shared memory never grows
      this.cotangentsPtr = wasm.allocate(8 * this.tapeRows * this.rowStride);
      this.weightGradientPtr = wasm.allocate(8 * this.nPad * this.nPad);
      this.viewCache = null;
      const [wBounds, tBounds] = bounds.map((b) => {
        const pointer = wasm.allocate(4 * b.length);
        new Int32Array(wasm.memory.buffer, pointer, b.length).set(b);
        return pointer;
      });
      const context = wasm.setThreads(parts, wBounds, tBounds);
      const module = adjointSharedWasm.compiledModule();
      for (let h = 0; h < helpers; h++) threads.attach({ module, memory, kernel: context });
      helperRelease.register(this, () => wasm.releaseHelpers(), this);
      const budget = threads.budget ?? null;
      this.budget = budget;
      this.schedules = {
        forward: new ThreadSchedule(undefined, undefined, budget, helpers),
        backward: new ThreadSchedule(undefined, undefined, budget, helpers),
        outer: new ThreadSchedule(undefined, undefined, budget, helpers),
      };
    }
  }

  /** Whether passes may use helper threads. */
  get threaded(): boolean {
    return this.schedules !== null;
  }

  /** Parts of passes computed by helper threads so far (0 without helpers). */
  helperParts(): number {
    return this.schedules ? Number(this.wasm.helperParts()) : 0;
  }

  /** Fix when passes use the helpers ('team': always, 'solo': never; null: measure). Tests, bench. */
  forceThreads(mode: 'team' | 'solo' | null): void {
    if (!this.schedules) return;
    for (const schedule of Object.values(this.schedules)) schedule.force = mode;
  }

  /** Hand the helper threads back (the kernel then runs on its own thread only). */
  release(): void {
    if (!this.schedules) return;
    if (this.offered) this.collect();
    helperRelease.unregister(this);
    this.wasm.releaseHelpers();
  }

  /**
   * Passes on the calling thread only, whatever the schedules say (set while another kernel's
   * offered pass has the other core: GradientProblem's conditions side by side).
   */
  oneThread = false;

  /** run(team) on the helpers or alone, as `schedule` decides (one thread without helpers). */
  private scheduled(schedule: ThreadSchedule | undefined, run: (team: boolean) => void): void {
    if (!schedule || this.oneThread) return run(false);
    const team = schedule.next();
    run(team);
    schedule.done();
  }

  /** Live views of the instance memory (re-created after memory growth). */
  views(): AdjointKernelViews {
    const buffer = this.wasm.memory.buffer;
    if (this.viewCache && this.buffer === buffer) return this.viewCache;
    const f64 = (slot: Slot, length: number) => new Float64Array(buffer, this.slots[slot], length);
    const nPad = this.nPad;
    const samples = this.channels * this.nSamples;
    this.buffer = buffer;
    this.viewCache = {
      tapeY: f64(Slot.TapeY, this.tapeRows * this.rowStride),
      tapeR: f64(Slot.TapeR, this.tapeRows * this.rowStride),
      x0: f64(Slot.TapeY, nPad),
      gains: f64(Slot.Gains, nPad),
      u: f64(Slot.U, nPad),
      v: f64(Slot.V, nPad),
      beta: f64(Slot.Beta, this.channels * nPad),
      offsets: f64(Slot.Offsets, this.channels),
      output: f64(Slot.Output, samples),
      residual: f64(Slot.Residual, samples),
      lambda: f64(Slot.Lambda, nPad),
      gainGrad: f64(Slot.GainGrad, nPad),
      uGrad: f64(Slot.UGrad, nPad),
      vGrad: f64(Slot.VGrad, nPad),
      cotangents: this.cotangentsPtr ? new Float64Array(buffer, this.cotangentsPtr, this.tapeRows * this.rowStride) : null,
      denseW: this.dense ? f64(Slot.DenseW, nPad * nPad) : null,
      denseWT: this.dense ? f64(Slot.DenseWT, nPad * nPad) : null,
      weightGradient: this.weightGradientPtr ? new Float64Array(buffer, this.weightGradientPtr, nPad * nPad) : null,
    };
    return this.viewCache;
  }

  /** Dense kernels only: the W of the following passes (n × n row-major), copied with Wᵀ. */
  setDenseWeights(W: Float64Array): void {
    if (!this.dense) throw new Error('AdjointWasmKernel.setDenseWeights: this kernel stores W as row pairs');
    const n = this.n;
    const nPad = this.nPad;
    const { denseW, denseWT } = this.views();
    for (let i = 0; i < n; i++) {
      const row = i * n;
      denseW!.set(W.subarray(row, row + n), i * nPad);
      for (let j = 0; j < n; j++) denseWT![j * nPad + i] = W[row + j];
    }
  }

  /**
   * Integrate from x0 with gains (and u vᵀ when rankOne is given); fills the tape and the output
   * view (channel-major channels × nSamples).
   */
  forward(x0: Float64Array, gains: Float64Array, rankOne?: { u: Float64Array; v: Float64Array }): void {
    this.notOffered('forward');
    const n = this.n;
    const views = this.views();
    views.x0.set(x0.subarray(0, n));
    views.gains.set(gains.subarray(0, n));
    if (rankOne) {
      views.u.set(rankOne.u.subarray(0, n));
      views.v.set(rankOne.v.subarray(0, n));
    }
    // the rank-1 term runs on one thread (assembly/adjoint.ts): no helpers to schedule
    if (rankOne) this.wasm.forward(1);
    else this.scheduled(this.schedules?.forward, (team) => (team ? this.wasm.forwardThreaded(0) : this.wasm.forward(0)));
  }

  /**
   * The adjoint of the last forward, given the scaled residuals 2(m − m*)/D in views().residual.
   * Leaves ∂E/∂x0 in lambda, ∂E/∂g in gainGrad, (rankOne) ∂E/∂u, ∂E/∂v in uGrad, vGrad and, with
   * cotangents, k̄_s/τ per tape row in views().cotangents (rows 0..4·nSteps−1).
   */
  backward(rankOne: boolean, cotangents: boolean): void {
    this.notOffered('backward');
    if (cotangents && !this.cotangentsPtr) {
      this.cotangentsPtr = this.wasm.allocate(8 * this.tapeRows * this.rowStride);
      this.viewCache = null;
    }
    const tape = cotangents ? this.cotangentsPtr : 0;
    if (rankOne) this.wasm.backward(1, tape);
    else this.scheduled(this.schedules?.backward, (team) => (team ? this.wasm.backwardThreaded(0, tape) : this.wasm.backward(0, tape)));
  }

  /**
   * forward(x0, gains) (no rank-1 term) as a whole pass on a helper thread, while the caller does
   * other work — another condition's pass on another kernel; then collect(). False (nothing
   * started) without helpers, before one has joined, or when the core budget has no core free.
   */
  offerForward(x0: Float64Array, gains: Float64Array): boolean {
    if (!this.offerBegins()) return false;
    const n = this.n;
    const views = this.views();
    views.x0.set(x0.subarray(0, n));
    views.gains.set(gains.subarray(0, n));
    return this.offerEnds(this.wasm.offerPass(0, 0));
  }

  /** backward(false, false) (residuals in views().residual) as a whole pass on a helper; then collect(). */
  offerBackward(): boolean {
    if (!this.offerBegins()) return false;
    return this.offerEnds(this.wasm.offerPass(1, 0));
  }

  /**
   * After offerForward/offerBackward returned true and the caller's own work: the pass is done
   * (computed here if its helper had not begun it). Whether a helper computed it.
   */
  collect(): boolean {
    if (!this.offered) throw new Error('AdjointWasmKernel.collect: nothing offered');
    this.offered = false;
    const byHelper = this.wasm.collectPass() === 1;
    this.budget?.give(1);
    return byHelper;
  }

  private notOffered(what: string): void {
    if (this.offered) throw new Error(`AdjointWasmKernel.${what}: an offered pass is out (collect it first)`);
  }

  private offerBegins(): boolean {
    if (!this.schedules || this.offered) return false;
    return !this.budget || this.budget.tryTake(1);
  }

  private offerEnds(published: number): boolean {
    if (published === 1) return (this.offered = true);
    this.budget?.give(1);
    return false;
  }

  /** ∂E/∂W (n × n) of the last backward, which must have recorded the cotangents. */
  weightGradient(out: Float64Array): void {
    if (!this.cotangentsPtr) throw new Error('AdjointWasmKernel.weightGradient: run backward with cotangents first');
    if (!this.weightGradientPtr) {
      this.weightGradientPtr = this.wasm.allocate(8 * this.nPad * this.nPad);
      this.viewCache = null;
    }
    const [tape, product] = [this.cotangentsPtr, this.weightGradientPtr];
    this.scheduled(this.schedules?.outer, (team) => (team ? this.wasm.outerProductsThreaded(tape, product) : this.wasm.outerProducts(tape, product)));
    const gradient = this.views().weightGradient!;
    const n = this.n;
    for (let i = 0; i < n; i++) out.set(gradient.subarray(i * this.nPad, i * this.nPad + n), i * n);
  }
}

export interface AdjointKernelViews {
  /** Stage states, tapeRows × rowStride. */
  tapeY: Float64Array;
  /** f(stage states), same layout. */
  tapeR: Float64Array;
  /** Tape row 0 (the forward's x0 is written here). */
  x0: Float64Array;
  gains: Float64Array;
  u: Float64Array;
  v: Float64Array;
  beta: Float64Array;
  offsets: Float64Array;
  output: Float64Array;
  residual: Float64Array;
  lambda: Float64Array;
  gainGrad: Float64Array;
  uGrad: Float64Array;
  vGrad: Float64Array;
  cotangents: Float64Array | null;
  /** Dense kernels: W and Wᵀ, nPad × nPad row-major (zero padding). */
  denseW: Float64Array | null;
  denseWT: Float64Array | null;
  /** ∂E/∂W, nPad × nPad, after weightGradient(). */
  weightGradient: Float64Array | null;
}

/** Work of row i of a product (index-only E entries, weighted I entries) and its element-wise rest. */
function rowCost(m: SplitSparse, row: number): number {
  if (row >= m.n) return 0;
  return m.eRowStart[row + 1] - m.eRowStart[row] + 2 * (m.rowStart[row + 1] - m.rowStart[row]) + 12;
}

/** Row bounds of `parts` parts of about equal work, at even rows (f64x2 and row pairs): i32[parts + 1]. */
export function rowBounds(nPad: number, parts: number, cost: (row: number) => number): Int32Array {
  const bounds = new Int32Array(parts + 1);
  let total = 0;
  for (let row = 0; row < nPad; row++) total += cost(row);
  let sum = 0;
  let row = 0;
  for (let t = 1; t < parts; t++) {
    const goal = (total * t) / parts;
    while (row + 2 <= nPad && sum + 0.5 * (cost(row) + cost(row + 1)) < goal) {
      sum += cost(row) + cost(row + 1);
      row += 2;
    }
    bounds[t] = row;
  }
  bounds[parts] = nPad;
  return bounds;
}

/**
 * 64 KiB pages for a kernel on a shared memory (which never grows): every buffer setup, the row
 * pairs or dense blocks, the cotangent tape and ∂E/∂W allocate, with room for the static data.
 */
function sharedPages(setup: AdjointKernelSetup): number {
  const nPad = (setup.n + 1) & ~1;
  const tape = 8 * trialStages(setup.nSamples) * (nPad + 2) + 64;
  const vectors = 32 * (8 * nPad + 64);
  const readout = 8 * setup.channels * (nPad + 2 * setup.nSamples + 4);
  let weights = 2 * 8 * nPad * nPad;
  if ('sparse' in setup.weights) {
    const entries = (m: SplitSparse) => m.eCols.length + m.cols.length;
    // per matrix: rows, starts, offsets (u32) and weights (2 × f64 per I pair entry), padded pairs
    weights = [setup.weights.sparse, setup.weights.transposed].reduce((sum, m) => sum + 24 * (entries(m) + 2 * nPad) + 64 * nPad, 0);
  }
  const total = 3 * tape + vectors + readout + weights + 8 * nPad * nPad + 256 * 1024;
  return Math.ceil(total / 65536);
}

/** Copy a row-pair matrix into the instance; returns the setPairs call (made once all is copied). */
function placePairs(wasm: AdjointWasmExports, pairs: RowPairs): (transpose: number) => void {
  const rows = wasm.allocate(4 * Math.max(pairs.rows.length, 1));
  const eStart = wasm.allocate(4 * pairs.eStart.length);
  const iStart = wasm.allocate(4 * pairs.iStart.length);
  const eOffsets = wasm.allocate(4 * Math.max(pairs.eOffsets.length, 1));
  const iOffsets = wasm.allocate(4 * Math.max(pairs.iOffsets.length, 1));
  const iWeights = wasm.allocate(8 * Math.max(pairs.iWeights.length, 2));
  return (transpose: number) => {
    const buffer = wasm.memory.buffer;
    new Int32Array(buffer, rows, pairs.rows.length).set(pairs.rows);
    new Int32Array(buffer, eStart, pairs.eStart.length).set(pairs.eStart);
    new Int32Array(buffer, iStart, pairs.iStart.length).set(pairs.iStart);
    new Uint32Array(buffer, eOffsets, pairs.eOffsets.length).set(pairs.eOffsets);
    new Uint32Array(buffer, iOffsets, pairs.iOffsets.length).set(pairs.iOffsets);
    new Float64Array(buffer, iWeights, pairs.iWeights.length).set(pairs.iWeights);
    wasm.setPairs(transpose, pairs.pairCount, rows, eStart, eOffsets, iStart, iOffsets, iWeights, pairs.sharedWeight);
  };
}
