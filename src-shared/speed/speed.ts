/**
 * Movement speed by gain modulation (model-spec §10) [GainLab definition of Figs. 6–8, Supp. Fig. 8].
 *
 * One gain pattern per speed, learned jointly over m initial conditions (each with its own target,
 * errors summed), so that the pattern sets the speed and the initial condition the shape. The slow
 * targets are slow variants (targets.ts slowVariant, m_s(t) = m(t/s) over s·T, same step, optionally
 * × 1/s²) of the fast ones; by default the fast targets are the network's own outputs with all
 * gains 1 (the movements its readout produces), so the fast pattern is g = 1.
 *
 * Speed manifold: patterns at evenly spaced factors 1..s_max (7 by default). The network's step
 * stays T/(n−1), so a factor must give a whole number of steps: (n−1)·s is rounded to the nearest
 * integer (for n = 200 and 5/3: 332/199 = 1.66834 instead of 1.66667).
 *
 * Interpolation g(λ) = (1 − λ)·g_fast + λ·g_slow; SpeedSlider recomputes the outputs of every
 * initial condition for a λ in one batched pass (BatchSimulator, one session per condition).
 */
import { BatchSimulator, type BatchKernelName } from '../model/batchSimulator.js';
import { normalisedError } from '../model/dynamics.js';
import type { KernelThreads, ThreadSchedule } from '../model/kernels/threads.js';
import type { Network } from '../model/network.js';
import { slowParams, stepLength, type DynamicsParams } from '../model/params.js';
import { slowVariant } from '../model/targets.js';
import { baselineOutput } from '../primitives/library.js';
import { learnGains, type LearnedGains, type LearningRuleOptions, type LearnProgress } from '../primitives/learn.js';
import type { JointCondition } from './jointEvaluator.js';
import { estimateStretchFactor, type StretchEstimate } from './stretch.js';

/** A factor with a whole number of steps on a grid of nSamples points: round((n−1)·s)/(n−1). */
export function wholeStepFactor(factor: number, nSamples: number): number {
  const intervals = nSamples - 1;
  return Math.max(1, Math.round(factor * intervals)) / intervals;
}

/** The paper's slow movements last 5 times longer (model-spec §8: the default slow factor s). */
export const PAPER_SLOW_FACTOR = 5;

/** `count` evenly spaced factors from 1 to maxFactor, each rounded to whole steps (Fig. 6: 7 up to 5). */
export function speedFactors(count = 7, maxFactor = PAPER_SLOW_FACTOR, nSamples = 200): number[] {
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`speedFactors: count must be ≥ 2, got ${count}`);
  return Array.from({ length: count }, (_, k) => wholeStepFactor(1 + ((maxFactor - 1) * k) / (count - 1), nSamples));
}

/**
 * How much of a manifold's work is done, 0–100, for the job's percent and time left. A speed's
 * trials (or iterations) each simulate s·T, so they cost in proportion to the factor s, and the
 * factor-1 pattern of a g = 1 baseline is not learned at all. Measured on the published network
 * (7 speeds to 5×, m = 2, 150 iterations each: 104 s), the second speed ends after 8 s: counted in
 * trials the job read 29 % there (about 20 s left), by simulated time 8 % (about 95 s left).
 */
export function speedWorkPercent(factors: readonly number[], trials: number, index: number, step: number, fastIsBaseline = true): number {
  const cost = (k: number) => (factors[k] === 1 && fastIsBaseline ? 0 : factors[k]);
  let total = 0;
  let done = 0;
  factors.forEach((_, k) => {
    total += cost(k);
    if (k < index) done += cost(k);
    else if (k === index) done += (cost(k) * Math.min(Math.max(step, 0), trials)) / Math.max(trials, 1);
  });
  return total > 0 ? (100 * done) / total : 100;
}

/** The fast targets default: each initial condition's output with all gains 1. */
export function baselineTargets(network: Network, params: DynamicsParams, x0s: readonly Float64Array[]): Float64Array[] {
  return x0s.map((x0) => baselineOutput(network, params, x0));
}

/** Rows of an m × n matrix as views. */
export function rows(matrix: Float64Array, count: number, n: number): Float64Array[] {
  return Array.from({ length: count }, (_, k) => matrix.subarray(k * n, (k + 1) * n));
}

/** Conditions for speed factor s: the slow variant of every fast target, with its x0. */
export function slowConditions(
  params: DynamicsParams,
  channels: number,
  x0s: readonly Float64Array[],
  fastTargets: readonly Float64Array[],
  factor: number,
  amplitudeScaling = false,
): JointCondition[] {
  const grid = { duration: params.duration, nSamples: params.nSamples };
  return x0s.map((x0, m) => ({ x0, target: slowVariant(fastTargets[m], channels, grid, factor, { amplitudeScaling }).values }));
}

export interface SpeedPatternResult extends LearnedGains {
  factor: number;
  params: DynamicsParams;
  /** Σ_m E_m with all gains 1 (before learning), and per condition. */
  initialError: number;
  initialConditionErrors: number[];
  /** Per-condition errors of the learned pattern. */
  conditionErrors: number[];
  targets: Float64Array[];
}

function conditionErrors(output: Float64Array, conditions: readonly JointCondition[], channels: number, nSamples: number): number[] {
  const length = channels * nSamples;
  return conditions.map((c, m) => normalisedError(output.subarray(m * length, (m + 1) * length), c.target, channels, nSamples));
}

/** Learn the pattern for speed factor s jointly over the initial conditions. */
export function learnSpeedPattern(
  network: Network,
  params: DynamicsParams,
  x0s: readonly Float64Array[],
  fastTargets: readonly Float64Array[],
  factor: number,
  options: LearningRuleOptions & { amplitudeScaling?: boolean },
  onProgress?: (progress: LearnProgress) => void,
  shouldStop?: () => boolean,
  /** Where the learning starts (default g = 1; initialError stays the error with g = 1). */
  startGains?: Float64Array,
): SpeedPatternResult {
  const channels = network.readout.channels;
  const slow = slowParams(params, factor);
  const conditions = slowConditions(params, channels, x0s, fastTargets, factor, options.amplitudeScaling ?? false);
  const ones = new Float64Array(network.n).fill(1);
  const initial = outputsFor(network, slow, x0s, ones);
  const initialConditionErrors = conditionErrors(initial, conditions, channels, slow.nSamples);
  const learned = learnGains(network, slow, conditions, options, startGains, onProgress, shouldStop);
  return {
    ...learned,
    factor,
    params: slow,
    initialError: initialConditionErrors.reduce((a, b) => a + b, 0),
    initialConditionErrors,
    conditionErrors: conditionErrors(learned.output, conditions, channels, slow.nSamples),
    targets: conditions.map((c) => c.target),
  };
}

/**
 * Outputs of every initial condition with one gain pattern, concatenated (condition-major).
 * threads: helper threads of the batch (default the host's defaultKernelThreads()).
 */
export function outputsFor(
  network: Network,
  params: DynamicsParams,
  x0s: readonly Float64Array[],
  gains: Float64Array,
  kernel: BatchKernelName = 'auto',
  threads?: KernelThreads | null,
): Float64Array {
  const sim = new BatchSimulator(network, params, x0s.length, { kernel, threads });
  try {
    sim.run(x0s.map(() => gains), x0s);
    const length = network.readout.channels * params.nSamples;
    const out = new Float64Array(x0s.length * length);
    for (let m = 0; m < x0s.length; m++) sim.output(m, out.subarray(m * length, (m + 1) * length));
    return out;
  } finally {
    // give the helper threads back now, not when the simulator is garbage-collected
    sim.dispose();
  }
}

export interface SpeedManifold {
  factors: number[];
  durations: number[];
  /** factors.length × n */
  gains: Float64Array;
  /** Σ_m E_m before and after learning, per factor. */
  initialErrors: number[];
  errors: number[];
  patterns: SpeedPatternResult[];
  /**
   * True when shouldStop ended the learning early: the patterns learned until then are kept (the
   * last one with its best gains so far, `patterns[k].stopped`); later factors are not in the result.
   */
  stopped: boolean;
}

/**
 * Patterns at every factor (default: 7 from 1 to 5). With `fastIsBaseline` (the default when the
 * fast targets are the g = 1 outputs) the factor-1 pattern is g = 1 without learning.
 * `shouldStop` ends the learning early and keeps the factors reached (see SpeedManifold.stopped).
 *
 * Each speed's learning starts from the pattern learned at the speed before (warm start; the
 * first from g = 1), with either rule: neighbouring speeds need similar patterns, and from g = 1
 * the slow end did not converge in the default budget. Measured on the published network (7 speeds
 * to 5×, m = 2, 40 random groups), errors at 4.33T and 5T from g = 1 → warm-started (g = 1 itself:
 * 3.02 and 2.91), in the same time either way:
 * - gradient, 150 iterations, lr 0.02, seed 1: 0.797 and 0.550 → 0.034 and 0.031 (64 s, 66 s);
 * - reward, σ = 0.001, seed 1: the view's default 150 trials per speed barely learn (2.95 and 2.86
 *   → 2.83 and 2.73; seed 2: 2.97 and 2.87 → 2.83 and 2.73); 3000 trials 2.20 and 2.26 → 0.629
 *   and 0.390 (every slower speed lower too; 1.67T 0.575 both ways); seed 2, 1000 trials 2.73 and
 *   2.67 → 2.27 and 2.12.
 */
export function learnSpeedManifold(
  network: Network,
  params: DynamicsParams,
  x0s: readonly Float64Array[],
  fastTargets: readonly Float64Array[],
  factors: readonly number[],
  options: LearningRuleOptions & { amplitudeScaling?: boolean; fastIsBaseline?: boolean; warmStart?: boolean },
  onProgress?: (factorIndex: number, progress: LearnProgress) => void,
  shouldStop?: () => boolean,
): SpeedManifold {
  const n = network.n;
  const patterns: SpeedPatternResult[] = [];
  let stopped = false;
  for (let index = 0; index < factors.length && !stopped; index++) {
    const factor = factors[index];
    if (index > 0 && shouldStop?.()) {
      stopped = true;
      break;
    }
    const skip = factor === 1 && (options.fastIsBaseline ?? true);
    const pattern = learnSpeedPattern(
      network,
      params,
      x0s,
      fastTargets,
      factor,
      skip ? { ...options, rule: 'reward', trials: 0 } : options,
      onProgress ? (p) => onProgress(index, p) : undefined,
      shouldStop,
      options.warmStart === false ? undefined : patterns.at(-1)?.gains,
    );
    patterns.push(pattern);
    if (pattern.stopped) stopped = true;
  }
  const gains = new Float64Array(patterns.length * n);
  patterns.forEach((pattern, index) => gains.set(pattern.gains, index * n));
  const learned = factors.slice(0, patterns.length);
  return {
    factors: learned,
    durations: learned.map((f) => f * params.duration),
    gains,
    initialErrors: patterns.map((p) => p.initialError),
    errors: patterns.map((p) => p.bestError),
    patterns,
    stopped,
  };
}

/** g(λ) = (1 − λ)·g_fast + λ·g_slow into out. */
export function interpolateGains(fast: Float64Array, slow: Float64Array, lambda: number, out: Float64Array = new Float64Array(fast.length)): Float64Array {
  const a = 1 - lambda;
  for (let i = 0; i < fast.length; i++) out[i] = a * fast[i] + lambda * slow[i];
  return out;
}

/**
 * Piecewise-linear interpolation along a speed manifold (count patterns, count × n, ordered by
 * factor): position u ∈ [0, 1] maps to u·(count − 1); between patterns k and k+1 the gains are
 * interpolated linearly. With two patterns this is interpolateGains.
 */
export function interpolateManifold(gains: Float64Array, count: number, n: number, u: number, out: Float64Array = new Float64Array(n)): Float64Array {
  if (count < 1 || gains.length < count * n) throw new RangeError(`manifold needs ${count} × ${n} gains, got ${gains.length}`);
  const position = Math.min(1, Math.max(0, u)) * (count - 1);
  const k = Math.min(count - 2, Math.floor(position));
  if (count === 1) {
    out.set(gains.subarray(0, n));
    return out;
  }
  const f = position - k;
  const a = k * n;
  const b = (k + 1) * n;
  for (let i = 0; i < n; i++) out[i] = f === 0 ? gains[a + i] : f === 1 ? gains[b + i] : (1 - f) * gains[a + i] + f * gains[b + i];
  return out;
}

export interface SpeedSliderOptions {
  /**
   * Interpolate along this manifold (count × n patterns, fastest first) instead of straight from
   * fastGains to slowGains; λ is then the position along the manifold (interpolateManifold).
   */
  manifold?: { gains: Float64Array; count: number };
  /** Duration factor of the displayed window (default slowFactor: the slow movement fits). */
  displayFactor?: number;
  /**
   * Preview resolution: the preview integrates with `previewStride` grid steps per RK4 step
   * (default 3). Measured on an N = 400 SOC, 3 initial conditions over 5T against the exact run:
   * max |Δoutput| / max |output| = 3.9e-4 for stride 2, 2.9e-3 for 3, 1.2e-2 for 4; stride 8 is
   * unstable (stiff modes). Cost scales with 1/stride. update() uses the preview; updateExact()
   * the model's own step (the numbers to report).
   */
  previewStride?: number;
  /**
   * Kernel of the preview (default 'wasm-batch-f32': ~1e-6 relative, ~1.3× faster than float64 on
   * one thread; with helper threads the float64 batch on every core is faster still: the speed
   * worker then uses 'auto').
   */
  previewKernel?: BatchKernelName;
  /** Kernel of updateExact (default 'auto': float64). */
  kernel?: BatchKernelName;
  /**
   * Helper threads of the float64 batches (default the host's defaultKernelThreads(); null: one
   * thread). The results are the same bits either way; the float32 preview has none.
   */
  threads?: KernelThreads | null;
  /** Estimate each condition's stretch factor against its λ = 0 output on every update (default true). */
  estimateStretch?: boolean;
  fitAmplitude?: boolean;
}

export interface SpeedSliderFrame {
  lambda: number;
  /** Sample step of the outputs, ms. */
  step: number;
  nSamples: number;
  /** Per condition: channel-major output over the display window (views, overwritten by the next update). */
  outputs: Float64Array[];
  /** Per condition, when estimated. */
  stretch: StretchEstimate[] | null;
  /** Chunks of this update's simulation computed by helper threads (0: it ran on one thread). */
  helperChunks: number;
}

interface SliderRun {
  params: DynamicsParams;
  simulator: BatchSimulator;
  outputs: Float64Array[];
}

/**
 * The live speed slider: g(λ) and one batched simulation of every initial condition over the
 * display window per update; buffers preallocated (the only allocation per update is the small
 * frame object). The references of the stretch estimate are the λ = 0 outputs over the fast
 * window, at the model's own step.
 */
export class SpeedSlider {
  readonly network: Network;
  readonly params: DynamicsParams;
  readonly conditionCount: number;
  readonly gains: Float64Array;
  /** The display window at the model's step (updateExact) and at the preview step (update). */
  readonly exactParams: DynamicsParams;
  readonly previewParams: DynamicsParams;
  private exactRun: SliderRun | null = null;
  private previewRun: SliderRun | null = null;
  private readonly gainsList: Float64Array[];
  private readonly x0s: Float64Array[];
  private readonly references: Float64Array[];
  private readonly options: SpeedSliderOptions;

  constructor(
    network: Network,
    params: DynamicsParams,
    x0s: readonly Float64Array[],
    readonly fastGains: Float64Array,
    readonly slowGains: Float64Array,
    slowFactor: number,
    options: SpeedSliderOptions = {},
  ) {
    this.network = network;
    this.params = { ...params };
    this.options = options;
    const displayFactor = wholeStepFactor(options.displayFactor ?? slowFactor, params.nSamples);
    this.exactParams = slowParams(params, displayFactor);
    const stride = Math.max(1, Math.floor(options.previewStride ?? 3));
    // A whole number of preview steps of stride·h, so preview sample k is exact sample stride·k
    // (the window may end up to stride − 1 model steps short).
    const intervals = Math.max(1, Math.floor((this.exactParams.nSamples - 1) / stride));
    this.previewParams = { ...this.exactParams, duration: intervals * stride * stepLength(params), nSamples: intervals + 1 };
    this.conditionCount = x0s.length;
    this.x0s = [...x0s];
    this.gains = new Float64Array(network.n);
    this.gainsList = x0s.map(() => this.gains);
    interpolateGains(fastGains, fastGains, 0, this.gains);
    const reference = outputsFor(network, params, this.x0s, fastGains, options.kernel ?? 'auto', options.threads);
    const length = network.readout.channels * params.nSamples;
    this.references = this.x0s.map((_, m) => reference.slice(m * length, (m + 1) * length));
  }

  private makeRun(params: DynamicsParams, kernel: BatchKernelName): SliderRun {
    const length = this.network.readout.channels * params.nSamples;
    return {
      params,
      simulator: new BatchSimulator(this.network, params, this.conditionCount, { kernel, threads: this.options.threads }),
      outputs: this.x0s.map(() => new Float64Array(length)),
    };
  }

  /**
   * Build both runs now (their buffers, and helper threads that join asynchronously) instead of on
   * the first update of each: the first exact frame then finds its helpers running.
   */
  prepare(): void {
    this.previewRun ??= this.makeRun(this.previewParams, this.options.previewKernel ?? 'wasm-batch-f32');
    this.exactRun ??= this.makeRun(this.exactParams, this.options.kernel ?? 'auto');
  }

  /** Preview (fast) update for dragging. */
  update(lambda: number, estimate = this.options.estimateStretch ?? true): SpeedSliderFrame {
    this.previewRun ??= this.makeRun(this.previewParams, this.options.previewKernel ?? 'wasm-batch-f32');
    return this.step(this.previewRun, lambda, estimate);
  }

  /** Exact update: the model's own step and float64 kernel. */
  updateExact(lambda: number, estimate = this.options.estimateStretch ?? true): SpeedSliderFrame {
    this.exactRun ??= this.makeRun(this.exactParams, this.options.kernel ?? 'auto');
    return this.step(this.exactRun, lambda, estimate);
  }

  private step(run: SliderRun, lambda: number, estimate: boolean): SpeedSliderFrame {
    const manifold = this.options.manifold;
    if (manifold) interpolateManifold(manifold.gains, manifold.count, this.network.n, lambda, this.gains);
    else interpolateGains(this.fastGains, this.slowGains, lambda, this.gains);
    const helperChunksBefore = run.simulator.helperChunks();
    run.simulator.run(this.gainsList, this.x0s);
    const helperChunks = run.simulator.helperChunks() - helperChunksBefore;
    for (let m = 0; m < this.conditionCount; m++) run.simulator.output(m, run.outputs[m]);
    const step = stepLength(run.params);
    let stretch: StretchEstimate[] | null = null;
    if (estimate) {
      const channels = this.network.readout.channels;
      const referenceStep = stepLength(this.params);
      stretch = run.outputs.map((values, m) =>
        estimateStretchFactor(
          { values: this.references[m], channels, nSamples: this.params.nSamples, step: referenceStep },
          { values, channels, nSamples: run.params.nSamples, step },
          { minFactor: 0.5, gridPoints: 120, tolerance: 1e-4, fitAmplitude: this.options.fitAmplitude },
        ),
      );
    }
    return { lambda, step, nSamples: run.params.nSamples, outputs: run.outputs, stretch, helperChunks };
  }

  /** The thread choice of the preview or the exact run (null: one thread, or not run yet); benchmarks fix it. */
  threadSchedule(exact: boolean): ThreadSchedule | null {
    return (exact ? this.exactRun : this.previewRun)?.simulator.threadSchedule ?? null;
  }

  /** Give the helper threads of both runs back (the slider can still update: it runs on one thread then). */
  dispose(): void {
    this.previewRun?.simulator.dispose();
    this.exactRun?.simulator.dispose();
  }
}

/** Stretch factor of the interpolated pattern at every λ (each condition against its λ = 0 output). */
export function stretchAlongInterpolation(
  network: Network,
  params: DynamicsParams,
  x0s: readonly Float64Array[],
  fastGains: Float64Array,
  slowGains: Float64Array,
  slowFactor: number,
  lambdas: readonly number[],
  options: SpeedSliderOptions = {},
): { lambdas: number[]; factors: number[][]; meanFactors: number[]; explained: number[][] } {
  const slider = new SpeedSlider(network, params, x0s, fastGains, slowGains, slowFactor, { ...options, estimateStretch: true });
  const factors: number[][] = [];
  const explained: number[][] = [];
  try {
    for (const lambda of lambdas) {
      const frame = slider.updateExact(lambda, true);
      factors.push(frame.stretch!.map((s) => s.factor));
      explained.push(frame.stretch!.map((s) => s.explained));
    }
  } finally {
    slider.dispose();
  }
  return { lambdas: [...lambdas], factors, meanFactors: factors.map((f) => f.reduce((a, b) => a + b, 0) / f.length), explained };
}
