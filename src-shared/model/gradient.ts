/**
 * Gradient training (model-spec §6): the exact discrete adjoint of the RK4 unroll that
 * ./dynamics.ts integrates, and Adam on one trainable at a time.
 *
 * Forward (identical in exact arithmetic to simulateReference), h = T/(n−1), for k = 0..n−2:
 *   y1 = x_k,            k1 = F(y1)
 *   y2 = x_k + (h/2)·k1, k2 = F(y2)
 *   y3 = x_k + (h/2)·k2, k3 = F(y3)
 *   y4 = x_k + h·k3,     k4 = F(y4)
 *   x_{k+1} = x_k + (h/6)·(k1 + 2·k2 + 2·k3 + k4),    F(y) = (−y + W f(y; g)) / τ
 * Output m_c(t_k) = b_c + Σ_{i<nE} β_ci f(x_k,i; g_i);
 * E = Σ_c Σ_k (m − m*)² / Σ_c Σ_k (m* − mean_k m*_c)².
 *
 * Adjoint. λ_k = dE/dx_k (total derivative through all later samples). With r_ck = 2(m_ck − m*_ck)/D
 * and ρ_k,i = Σ_c r_ck β_ci (i < nE), the direct readout term is a_k = f'(x_k) ⊙ ρ_k. Then
 *   λ_{n−1} = a_{n−1}, and for k = n−2..0, writing k̄_s for the cotangent of k_s:
 *     k̄4 = (h/6) λ                     ȳ4 = J(y4)ᵀ k̄4
 *     k̄3 = (h/3) λ + h ȳ4              ȳ3 = J(y3)ᵀ k̄3
 *     k̄2 = (h/3) λ + (h/2) ȳ3          ȳ2 = J(y2)ᵀ k̄2
 *     k̄1 = (h/6) λ + (h/2) ȳ2          ȳ1 = J(y1)ᵀ k̄1
 *     λ_k = λ_{k+1} + ȳ1 + ȳ2 + ȳ3 + ȳ4 + a_k
 *   where J(y)ᵀ k̄ = (−k̄ + f'(y) ⊙ Wᵀk̄) / τ.
 * Parameter gradients, summed over every stage s of every step:
 *   ∂E/∂g_i  += f_g(y_s,i) (Wᵀk̄_s)_i / τ,   plus the readout term Σ_k f_g(x_k,i) ρ_k,i (gains enter
 *              the output too, f(x_E; g_E));
 *   ∂E/∂W    += (k̄_s/τ) f(y_s)ᵀ;
 *   ∂E/∂x0    = λ_0;
 *   rank-1 W + u vᵀ:  ∂E/∂u = (∂E/∂W) v = Σ_s (k̄_s/τ)(f(y_s)·v),  ∂E/∂v = (∂E/∂W)ᵀ u = Σ_s ((k̄_s·u)/τ) f(y_s).
 * Grouped gains g_i = G[label_i]: ∂E/∂G_l = Σ_{i: label_i = l} ∂E/∂g_i.
 *
 * The tape (states at every sample, the four stage states and their rates f(y)) is preallocated
 * once per evaluator; forward and backward allocate nothing. The derivatives of f are recovered
 * from the stored rate without a second tanh: with c = r0 (y < 0) or rmax − r0 (y ≥ 0) and
 * u = f/c = tanh(g·y/c), ∂f/∂y = g(1 − u²) and ∂f/∂g = y(1 − u²) (see ./gainFunction.ts); for the
 * linear gain function ∂f/∂y = g and ∂f/∂g = y.
 *
 * Cost: the forward does the 4(n−1) products W·f(y) of a simulation, the backward 4(n−1) products
 * Wᵀk̄; the whole-W gradient adds one (4(n−1) × N)ᵀ(4(n−1) × N) matrix product. A fixed W (gains,
 * x0, rank-1 training) is stored split-sparse (the SOC structure of ./kernels/sparseStructure.ts,
 * for W and for Wᵀ), a trained W dense (W and a transposed copy, so both products are contiguous
 * dot products). The rank-1 term is never formed: W_eff·r = W·r + u(v·r), W_effᵀ·k̄ = Wᵀk̄ + v(u·k̄).
 *
 * Two implementations of forward/backward (AdjointKernelName): this file's TypeScript, the
 * reference, and a WebAssembly kernel (./wasm/adjointKernel.ts, assembly/adjoint.ts) that runs the
 * same recursion in the same operation order with f64x2 SIMD — a fixed sparse W and its transpose
 * in the row-pair layout of the 'wasm-pairs' simulation kernel, a trained (dense) W as dense
 * blocks — with the tape, readout, readout adjoint and ∂E/∂W in its own memory. 'auto' uses it
 * wherever WebAssembly SIMD is available. The two agree to ~1e-15 relative (tests assert ≤ 1e-10).
 * Published N = 200 network, one forward + adjoint pass (CPU time, bench/gradient.ts): gains
 * ~5 ms on the WebAssembly path (≈ 1.8 single-trial simulations with the default kernel) against
 * ~20–30 ms in TypeScript; the whole-W trainable ~14 ms against ~80–110 ms.
 */
import { Adam } from './adam.js';
import { ratesInto } from './gainFunction.js';
import type { Network, Readout } from './network.js';
import { validateNetwork } from './network.js';
import type { DynamicsParams } from './params.js';
import { stepLength, validateDynamicsParams } from './params.js';
import { Rng } from './rng.js';
import { splitSparse, type SplitSparse } from './kernels/sparseStructure.js';
import { defaultKernelThreads, ThreadSchedule, whileOffered, type KernelThreads } from './kernels/threads.js';
import {
  ADJOINT_THREADS_MIN_N,
  ADJOINT_WASM_MAX_N,
  AdjointWasmKernel,
  adjointWasmAvailable,
  type AdjointKernelSetup,
} from './wasm/adjointKernel.js';

export type GradientTrainable = 'gains' | 'x0' | 'W' | 'rank1';

export const GRADIENT_TRAINABLES: readonly GradientTrainable[] = ['gains', 'x0', 'W', 'rank1'];

/** Where backward() writes gradients; only the fields given are computed (each is overwritten). */
export interface AdjointGradients {
  /** ∂E/∂g per neuron, length n. */
  gains?: Float64Array;
  /** ∂E/∂x0, length n. */
  x0?: Float64Array;
  /** ∂E/∂W, n × n row-major (of the effective W the forward ran with). */
  W?: Float64Array;
  /** For W_eff = W + u vᵀ (the forward's rank-1 term): ∂E/∂u and ∂E/∂v, length n each. */
  rank1?: { uGrad: Float64Array; vGrad: Float64Array };
}

/**
 * y[i] = Σ_j M[i·n + j] x[xOffset + j] for i < n: contiguous dot products with four accumulators
 * (breaks the floating-point add latency chain; bench/gradient.ts times this path).
 */
function matVecInto(M: Float64Array, n: number, x: Float64Array, xOffset: number, y: Float64Array): void {
  const n4 = n - (n & 3);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < n4; j += 4) {
      s0 += M[row + j] * x[xOffset + j];
      s1 += M[row + j + 1] * x[xOffset + j + 1];
      s2 += M[row + j + 2] * x[xOffset + j + 2];
      s3 += M[row + j + 3] * x[xOffset + j + 3];
    }
    for (; j < n; j++) s0 += M[row + j] * x[xOffset + j];
    y[i] = s0 + s1 + (s2 + s3);
  }
}

/**
 * y[i] = Σ_j A_ij x[xOffset + j] for A in split-sparse form (./kernels/sparseStructure.ts): the
 * shared-weight entries are index sums, the rest CSR. Two accumulators per sum: measured in V8 on
 * the published W, twice as fast as four (which spill) and 35 % faster than one.
 */
function sparseMatVecInto(A: SplitSparse, x: Float64Array, xOffset: number, y: Float64Array): void {
  const { n, sharedWeight, eRowStart, eCols, rowStart, cols, values } = A;
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    let e0 = 0;
    let e1 = 0;
    const pEnd = eRowStart[i + 1];
    for (; p + 1 < pEnd; p += 2) {
      e0 += x[xOffset + eCols[p]];
      e1 += x[xOffset + eCols[p + 1]];
    }
    if (p < pEnd) {
      e0 += x[xOffset + eCols[p]];
      p++;
    }
    let s0 = 0;
    let s1 = 0;
    const qEnd = rowStart[i + 1];
    for (; q + 1 < qEnd; q += 2) {
      s0 += values[q] * x[xOffset + cols[q]];
      s1 += values[q + 1] * x[xOffset + cols[q + 1]];
    }
    if (q < qEnd) {
      s0 += values[q] * x[xOffset + cols[q]];
      q++;
    }
    y[i] = sharedWeight * (e0 + e1) + (s0 + s1);
  }
}

/**
 * Split-sparse form of Wᵀ from that of W. When W's E columns share one weight, the E rows of Wᵀ
 * do (row j < nE of Wᵀ is column j of W), so they become index sums too.
 */
function transposeSplitSparse(W: Float64Array, n: number, nE: number, split: SplitSparse): SplitSparse {
  const shared = split.sharedWeight !== 0;
  const eRowStart = new Int32Array(n + 1);
  const rowStart = new Int32Array(n + 1);
  const eCols: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const w = W[i * n + j];
      if (w === 0) continue;
      if (shared && j < nE) eCols.push(i);
      else {
        cols.push(i);
        values.push(w);
      }
    }
    eRowStart[j + 1] = eCols.length;
    rowStart[j + 1] = cols.length;
  }
  return {
    n,
    sharedWeight: split.sharedWeight,
    eRowStart,
    eCols: Int32Array.from(eCols),
    rowStart,
    cols: Int32Array.from(cols),
    values: Float64Array.from(values),
  };
}

/** How forward() multiplies by W: 'auto' = sparse when at most half the entries are non-zero. */
export type WeightStorage = 'auto' | 'dense' | 'sparse';

/**
 * Which code runs forward() and backward():
 *  - 'typescript': the reference path in this file;
 *  - 'wasm': the WebAssembly kernel (./wasm/adjointKernel.ts, assembly/adjoint.ts), n ≤
 *    ADJOINT_WASM_MAX_N; throws where WebAssembly SIMD is unavailable. Sparse storage: W and Wᵀ in
 *    the row-pair layout of the 'wasm-pairs' simulation kernel; dense storage (a trained W): W and
 *    Wᵀ as dense blocks, overwritten in place by setWeights, and the n × n gradient in SIMD too;
 *  - 'auto' (default): 'wasm' where the module is available and n ≤ ADJOINT_WASM_MAX_N, else
 *    'typescript'.
 * Both give the same E and gradients to rounding (tests/model/adjointKernel.test.ts: ≤ 1e-10
 * relative); the WebAssembly rates use the simulation kernels' Padé tanh (a few ulp).
 */
export type AdjointKernelName = 'auto' | 'wasm' | 'typescript';

export const ADJOINT_KERNEL_NAMES: readonly AdjointKernelName[] = ['auto', 'wasm', 'typescript'];

export interface RK4AdjointOptions {
  /** Default 'auto'. */
  kernel?: AdjointKernelName;
  /** Storage of the constructor's W (network.W); default 'auto'. */
  weightStorage?: WeightStorage;
  /**
   * Helper threads of the WebAssembly kernel (default the host's defaultKernelThreads(), used from
   * n ≥ ADJOINT_THREADS_MIN_N; null: one thread). Results are the same bits either way.
   */
  threads?: KernelThreads | null;
  /**
   * Keep the helper threads below ADJOINT_THREADS_MIN_N for whole passes offered to them
   * (offerForward/offerBackward: another condition's passes side by side), the row-split passes
   * then staying on one thread.
   */
  wholePasses?: boolean;
}

/** The taped TypeScript forward's arrays (allocated on the first TypeScript forward). */
interface TypescriptTape {
  states: Float64Array;
  stageStates: Float64Array;
  stageRates: Float64Array;
}

/**
 * One network's forward pass with a recorded tape, and the exact discrete adjoint of it.
 * The readout and target are fixed per instance; W, x0 and gains are arguments of forward(), so
 * any of them can be the trainable.
 */
export class RK4Adjoint {
  readonly n: number;
  readonly nE: number;
  readonly channels: number;
  readonly nSamples: number;
  readonly nSteps: number;
  readonly stepSize: number;
  readonly params: DynamicsParams;
  readonly readout: Readout;
  /** Output of the last forward, channel-major channels × nSamples. */
  readonly output: Float64Array;
  /** Which path forward/backward run: see AdjointKernelName (setWeights may switch it). */
  readonly kernelChoice: AdjointKernelName;
  private typescriptTape: TypescriptTape | null = null;
  /** The WebAssembly kernel of the current weights, when that path is in use. */
  private fast: AdjointWasmKernel | null = null;
  /** Compact copies of the WebAssembly tape for the states/stageStates/stageRates getters. */
  private tapeCopies: Partial<TypescriptTape> = {};
  /** f(x_{n−1}; g), the rates of the last sample (the others are stage 1 of each step). */
  private readonly lastRates: Float64Array;
  private target: Float64Array;
  private targetDenominator = 0;
  // The weights of setWeights(): dense copies of W and Wᵀ, or split-sparse forms of both.
  // (allocated on the first dense TypeScript setWeights)
  private denseW: Float64Array | null = null;
  private denseWT: Float64Array | null = null;
  private sparseW: SplitSparse | null = null;
  private sparseWT: SplitSparse | null = null;
  private weightsSet = false;
  private storedSparse = false;
  /** The rank-1 term u vᵀ of the last forward (null: none). */
  private readonly rankOneU: Float64Array;
  private readonly rankOneV: Float64Array;
  private hasRankOne = false;
  private readonly gains: Float64Array;
  private readonly slope: Float64Array;
  private readonly product: Float64Array;
  private readonly stageSlopes: Float64Array; // k1..k4, 4n
  // backward scratch
  private readonly adjointState: Float64Array;
  private readonly adjointAccum: Float64Array;
  private readonly stageCotangent: Float64Array;
  private readonly stageAdjoint: Float64Array;
  private readonly readoutWeightsOfSample: Float64Array; // ρ_k, nE
  private readonly residualOfSample: Float64Array; // r_ck, channels
  /** k̄_s/τ for every stage, recorded when the W gradient is requested. Allocated on first use. */
  private stageCotangentTape: Float64Array | null = null;
  private forwardDone = false;
  private lastError = NaN;
  /** Helper threads for the WebAssembly kernel (null: one thread). */
  private readonly threads: KernelThreads | null;
  /** Whether passes may split their rows among the helpers (else they serve offered passes only). */
  private readonly rowSplit: boolean;

  /** W is taken from network.W (storage options.weightStorage, default 'auto'); call setWeights to change it. */
  constructor(network: Network, params: DynamicsParams, target: Float64Array, options: RK4AdjointOptions = {}) {
    const kernel = options.kernel ?? 'auto';
    if (!ADJOINT_KERNEL_NAMES.includes(kernel)) {
      throw new RangeError(`unknown adjoint kernel '${String(kernel)}' (known: ${ADJOINT_KERNEL_NAMES.join(', ')})`);
    }
    this.kernelChoice = kernel;
    const threads = options.threads === undefined ? defaultKernelThreads() : options.threads;
    this.threads = threads && (network.n >= ADJOINT_THREADS_MIN_N || options.wholePasses) ? threads : null;
    this.rowSplit = network.n >= ADJOINT_THREADS_MIN_N;
    const networkProblem = validateNetwork(network);
    if (networkProblem) throw new RangeError(`invalid network: ${networkProblem}`);
    const paramsProblem = validateDynamicsParams(params);
    if (paramsProblem) throw new RangeError(`invalid dynamics parameters: ${paramsProblem}`);
    const n = network.n;
    this.n = n;
    this.nE = network.nE;
    this.params = { ...params };
    this.readout = network.readout;
    this.channels = network.readout.channels;
    this.nSamples = params.nSamples;
    this.nSteps = params.nSamples - 1;
    this.stepSize = stepLength(params);
    this.output = new Float64Array(this.channels * this.nSamples);
    this.lastRates = new Float64Array(n);
    this.rankOneU = new Float64Array(n);
    this.rankOneV = new Float64Array(n);
    this.gains = new Float64Array(n);
    this.slope = new Float64Array(n);
    this.product = new Float64Array(n);
    this.stageSlopes = new Float64Array(4 * n);
    this.adjointState = new Float64Array(n);
    this.adjointAccum = new Float64Array(n);
    this.stageCotangent = new Float64Array(n);
    this.stageAdjoint = new Float64Array(n);
    this.readoutWeightsOfSample = new Float64Array(this.nE);
    this.residualOfSample = new Float64Array(this.channels);
    this.target = this.checkTarget(target);
    this.targetDenominator = this.computeDenominator();
    this.setWeights(network.W, options.weightStorage ?? 'auto');
  }

  /** The path the next forward/backward take. */
  get kernel(): 'wasm' | 'typescript' {
    return this.fast ? 'wasm' : 'typescript';
  }

  /** Whether the WebAssembly kernel has helper threads, and the parts of passes they computed. */
  threadUse(): { threaded: boolean; helperParts: number } {
    return { threaded: this.fast?.threaded ?? false, helperParts: this.fast?.helperParts() ?? 0 };
  }

  /** Fix when passes use the helper threads ('team', 'solo'; null: measured). Tests and bench. */
  forceThreads(mode: 'team' | 'solo' | null): void {
    this.fast?.forceThreads(this.rowSplit ? mode : 'solo');
  }

  /** Hand the kernel's helper threads back (it then runs on its own thread). */
  release(): void {
    this.fast?.release();
  }

  private tsTape(): TypescriptTape {
    if (!this.typescriptTape) {
      const n = this.n;
      this.typescriptTape = {
        states: new Float64Array(this.nSamples * n),
        stageStates: new Float64Array(this.nSteps * 4 * n),
        stageRates: new Float64Array(this.nSteps * 4 * n),
      };
    }
    return this.typescriptTape;
  }

  /**
   * A compact (row stride n) copy of WebAssembly tape rows first, first + step, ... (count rows),
   * cached until the next forward.
   */
  private tapeCopy(key: keyof TypescriptTape, first: number, step: number, count: number): Float64Array {
    const cached = this.tapeCopies[key];
    if (cached) return cached;
    const n = this.n;
    const out = new Float64Array(count * n);
    if (this.fast && this.forwardDone) {
      const views = this.fast.views();
      const tape = key === 'stageRates' ? views.tapeR : views.tapeY;
      const stride = this.fast.rowStride;
      for (let row = 0; row < count; row++) {
        const start = (first + row * step) * stride;
        out.set(tape.subarray(start, start + n), row * n);
      }
    }
    this.tapeCopies[key] = out;
    return out;
  }

  /** Tape: x_k, nSamples × n time-major (of the last forward). */
  get states(): Float64Array {
    if (!this.fast) return this.tsTape().states;
    return this.tapeCopy('states', 0, 4, this.nSamples);
  }

  /** Tape: stage states y_s of step k at ((4k + s) · n), s = 0..3. */
  get stageStates(): Float64Array {
    if (!this.fast) return this.tsTape().stageStates;
    return this.tapeCopy('stageStates', 0, 1, 4 * this.nSteps);
  }

  /** Tape: f(y_s; g) at the same positions as stageStates. */
  get stageRates(): Float64Array {
    if (!this.fast) return this.tsTape().stageRates;
    return this.tapeCopy('stageRates', 0, 1, 4 * this.nSteps);
  }

  private checkTarget(target: Float64Array): Float64Array {
    const expected = this.channels * this.nSamples;
    if (target.length !== expected) {
      throw new RangeError(`target has ${target.length} values, expected channels × nSamples = ${expected}`);
    }
    return target;
  }

  private computeDenominator(): number {
    const nSamples = this.nSamples;
    const target = this.target;
    let denominator = 0;
    for (let c = 0; c < this.channels; c++) {
      const base = c * nSamples;
      let mean = 0;
      for (let k = 0; k < nSamples; k++) mean += target[base + k];
      mean /= nSamples;
      for (let k = 0; k < nSamples; k++) {
        const v = target[base + k] - mean;
        denominator += v * v;
      }
    }
    return denominator;
  }

  setTarget(target: Float64Array): void {
    this.target = this.checkTarget(target);
    this.targetDenominator = this.computeDenominator();
    this.forwardDone = false;
  }

  getTarget(): Float64Array {
    return this.target;
  }

  /** The error of the last forward. */
  get error(): number {
    return this.lastError;
  }

  /** Whether forward/backward use the split-sparse form of W. */
  get sparse(): boolean {
    return this.storedSparse;
  }

  /**
   * The weights of the following forward passes (copied; sparse storage is built once here, so a
   * fixed W costs nothing per pass). Dense storage copies W and Wᵀ (O(n²), small beside a pass).
   */
  setWeights(W: Float64Array, storage: WeightStorage = 'auto'): void {
    const n = this.n;
    if (W.length !== n * n) throw new RangeError(`W has ${W.length} values, expected n² = ${n * n}`);
    let useSparse = storage === 'sparse';
    if (storage === 'auto') {
      let nonZeros = 0;
      for (let i = 0; i < W.length; i++) if (W[i] !== 0) nonZeros++;
      useSparse = nonZeros <= 0.5 * W.length;
    }
    const useWasm = this.kernelChoice === 'wasm' || (this.kernelChoice === 'auto' && n <= ADJOINT_WASM_MAX_N && adjointWasmAvailable());
    if (useWasm && n > ADJOINT_WASM_MAX_N) throw new RangeError(`the 'wasm' adjoint kernel handles n ≤ ${ADJOINT_WASM_MAX_N}, got ${n}`);
    this.storedSparse = useSparse;
    this.sparseW = null;
    this.sparseWT = null;
    if (useWasm) {
      // A dense kernel keeps its instance when W changes (a trained W: one setWeights per pass).
      if (!useSparse && this.fast?.dense) this.fast.setDenseWeights(W);
      else {
        this.fast?.release();
        this.fast = this.createWasmKernel(W, useSparse);
      }
    } else {
      this.fast?.release();
      this.fast = null;
      if (useSparse) {
        this.sparseW = splitSparse(W, n, this.nE);
        this.sparseWT = transposeSplitSparse(W, n, this.nE, this.sparseW);
      } else {
        this.denseW ??= new Float64Array(n * n);
        this.denseWT ??= new Float64Array(n * n);
        const WT = this.denseWT;
        this.denseW.set(W);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) WT[j * n + i] = W[i * n + j];
      }
    }
    this.weightsSet = true;
    this.forwardDone = false;
  }

  private createWasmKernel(W: Float64Array, sparse: boolean): AdjointWasmKernel {
    const n = this.n;
    const params = this.params;
    let weights: AdjointKernelSetup['weights'] = { dense: W };
    if (sparse) {
      const split = splitSparse(W, n, this.nE);
      weights = { sparse: split, transposed: transposeSplitSparse(W, n, this.nE, split) };
    }
    const kernel = new AdjointWasmKernel({
      n,
      nE: this.nE,
      nSamples: this.nSamples,
      readoutWeights: this.readout.weights,
      channels: this.channels,
      stepSize: this.stepSize,
      tau: params.tau,
      r0: params.r0,
      rmax: params.rmax,
      linear: params.gainFunction === 'linear',
      weights,
      threads: this.threads,
    });
    if (!this.rowSplit) kernel.forceThreads('solo');
    return kernel;
  }

  /** out = W_eff · x[xOffset..], W_eff = W (+ u vᵀ when the forward has a rank-1 term). */
  private multiplyW(x: Float64Array, xOffset: number, out: Float64Array): void {
    if (this.sparseW) sparseMatVecInto(this.sparseW, x, xOffset, out);
    else matVecInto(this.denseW!, this.n, x, xOffset, out);
    if (this.hasRankOne) {
      const u = this.rankOneU;
      const v = this.rankOneV;
      let vx = 0;
      for (let j = 0; j < this.n; j++) vx += v[j] * x[xOffset + j];
      for (let i = 0; i < this.n; i++) out[i] += u[i] * vx;
    }
  }

  /** out = W_effᵀ · x (x at offset 0). */
  private multiplyWT(x: Float64Array, out: Float64Array): void {
    if (this.sparseWT) sparseMatVecInto(this.sparseWT, x, 0, out);
    else matVecInto(this.denseWT!, this.n, x, 0, out);
    if (this.hasRankOne) {
      const u = this.rankOneU;
      const v = this.rankOneV;
      let ux = 0;
      for (let i = 0; i < this.n; i++) ux += u[i] * x[i];
      for (let j = 0; j < this.n; j++) out[j] += v[j] * ux;
    }
  }

  /**
   * Integrate with the current weights (plus u vᵀ when rankOne is given), initial condition x0
   * and per-neuron gains; record the tape and the output (this.output); return E. The arrays are
   * copied where backward() needs them, so the caller may change them afterwards.
   */
  forward(x0: Float64Array, gains: Float64Array, rankOne?: { u: Float64Array; v: Float64Array }): number {
    const n = this.n;
    if (!this.weightsSet) throw new Error('RK4Adjoint.forward: setWeights first');
    if (x0.length !== n) throw new RangeError(`x0 has ${x0.length} values, expected n = ${n}`);
    if (gains.length !== n) throw new RangeError(`gains has ${gains.length} values, expected n = ${n}`);
    if (rankOne) {
      if (rankOne.u.length !== n || rankOne.v.length !== n) throw new RangeError(`rank-1 u and v need n = ${n} values`);
      this.rankOneU.set(rankOne.u);
      this.rankOneV.set(rankOne.v);
      this.hasRankOne = true;
    } else {
      this.hasRankOne = false;
    }
    this.gains.set(gains);
    this.tapeCopies = {};
    if (this.fast) return this.forwardWasm(this.fast, x0, gains);
    const params = this.params;
    const h = this.stepSize;
    const halfH = 0.5 * h;
    const sixthH = h / 6;
    const invTau = 1 / params.tau;
    const tape = this.tsTape();
    const states = tape.states;
    const Y = tape.stageStates;
    const R = tape.stageRates;
    const K = this.stageSlopes;
    const Wf = this.product;

    states.set(x0, 0);
    for (let k = 0; k < this.nSteps; k++) {
      const xOffset = k * n;
      for (let s = 0; s < 4; s++) {
        const stageOffset = (4 * k + s) * n;
        if (s === 0) {
          for (let i = 0; i < n; i++) Y[stageOffset + i] = states[xOffset + i];
        } else {
          // y2 = x + (h/2)k1, y3 = x + (h/2)k2, y4 = x + h·k3 (same operation order as simulateReference)
          const factor = s === 3 ? h : halfH;
          const prev = (s - 1) * n;
          for (let i = 0; i < n; i++) Y[stageOffset + i] = states[xOffset + i] + factor * K[prev + i];
        }
        ratesInto(Y, gains, n, params, R, stageOffset, stageOffset);
        this.multiplyW(R, stageOffset, Wf);
        const slopeOffset = s * n;
        for (let i = 0; i < n; i++) K[slopeOffset + i] = (-Y[stageOffset + i] + Wf[i]) * invTau;
      }
      const next = xOffset + n;
      for (let i = 0; i < n; i++) {
        states[next + i] = states[xOffset + i] + sixthH * (K[i] + 2 * K[n + i] + 2 * K[2 * n + i] + K[3 * n + i]);
      }
    }
    ratesInto(states, gains, n, params, this.lastRates, this.nSteps * n, 0);

    // Readout and error.
    const nSamples = this.nSamples;
    const nE = this.nE;
    const w = this.readout.weights;
    const stride = 1 + nE;
    const output = this.output;
    const target = this.target;
    let numerator = 0;
    for (let c = 0; c < this.channels; c++) {
      const base = c * stride;
      const offset = w[base];
      for (let k = 0; k < nSamples; k++) {
        const rates = k < this.nSteps ? R : this.lastRates;
        const row = k < this.nSteps ? 4 * k * n : 0;
        let sum = 0;
        for (let i = 0; i < nE; i++) sum += w[base + 1 + i] * rates[row + i];
        const m = offset + sum;
        output[c * nSamples + k] = m;
        const d = m - target[c * nSamples + k];
        numerator += d * d;
      }
    }
    this.forwardDone = true;
    this.lastError = numerator / this.targetDenominator;
    return this.lastError;
  }

  /** forward() on the WebAssembly kernel: the same integration, readout and E. */
  private forwardWasm(fast: AdjointWasmKernel, x0: Float64Array, gains: Float64Array): number {
    fast.forward(x0, gains, this.hasRankOne ? { u: this.rankOneU, v: this.rankOneV } : undefined);
    return this.forwardError(fast);
  }

  /**
   * forward(x0, gains) without a rank-1 term as a whole pass on another core (the WebAssembly
   * kernel's helper, assembly/adjoint.ts "Offered passes"), while this thread does other work;
   * then collectForward(). False (nothing started) where that cannot be: no helper, none joined
   * yet, no core free. The same bits as forward().
   */
  offerForward(x0: Float64Array, gains: Float64Array): boolean {
    const n = this.n;
    if (!this.fast || !this.weightsSet) return false;
    if (x0.length !== n || gains.length !== n) throw new RangeError(`x0 and gains need n = ${n} values`);
    if (!this.fast.offerForward(x0, gains)) return false;
    this.hasRankOne = false;
    this.gains.set(gains);
    this.tapeCopies = {};
    return true;
  }

  /** Whether a helper computed the last collected offered pass (else this thread did, at collect). */
  offeredByHelper = false;

  /** run() with this adjoint's passes on the calling thread only (another kernel's offered pass has the other core). */
  onOneThread<T>(run: () => T): T {
    const fast = this.fast;
    if (!fast) return run();
    fast.oneThread = true;
    try {
      return run();
    } finally {
      fast.oneThread = false;
    }
  }

  /** The error of the forward offerForward started (and its output in this.output). */
  collectForward(): number {
    this.offeredByHelper = this.fast!.collect();
    return this.forwardError(this.fast!);
  }

  /**
   * backward(out) for ∂E/∂g and ∂E/∂x0 only (no W, no rank-1) as a whole pass on another core;
   * then collectBackward(out). False (nothing started) as for offerForward.
   */
  offerBackward(out: AdjointGradients): boolean {
    if (!this.fast || !this.forwardDone || out.W || out.rank1 || this.hasRankOne) return false;
    this.writeResiduals(this.fast);
    return this.fast.offerBackward();
  }

  /** The gradients of the backward offerBackward started, into out. */
  collectBackward(out: AdjointGradients): void {
    this.offeredByHelper = this.fast!.collect();
    this.readGradients(this.fast!, out);
  }

  private forwardError(fast: AdjointWasmKernel): number {
    const output = fast.views().output;
    this.output.set(output);
    const target = this.target;
    let numerator = 0;
    for (let i = 0; i < output.length; i++) {
      const d = output[i] - target[i];
      numerator += d * d;
    }
    this.forwardDone = true;
    this.lastError = numerator / this.targetDenominator;
    return this.lastError;
  }

  /**
   * ∂f/∂y (into slopeOut) and, when gainSlopeOut is given, ∂f/∂g at rates rates[offset..] of
   * states y[offset..], for the first `count` neurons.
   */
  private rateSlopes(
    y: Float64Array,
    rates: Float64Array,
    yOffset: number,
    rateOffset: number,
    count: number,
    slopeOut: Float64Array,
    gainSlopeOut: Float64Array | null,
  ): void {
    const gains = this.gains;
    if (this.params.gainFunction === 'linear') {
      for (let i = 0; i < count; i++) slopeOut[i] = gains[i];
      if (gainSlopeOut) for (let i = 0; i < count; i++) gainSlopeOut[i] = y[yOffset + i];
      return;
    }
    const invNeg = 1 / this.params.r0;
    const invPos = 1 / (this.params.rmax - this.params.r0);
    for (let i = 0; i < count; i++) {
      const yi = y[yOffset + i];
      const u = rates[rateOffset + i] * (yi < 0 ? invNeg : invPos);
      const sech2 = 1 - u * u;
      slopeOut[i] = gains[i] * sech2;
      if (gainSlopeOut) gainSlopeOut[i] = yi * sech2;
    }
  }

  /**
   * The direct readout term of sample k: adds f'(x_k) ⊙ ρ_k into `into` (E neurons) and, when
   * gainGrad is given, f_g(x_k) ⊙ ρ_k into it, where ρ_k,i = Σ_c (2(m_ck − m*_ck)/D) β_ci.
   */
  private addReadoutTerm(k: number, into: Float64Array, gainGrad: Float64Array | null, fGain: Float64Array | null): void {
    const nE = this.nE;
    if (nE === 0) return;
    const n = this.n;
    const nSamples = this.nSamples;
    const nSteps = this.nSteps;
    const channels = this.channels;
    const stride = 1 + nE;
    const w = this.readout.weights;
    const residual = this.residualOfSample;
    const rho = this.readoutWeightsOfSample;
    const fPrime = this.slope;
    const scale = 2 / this.targetDenominator;
    for (let c = 0; c < channels; c++) residual[c] = scale * (this.output[c * nSamples + k] - this.target[c * nSamples + k]);
    for (let i = 0; i < nE; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += residual[c] * w[c * stride + 1 + i];
      rho[i] = sum;
    }
    const tape = this.tsTape();
    const rates = k < nSteps ? tape.stageRates : this.lastRates;
    const rateOffset = k < nSteps ? 4 * k * n : 0;
    this.rateSlopes(tape.states, rates, k * n, rateOffset, nE, fPrime, fGain);
    for (let i = 0; i < nE; i++) into[i] += fPrime[i] * rho[i];
    if (gainGrad && fGain) for (let i = 0; i < nE; i++) gainGrad[i] += fGain[i] * rho[i];
  }

  /**
   * Gradients of the last forward's E. Writes only the requested fields (overwriting them).
   * `W` is ∂E/∂W_eff; `rank1` gives ∂E/∂u, ∂E/∂v of the forward's rank-1 term (its u and v
   * fields are ignored: the forward's own copies are used).
   */
  backward(out: AdjointGradients): void {
    if (!this.forwardDone) throw new Error('RK4Adjoint.backward: call forward() first (again after setTarget/setWeights)');
    const n = this.n;
    const nSteps = this.nSteps;
    const h = this.stepSize;
    const invTau = 1 / this.params.tau;

    const gainGrad = out.gains ?? null;
    const WGrad = out.W ?? null;
    const rank1 = out.rank1 ?? null;
    if (gainGrad) {
      if (gainGrad.length !== n) throw new RangeError(`gains gradient needs n = ${n} values`);
      gainGrad.fill(0);
    }
    if (out.x0 && out.x0.length !== n) throw new RangeError(`x0 gradient needs n = ${n} values`);
    if (WGrad && WGrad.length !== n * n) throw new RangeError(`W gradient needs n² = ${n * n} values`);
    if (rank1) {
      if (!this.hasRankOne) throw new Error('RK4Adjoint.backward: rank-1 gradient requested but the forward had no rank-1 term');
      if (rank1.uGrad.length !== n || rank1.vGrad.length !== n) throw new RangeError(`rank-1 gradients need n = ${n} values`);
      rank1.uGrad.fill(0);
      rank1.vGrad.fill(0);
    }
    if (this.fast) {
      this.backwardWasm(this.fast, out);
      return;
    }
    const { stageStates: Y, stageRates: R } = this.tsTape();
    if (WGrad && !this.stageCotangentTape) this.stageCotangentTape = new Float64Array(nSteps * 4 * n);
    const cotangentTape = WGrad ? this.stageCotangentTape! : null;
    const u = this.rankOneU;
    const v = this.rankOneV;

    const lambda = this.adjointState; // λ_{k+1} on entry to step k
    const accum = this.adjointAccum; // Σ ȳ_s of the current step
    const kbar = this.stageCotangent;
    const ybar = this.stageAdjoint;
    const p = this.product;
    const fPrime = this.slope;
    const fGain = gainGrad ? this.stageSlopes : null; // reuse: the forward's k_s are not needed now

    lambda.fill(0);
    this.addReadoutTerm(nSteps, lambda, gainGrad, fGain);
    const sixthH = h / 6;
    const thirdH = h / 3;
    const halfH = 0.5 * h;
    for (let k = nSteps - 1; k >= 0; k--) {
      accum.fill(0);
      for (let s = 3; s >= 0; s--) {
        // k̄_s from λ and the adjoint of the stage that used k_s (ybar holds ȳ_{s+1}).
        const lambdaWeight = s === 0 || s === 3 ? sixthH : thirdH;
        if (s === 3) {
          for (let i = 0; i < n; i++) kbar[i] = lambdaWeight * lambda[i];
        } else {
          const ybarWeight = s === 2 ? h : halfH;
          for (let i = 0; i < n; i++) kbar[i] = lambdaWeight * lambda[i] + ybarWeight * ybar[i];
        }
        const stageOffset = (4 * k + s) * n;
        this.multiplyWT(kbar, p);
        this.rateSlopes(Y, R, stageOffset, stageOffset, n, fPrime, fGain);
        for (let i = 0; i < n; i++) {
          const yb = (fPrime[i] * p[i] - kbar[i]) * invTau;
          ybar[i] = yb;
          accum[i] += yb;
        }
        if (gainGrad && fGain) for (let i = 0; i < n; i++) gainGrad[i] += fGain[i] * p[i] * invTau;
        if (cotangentTape) for (let i = 0; i < n; i++) cotangentTape[stageOffset + i] = kbar[i] * invTau;
        if (rank1) {
          const { uGrad, vGrad } = rank1;
          let fv = 0;
          let ku = 0;
          for (let i = 0; i < n; i++) {
            fv += R[stageOffset + i] * v[i];
            ku += kbar[i] * u[i];
          }
          fv *= invTau;
          ku *= invTau;
          for (let i = 0; i < n; i++) {
            uGrad[i] += kbar[i] * fv;
            vGrad[i] += ku * R[stageOffset + i];
          }
        }
      }
      for (let i = 0; i < n; i++) lambda[i] += accum[i];
      this.addReadoutTerm(k, lambda, gainGrad, fGain);
    }
    if (out.x0) out.x0.set(lambda);
    if (WGrad && cotangentTape) accumulateOuterProducts(cotangentTape, R, 4 * nSteps, n, n, WGrad);
  }

  /** backward() on the WebAssembly kernel (arguments already checked). */
  private backwardWasm(fast: AdjointWasmKernel, out: AdjointGradients): void {
    this.writeResiduals(fast);
    fast.backward(this.hasRankOne, Boolean(out.W));
    this.readGradients(fast, out);
  }

  /** The kernel's readout term needs r_ck = 2(m_ck − m*_ck)/D (channel-major like output). */
  private writeResiduals(fast: AdjointWasmKernel): void {
    const residual = fast.views().residual;
    const scale = 2 / this.targetDenominator;
    const output = this.output;
    const target = this.target;
    for (let i = 0; i < residual.length; i++) residual[i] = scale * (output[i] - target[i]);
  }

  private readGradients(fast: AdjointWasmKernel, out: AdjointGradients): void {
    const n = this.n;
    const views = fast.views(); // after backward: requesting ∂E/∂W may have grown the memory
    if (out.gains) out.gains.set(views.gainGrad.subarray(0, n));
    if (out.x0) out.x0.set(views.lambda.subarray(0, n));
    if (out.rank1) {
      out.rank1.uGrad.set(views.uGrad.subarray(0, n));
      out.rank1.vGrad.set(views.vGrad.subarray(0, n));
    }
    if (out.W) fast.weightGradient(out.W);
  }
}

/**
 * out = Aᵀ B for A, B both (rows × n) row-major with row stride `stride` ≥ n:
 * out[i·n + j] = Σ_s A[s·stride + i] B[s·stride + j].
 * Four output rows at a time so each streamed row of B feeds four accumulating rows.
 */
function accumulateOuterProducts(A: Float64Array, B: Float64Array, rows: number, n: number, stride: number, out: Float64Array): void {
  out.fill(0);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o0 = i * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let s = 0; s < rows; s++) {
      const base = s * stride;
      const a0 = A[base + i];
      const a1 = A[base + i + 1];
      const a2 = A[base + i + 2];
      const a3 = A[base + i + 3];
      for (let j = 0; j < n; j++) {
        const b = B[base + j];
        out[o0 + j] += a0 * b;
        out[o1 + j] += a1 * b;
        out[o2 + j] += a2 * b;
        out[o3 + j] += a3 * b;
      }
    }
  }
  for (; i < n; i++) {
    const o = i * n;
    for (let s = 0; s < rows; s++) {
      const base = s * stride;
      const a = A[base + i];
      for (let j = 0; j < n; j++) out[o + j] += a * B[base + j];
    }
  }
}

/** Group labels 0..G−1 → G (validated). */
function countGroups(groups: ArrayLike<number>, n: number): number {
  if (groups.length !== n) throw new RangeError(`groups has ${groups.length} labels, expected n = ${n}`);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const label = groups[i];
    if (!Number.isInteger(label) || label < 0) throw new RangeError(`group label ${label} of neuron ${i} is not a non-negative integer`);
    if (label + 1 > count) count = label + 1;
  }
  return count;
}

/** Per-neuron gains from group gains: g_i = G[label_i]. */
export function expandGroupGains(groupGains: Float64Array, groups: ArrayLike<number>, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = groupGains[groups[i]];
}

/** Group gradient from the per-neuron one: ∂E/∂G_l = Σ_{label_i = l} ∂E/∂g_i. */
export function sumGroupGradient(neuronGradient: Float64Array, groups: ArrayLike<number>, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < neuronGradient.length; i++) out[groups[i]] += neuronGradient[i];
}

/** W_eff = W + u vᵀ. */
export function addRankOne(W: Float64Array, u: Float64Array, v: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    const row = i * n;
    for (let j = 0; j < n; j++) out[row + j] = W[row + j] + ui * v[j];
  }
}

export interface GradientProblemOptions {
  network: Network;
  params: DynamicsParams;
  /** channel-major, readout.channels × nSamples (or give `conditions`) */
  target?: Float64Array;
  /**
   * Several initial conditions learned jointly (model-spec §10): E = Σ_m E_m, each condition with
   * its own x0 (default network.x0) and target. Replaces target/x0. Not for the x0 trainable.
   */
  conditions?: Array<{ x0?: Float64Array; target: Float64Array }>;
  trainable: GradientTrainable;
  /** Gains only: group label 0..G−1 per neuron; the trainable is then the G group gains. */
  groups?: ArrayLike<number>;
  /** Helper threads of the WebAssembly passes (RK4AdjointOptions.threads; default the host's). */
  threads?: KernelThreads | null;
  /**
   * Fixed gains during x0/W/rank1 training, and the starting gains for 'gains' (per neuron, or per
   * group when `groups` is given). Default all 1.
   */
  gains?: Float64Array;
  /** rank1 only: the starting u and v (default: u = 0, v ~ N(0, 1/n) from `seed`). */
  u?: Float64Array;
  v?: Float64Array;
  /** Seed of the rank-1 initialisation (default 1); recorded in the result. */
  seed?: number;
  /** Initial condition (default network.x0); the starting value when x0 is the trainable. */
  x0?: Float64Array;
  /** Storage of the fixed W (default 'auto': sparse when at most half the entries are non-zero). */
  weightStorage?: WeightStorage;
  /**
   * Which code runs the passes (default 'auto': the WebAssembly kernel for a fixed sparse W where
   * available, else TypeScript; see AdjointKernelName).
   */
  adjointKernel?: AdjointKernelName;
  /**
   * Gains with several conditions: two conditions' passes side by side on two cores (one offered
   * to the other condition's helper; see GradientProblem) when timed faster (true, the default),
   * whenever a core is free ('always'), or never (false). The same bits either way.
   */
  sideBySide?: boolean | 'always';
}

/**
 * The trainable of one gradient problem as a single flat parameter vector θ (what Adam updates):
 *   gains: per-neuron gains (n) or group gains (G);  x0: x0 (n);  W: W (n²);  rank1: [u; v] (2n).
 * value(θ) and valueAndGradient(θ, grad) evaluate E and ∂E/∂θ through one RK4Adjoint per condition.
 *
 * Conditions side by side: with several conditions (the gains trainable: the speed manifold's
 * m = 2–3 initial conditions), condition m + 1's forward and backward run as whole passes on its
 * kernel's helper thread while condition m's run here (RK4Adjoint.offerForward/offerBackward),
 * meeting once per pass instead of at every RK4 stage as a row split does; a ThreadSchedule keeps
 * it when it has lately been faster. The errors and gradients are summed in condition order
 * either way, so the numbers are the same bits.
 */
export class GradientProblem {
  readonly trainable: GradientTrainable;
  /** One taped forward/adjoint per condition (one unless options.conditions has several). */
  readonly adjoints: RK4Adjoint[];
  readonly network: Network;
  readonly n: number;
  readonly groups: Int32Array | null;
  readonly groupCount: number;
  /** The parameter vector at its starting value (a copy owned by the problem). */
  readonly initialParameters: Float64Array;
  readonly seed: number;
  /** Length of outputs(): conditions × channels × nSamples. */
  readonly outputLength: number;
  private readonly neuronGains: Float64Array;
  private readonly x0s: Float64Array[];
  /** Per-condition gradients (backward overwrites them) and their sum over conditions. */
  private readonly conditionGradients: AdjointGradients;
  private readonly totalGradients: AdjointGradients;
  /** Conditions side by side (see above): when, and the offered condition's gradients. */
  private readonly sideBySide: { schedule: ThreadSchedule; gradients: AdjointGradients } | null = null;
  /** Passes of conditions computed on another core beside this thread's (tests, reports). */
  sideBySidePasses = 0;

  constructor(options: GradientProblemOptions) {
    const { network, params, trainable } = options;
    if (!GRADIENT_TRAINABLES.includes(trainable)) {
      throw new RangeError(`unknown trainable '${String(trainable)}' (known: ${GRADIENT_TRAINABLES.join(', ')})`);
    }
    this.trainable = trainable;
    this.network = network;
    const n = network.n;
    this.n = n;
    const conditions = options.conditions ?? (options.target ? [{ x0: options.x0, target: options.target }] : []);
    if (conditions.length === 0) throw new RangeError('gradient training needs a target (or a non-empty conditions list)');
    if (options.conditions && (options.target || options.x0)) throw new RangeError('give either target/x0 or conditions, not both');
    if (trainable === 'x0' && conditions.length > 1) throw new RangeError('x0 training takes one condition');
    this.x0s = conditions.map((condition, index) => {
      const x0 = condition.x0 ?? network.x0;
      if (x0.length !== n) throw new RangeError(`x0 of condition ${index} has ${x0.length} values, expected n = ${n}`);
      return Float64Array.from(x0);
    });
    // W is fixed except when it is the trainable (then value() installs θ as dense weights).
    const threads = options.threads === undefined ? defaultKernelThreads() : options.threads;
    const pairs = trainable === 'gains' && conditions.length > 1 && (options.sideBySide ?? true) !== false && threads !== null && threads.helpers >= 1;
    const adjointOptions: RK4AdjointOptions = {
      kernel: options.adjointKernel,
      weightStorage: trainable === 'W' ? 'dense' : options.weightStorage,
      threads,
      wholePasses: pairs,
    };
    this.adjoints = conditions.map((condition) => new RK4Adjoint(network, params, condition.target, adjointOptions));
    if (pairs) {
      // no budget here: the offer takes its core itself (a schedule with the budget would hold the
      // only free core and leave none for the offer)
      const schedule = new ThreadSchedule();
      if (options.sideBySide === 'always') schedule.force = 'team';
      this.sideBySide = { schedule, gradients: { gains: new Float64Array(n) } };
    }
    this.outputLength = this.adjoints.reduce((sum, adjoint) => sum + adjoint.output.length, 0);
    this.seed = options.seed ?? 1;
    if (!Number.isSafeInteger(this.seed)) throw new RangeError(`seed must be a safe integer, got ${this.seed}`);
    if (options.groups && trainable !== 'gains') throw new RangeError('groups apply to the gains trainable only');
    this.groups = options.groups ? Int32Array.from(options.groups) : null;
    this.groupCount = this.groups ? countGroups(this.groups, n) : n;
    this.neuronGains = new Float64Array(n).fill(1);
    const gainLength = trainable === 'gains' ? this.groupCount : n;
    if (options.gains && options.gains.length !== gainLength) {
      throw new RangeError(`gains has ${options.gains.length} values, expected ${gainLength}`);
    }
    if (trainable !== 'gains' && options.gains) this.neuronGains.set(options.gains);

    switch (trainable) {
      case 'gains': {
        this.initialParameters = options.gains ? Float64Array.from(options.gains) : new Float64Array(this.groupCount).fill(1);
        this.conditionGradients = { gains: new Float64Array(n) };
        this.totalGradients = { gains: new Float64Array(n) };
        break;
      }
      case 'x0': {
        this.initialParameters = Float64Array.from(this.x0s[0]);
        this.conditionGradients = { x0: new Float64Array(n) };
        this.totalGradients = { x0: new Float64Array(n) };
        break;
      }
      case 'W': {
        this.initialParameters = Float64Array.from(network.W);
        this.conditionGradients = { W: new Float64Array(n * n) };
        this.totalGradients = { W: new Float64Array(n * n) };
        break;
      }
      case 'rank1': {
        // Start from u = 0 so the initial network (and error) is exactly the untrained one. With
        // u = v = 0 both gradients vanish (∂E/∂u = (∂E/∂W)v, ∂E/∂v = (∂E/∂W)ᵀu), a saddle Adam
        // never leaves; a random v makes ∂E/∂u non-zero at once, and v then learns from u ≠ 0.
        const theta = new Float64Array(2 * n);
        if (options.u) {
          if (options.u.length !== n) throw new RangeError(`u has ${options.u.length} values, expected n = ${n}`);
          theta.set(options.u, 0);
        }
        if (options.v) {
          if (options.v.length !== n) throw new RangeError(`v has ${options.v.length} values, expected n = ${n}`);
          theta.set(options.v, n);
        } else {
          const rng = new Rng(this.seed);
          const sd = 1 / Math.sqrt(n);
          for (let i = 0; i < n; i++) theta[n + i] = sd * rng.normal();
        }
        this.initialParameters = theta;
        this.conditionGradients = { rank1: { uGrad: new Float64Array(n), vGrad: new Float64Array(n) } };
        this.totalGradients = { rank1: { uGrad: new Float64Array(n), vGrad: new Float64Array(n) } };
        break;
      }
    }
  }

  /** The (first) condition's adjoint. */
  get adjoint(): RK4Adjoint {
    return this.adjoints[0];
  }

  /** Length of θ. */
  get size(): number {
    return this.initialParameters.length;
  }

  /** Per-neuron gains that θ implies (for x0/W/rank1: the fixed gains). */
  neuronGainsOf(theta: Float64Array, out: Float64Array = new Float64Array(this.n)): Float64Array {
    if (this.trainable === 'gains') {
      if (this.groups) expandGroupGains(theta, this.groups, out);
      else out.set(theta);
    } else {
      out.set(this.neuronGains);
    }
    return out;
  }

  /** The outputs of the last value() call, condition-major (each channels × nSamples, channel-major). */
  outputs(out: Float64Array = new Float64Array(this.outputLength)): Float64Array {
    let offset = 0;
    for (const adjoint of this.adjoints) {
      out.set(adjoint.output, offset);
      offset += adjoint.output.length;
    }
    return out;
  }

  /** Fix when the passes use helper threads ('team', 'solo'; null: measured). Bench and tests. */
  forceThreads(mode: 'team' | 'solo' | null): void {
    for (const adjoint of this.adjoints) adjoint.forceThreads(mode);
  }

  /** Hand the helper threads of every condition's kernel back (later passes run on one thread). */
  release(): void {
    for (const adjoint of this.adjoints) adjoint.release();
  }

  /** E(θ), summed over conditions; leaves the tapes and outputs for a following gradient call. */
  value(theta: Float64Array): number {
    // one condition after another: the side-by-side schedule times whole valueAndGradient steps
    return this.forwardAll(theta, false).error;
  }

  /** value(θ), conditions side by side when `team` (helped: every offered pass ran on a helper). */
  private forwardAll(theta: Float64Array, team: boolean): { error: number; helped: boolean } {
    if (theta.length !== this.size) throw new RangeError(`parameters have ${theta.length} values, expected ${this.size}`);
    const n = this.n;
    let error = 0;
    let helped = true;
    if (this.trainable === 'gains') this.neuronGainsOf(theta, this.neuronGains);
    for (let m = 0; m < this.adjoints.length; m++) {
      const adjoint = this.adjoints[m];
      if (team && m + 1 < this.adjoints.length) {
        const other = this.adjoints[m + 1];
        if (other.offerForward(this.x0s[m + 1], this.neuronGains)) {
          error += whileOffered(true, () => adjoint.onOneThread(() => adjoint.forward(this.x0s[m], this.neuronGains)), () => other.collectForward());
          error += other.collectForward();
          if (other.offeredByHelper) this.sideBySidePasses++;
          else helped = false;
          m++;
          continue;
        }
        helped = false;
      }
      switch (this.trainable) {
        case 'gains':
          error += adjoint.forward(this.x0s[m], this.neuronGains);
          break;
        case 'x0':
          error += adjoint.forward(theta, this.neuronGains);
          break;
        case 'W':
          // A trained W fills in (the gradient is dense), so it is stored dense.
          adjoint.setWeights(theta, 'dense');
          error += adjoint.forward(this.x0s[m], this.neuronGains);
          break;
        case 'rank1':
          error += adjoint.forward(this.x0s[m], this.neuronGains, { u: theta.subarray(0, n), v: theta.subarray(n, 2 * n) });
          break;
      }
    }
    return { error, helped };
  }

  /** E(θ) and ∂E/∂θ into `gradient` (length size). */
  valueAndGradient(theta: Float64Array, gradient: Float64Array): number {
    if (gradient.length !== this.size) throw new RangeError(`gradient needs ${this.size} values`);
    const schedule = this.sideBySide?.schedule ?? null;
    const team = schedule !== null && schedule.next();
    const { error, helped } = this.forwardAll(theta, team);
    const helpedBack = this.backwardAll(team);
    schedule?.done(!team || (helped && helpedBack));
    this.gradientOf(gradient);
    return error;
  }

  /** ∂E/∂θ of the last forward into the totals, conditions side by side when `team`; whether every offered pass ran on a helper. */
  private backwardAll(team: boolean): boolean {
    const single = this.adjoints.length === 1;
    // With one condition backward writes straight into the totals; with several it writes per
    // condition and the totals accumulate.
    const into = single ? this.totalGradients : this.conditionGradients;
    const total = this.totalGradients;
    if (!single) {
      total.gains?.fill(0);
      total.x0?.fill(0);
      total.W?.fill(0);
      total.rank1?.uGrad.fill(0);
      total.rank1?.vGrad.fill(0);
    }
    let helped = true;
    for (let m = 0; m < this.adjoints.length; m++) {
      const adjoint = this.adjoints[m];
      const offered = this.sideBySide?.gradients;
      if (team && offered && m + 1 < this.adjoints.length) {
        const other = this.adjoints[m + 1];
        if (other.offerBackward(offered)) {
          whileOffered(true, () => adjoint.onOneThread(() => adjoint.backward(into)), () => other.collectBackward(offered));
          accumulateGradients(total, into);
          other.collectBackward(offered);
          accumulateGradients(total, offered);
          if (other.offeredByHelper) this.sideBySidePasses++;
          else helped = false;
          m++;
          continue;
        }
        helped = false;
      }
      adjoint.backward(into);
      if (single) break;
      accumulateGradients(total, into);
    }
    return helped;
  }

  /** ∂E/∂θ from the totals of backwardAll. */
  private gradientOf(gradient: Float64Array): void {
    const total = this.totalGradients;
    switch (this.trainable) {
      case 'gains':
        if (this.groups) sumGroupGradient(total.gains!, this.groups, gradient);
        else gradient.set(total.gains!);
        break;
      case 'x0':
        gradient.set(total.x0!);
        break;
      case 'W':
        gradient.set(total.W!);
        break;
      case 'rank1':
        gradient.set(total.rank1!.uGrad, 0);
        gradient.set(total.rank1!.vGrad, this.n);
        break;
    }
  }
}

function addInto(total: Float64Array, part: Float64Array): void {
  for (let i = 0; i < total.length; i++) total[i] += part[i];
}

/** total += part, for each gradient part present. */
function accumulateGradients(total: AdjointGradients, part: AdjointGradients): void {
  if (part.gains) addInto(total.gains!, part.gains);
  if (part.x0) addInto(total.x0!, part.x0);
  if (part.W) addInto(total.W!, part.W);
  if (part.rank1) {
    addInto(total.rank1!.uGrad, part.rank1.uGrad);
    addInto(total.rank1!.vGrad, part.rank1.vGrad);
  }
}

export interface TrainGradientOptions extends GradientProblemOptions {
  /** Adam updates; errors has iterations + 1 entries. */
  iterations: number;
  /** Adam learning rate (default 1e-2). */
  lr?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Iterations (0 = start, `iterations` = after the last update) whose outputs are recorded. */
  recordAt?: number[];
  /** Call onProgress every this many iterations (default 1) and once at the end. */
  progressEvery?: number;
  /**
   * Gains trainable only: after every Adam step the gains are projected onto g ≥ gainFloor
   * (default GAIN_FLOOR = 0; null = unconstrained). GainLab definition 'gain-positivity': a
   * negative gain would flip the neuron's tanh, which no neuromodulator does, and the eigenvalue
   * analysis assumes f′(0) = g ≥ 0.
   */
  gainFloor?: number | null;
}

/** Lowest gain Adam may set (projected gradient descent); see TrainGradientOptions.gainFloor. */
export const GAIN_FLOOR = 0;

export interface GradientProgress {
  iteration: number;
  iterations: number;
  error: number;
  bestError: number;
  /**
   * Per-neuron gains of the iterate whose error this is (computed on call, a fresh array; valid
   * only during the callback). The worker sends them as gain snapshots for the live views.
   */
  gains?: () => Float64Array;
}

export interface GradientRecordedOutput {
  iteration: number;
  /** channel-major channels × nSamples (condition after condition when there are several) */
  output: Float64Array;
}

export interface TrainGradientResult {
  trainable: GradientTrainable;
  /** errors[k] = E before update k+1 (k = 0..done−1), errors[done] = E after the last update. */
  errors: Float64Array;
  bestError: number;
  /** Index into errors of the best parameters. */
  bestIteration: number;
  /** Best parameter vector θ in the trainable's layout (see GradientProblem). */
  bestParameters: Float64Array;
  /** Per-neuron gains of the best iterate (the fixed gains for x0/W/rank1). */
  gains: Float64Array;
  /** Group gains of the best iterate when groups were given. */
  groupGains?: Float64Array;
  x0?: Float64Array;
  W?: Float64Array;
  u?: Float64Array;
  v?: Float64Array;
  /** rank1: the initial u and v (u = 0 unless given). */
  initialU?: Float64Array;
  initialV?: Float64Array;
  /** Output of the best parameters, channel-major (condition after condition when there are several). */
  bestOutput: Float64Array;
  outputsAt: GradientRecordedOutput[];
  /** Adam updates done (less than requested when stopped or diverged). */
  iterations: number;
  stopped: boolean;
  /** E became non-finite at errors[iterations]; training ended there. */
  diverged: boolean;
  seed: number;
  lr: number;
  /** The bound the gains were kept above (null: none; always null for x0/W/rank1). */
  gainFloor: number | null;
  /** Gains (or group gains) of the best iterate sitting on the floor. */
  gainsAtFloor: number;
}

/**
 * Adam on E(θ) by back-propagation through the RK4 unroll. Each iteration evaluates E and ∂E/∂θ
 * at the current θ (that E is errors[k]) and takes one Adam step; after the last step E is
 * evaluated once more. The best iterate (lowest E, the start included) is returned. shouldStop is
 * checked before every update; when it turns true the partial result is returned (stopped: true).
 */
export function trainGradient(
  options: TrainGradientOptions,
  onProgress?: (progress: GradientProgress) => void,
  shouldStop?: () => boolean,
): TrainGradientResult {
  const iterations = options.iterations;
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`iterations must be a non-negative integer, got ${iterations}`);
  const problem = new GradientProblem(options);
  const lr = options.lr ?? 1e-2;
  const adam = new Adam(problem.size, { lr, beta1: options.beta1, beta2: options.beta2, epsilon: options.epsilon });
  const progressEvery = Math.max(1, Math.floor(options.progressEvery ?? 1));
  const recordAt = new Set(options.recordAt ?? []);
  const gainFloor = problem.trainable === 'gains' ? (options.gainFloor === undefined ? GAIN_FLOOR : options.gainFloor) : null;
  if (gainFloor !== null && !Number.isFinite(gainFloor)) throw new RangeError(`gainFloor must be a finite number or null, got ${gainFloor}`);

  const theta = Float64Array.from(problem.initialParameters);
  const gradient = new Float64Array(problem.size);
  const bestParameters = Float64Array.from(theta);
  const bestOutput = new Float64Array(problem.outputLength);
  const errors = new Float64Array(iterations + 1);
  const outputsAt: GradientRecordedOutput[] = [];
  let bestError = Infinity;
  let bestIteration = 0;
  let stopped = false;
  let diverged = false;
  let done = 0;

  const gainsNow = (): Float64Array => problem.neuronGainsOf(theta);
  const noteIterate = (k: number, error: number): void => {
    errors[k] = error;
    // A non-finite error never counts as best.
    if (error < bestError) {
      bestError = error;
      bestIteration = k;
      bestParameters.set(theta);
      problem.outputs(bestOutput);
    }
    if (recordAt.has(k)) outputsAt.push({ iteration: k, output: problem.outputs() });
  };

  // the kernels' helper threads go back to the host however training ends
  try {
    for (let k = 0; k < iterations; k++) {
      if (shouldStop?.()) {
        stopped = true;
        break;
      }
      const error = problem.valueAndGradient(theta, gradient);
      if (!Number.isFinite(error)) {
        // Diverged (e.g. too large a learning rate): a NaN gradient would poison θ for good.
        diverged = true;
        noteIterate(k, error);
        done = k;
        break;
      }
      noteIterate(k, error);
      if (onProgress && k % progressEvery === 0) onProgress({ iteration: k, iterations, error, bestError, gains: gainsNow });
      adam.step(theta, gradient);
      if (gainFloor !== null) for (let i = 0; i < theta.length; i++) if (theta[i] < gainFloor) theta[i] = gainFloor;
      done = k + 1;
    }
    if (!diverged) {
      const finalError = problem.value(theta);
      noteIterate(done, finalError);
    }
    if (onProgress) onProgress({ iteration: done, iterations, error: errors[done], bestError, gains: gainsNow });
    if (bestError === Infinity) {
      // Every iterate was non-finite: report the start.
      bestParameters.set(problem.initialParameters);
      bestError = problem.value(bestParameters);
      problem.outputs(bestOutput);
      bestIteration = 0;
    }

    const n = problem.n;
    const result: TrainGradientResult = {
      trainable: problem.trainable,
      errors: errors.slice(0, done + 1),
      bestError,
      bestIteration,
      bestParameters,
      gains: problem.neuronGainsOf(bestParameters),
      bestOutput,
      outputsAt,
      iterations: done,
      stopped,
      diverged,
      seed: problem.seed,
      lr,
      gainFloor,
      gainsAtFloor: gainFloor === null ? 0 : bestParameters.reduce((count, g) => count + (g <= gainFloor ? 1 : 0), 0),
    };
    switch (problem.trainable) {
      case 'gains':
        if (problem.groups) result.groupGains = Float64Array.from(bestParameters);
        break;
      case 'x0':
        result.x0 = Float64Array.from(bestParameters);
        break;
      case 'W':
        result.W = Float64Array.from(bestParameters);
        break;
      case 'rank1':
        result.u = bestParameters.slice(0, n);
        result.v = bestParameters.slice(n, 2 * n);
        result.initialU = problem.initialParameters.slice(0, n);
        result.initialV = problem.initialParameters.slice(n, 2 * n);
        break;
    }
    return result;
  } finally {
    problem.release();
  }
}

/**
 * The gain changes specialised groups are clustered on [GainLab definition, Supp. Fig. 2]:
 * neuron-specific gains learned for each movement by Adam on the gains (model-spec §6; fast and
 * deterministic), minus 1. One vector of n changes per movement, ready for specialisedGroups.
 */
export function adamGainChanges(
  network: Network,
  params: DynamicsParams,
  movements: readonly Float64Array[],
  iterations: number,
  shouldStop?: () => boolean,
): Float64Array[] {
  return movements.map((target) => {
    const result = trainGradient({ network, params, target, trainable: 'gains', iterations }, undefined, shouldStop);
    return result.gains.map((g) => g - 1);
  });
}
