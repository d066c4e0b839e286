/**
 * The speed view's computations (model-spec §10–11), as plain functions over a `SpeedModel` so
 * the Web Worker (speed.worker.ts) stays a thin message loop and vitest can run them in Node:
 *  - the outputs and slow targets of every learned speed,
 *  - the live slider (src-shared SpeedSlider: g(λ) between the fast and slow patterns, or along
 *    the manifold, one batched simulation of every initial condition per update),
 *  - the time-stretch factor against λ at the model's own step,
 *  - eigenvalue histograms of the linearisation before/after and outputs from noisy x0.
 */
import { normalisedError } from '../../src-shared/model/dynamics.js';
import type { KernelThreads } from '../../src-shared/model/kernels/threads.js';
import { groupMeans } from '../../src-shared/primitives/learn.js';
import type { Network } from '../../src-shared/model/network.js';
import { slowParams, stepLength, type DynamicsParams } from '../../src-shared/model/params.js';
import { histogram, linearisationEigenvalues, noisyOutputs } from '../../src-shared/speed/analysis.js';
import { baselineTargets, outputsFor, rows, slowConditions, SpeedSlider, stretchAlongInterpolation } from '../../src-shared/speed/speed.js';

/** A learned manifold with everything needed to simulate it (plain data: it crosses postMessage). */
export interface SpeedModel {
  n: number;
  nE: number;
  W: Float64Array;
  readout: { channels: number; weights: Float64Array };
  params: DynamicsParams;
  /** m × n */
  x0s: Float64Array;
  m: number;
  /** Duration factors, fastest first. */
  factors: number[];
  /** factors.length × n */
  gains: Float64Array;
  amplitudeScaling: boolean;
  groupLabels: number[] | null;
}

export function modelNetwork(model: SpeedModel): { network: Network; x0s: Float64Array[] } {
  const x0s = rows(model.x0s, model.m, model.n);
  return { network: { n: model.n, nE: model.nE, W: model.W, x0: x0s[0], readout: model.readout }, x0s };
}

export function patternOf(model: SpeedModel, index: number): Float64Array {
  return model.gains.slice(index * model.n, (index + 1) * model.n);
}

export interface SpeedOutputs {
  /** Per speed: nSamples of that speed and step (ms). */
  nSamples: number[];
  step: number;
  /** Per speed: outputs of every condition (m × channels × nSamples), and the slow targets. */
  outputs: Float64Array[];
  targets: Float64Array[];
  /** Per speed: Σ_m E_m of its pattern. */
  errors: number[];
}

/** Outputs and slow targets of every speed (the targets are the slow variants of the g = 1 outputs). */
export function speedOutputs(model: SpeedModel): SpeedOutputs {
  const { network, x0s } = modelNetwork(model);
  const fast = baselineTargets(network, model.params, x0s);
  const channels = model.readout.channels;
  const nSamples: number[] = [];
  const outputs: Float64Array[] = [];
  const targets: Float64Array[] = [];
  const errors: number[] = [];
  model.factors.forEach((factor, k) => {
    const params = slowParams(model.params, factor);
    const output = outputsFor(network, params, x0s, patternOf(model, k));
    const conditions = slowConditions(model.params, channels, x0s, fast, factor, model.amplitudeScaling);
    const target = new Float64Array(output.length);
    const length = channels * params.nSamples;
    let error = 0;
    conditions.forEach((c, m) => {
      target.set(c.target, m * length);
      error += normalisedError(output.subarray(m * length, (m + 1) * length), c.target, channels, params.nSamples);
    });
    nSamples.push(params.nSamples);
    outputs.push(output);
    targets.push(target);
    errors.push(error);
  });
  return { nSamples, step: stepLength(model.params), outputs, targets, errors };
}

/** Gains per group across speeds (Fig. 6): groups × speeds mean gains (neuron-specific: every neuron). */
export function gainsPerGroup(model: SpeedModel): { groups: number; values: Float64Array } {
  const labels = model.groupLabels ? Int32Array.from(model.groupLabels) : Int32Array.from({ length: model.n }, (_, i) => i);
  const count = model.factors.length;
  let groups = 0;
  for (let i = 0; i < labels.length; i++) groups = Math.max(groups, labels[i] + 1);
  const values = new Float64Array(groups * count);
  for (let k = 0; k < count; k++) {
    const means = groupMeans(patternOf(model, k), labels);
    for (let g = 0; g < groups; g++) values[g * count + k] = means[g];
  }
  return { groups, values };
}

export interface SliderSetup {
  /** Interpolate piecewise along every learned pattern instead of straight from fast to slow. */
  alongManifold: boolean;
  /** Preview stride (grid steps per RK4 step while dragging; SpeedSlider's default 3). */
  previewStride?: number;
  /**
   * Kernel of the preview: 'wasm-batch-f32' (one thread) or 'auto' (float64, on every core when
   * the host has helper threads); the speed worker chooses when absent (speed.worker.ts
   * previewKernelFor: float64 on every core when it has helper threads).
   */
  previewKernel?: 'wasm-batch-f32' | 'auto';
}

/** How the kernels run in a speed worker (speed.worker.ts). */
export interface SpeedKernels {
  /** WebAssembly kernels (else the TypeScript ones). */
  wasm: boolean;
  /** Helper threads beside this worker's own (0: one thread), and why none when 0. */
  helpers: number;
  reason: string | null;
}

/** The speed worker's reply to init. */
export interface SliderReady extends SpeedKernels {
  /** Wall time of building the session and its first frame, ms. */
  ms: number;
  /** Kernel of the drag preview. */
  previewKernel: NonNullable<SliderSetup['previewKernel']>;
  /** Helper threads of this session (0 with oneThread). */
  sessionHelpers: number;
}

export interface SliderFrame {
  lambda: number;
  step: number;
  nSamples: number;
  /** m × channels × nSamples (condition-major), a fresh copy (transferable). */
  outputs: Float64Array;
  /** Per condition: estimated stretch factor and explained fraction. */
  factors: number[];
  explained: number[];
  meanFactor: number;
  /** Wall time of the update (simulation + stretch estimate), ms. */
  ms: number;
  /** Chunks of the simulation computed by helper threads (0: it ran on one thread). */
  helperChunks: number;
}

/** The live slider over a model: fast = the first pattern, slow = the last. */
export class SliderSession {
  readonly slider: SpeedSlider;
  readonly model: SpeedModel;

  /** threads: helper threads of the float64 runs (default the host's defaultKernelThreads(); null: one thread). */
  constructor(
    model: SpeedModel,
    setup: SliderSetup,
    private readonly now: () => number = () => Date.now(),
    threads?: KernelThreads | null,
  ) {
    this.model = model;
    const { network, x0s } = modelNetwork(model);
    const count = model.factors.length;
    const slowFactor = model.factors[count - 1];
    this.slider = new SpeedSlider(network, model.params, x0s, patternOf(model, 0), patternOf(model, count - 1), slowFactor, {
      manifold: setup.alongManifold ? { gains: model.gains, count } : undefined,
      previewStride: setup.previewStride,
      previewKernel: setup.previewKernel ?? 'auto',
      fitAmplitude: model.amplitudeScaling,
      threads,
    });
  }

  /** Preview (drag) or exact (model step) frame at λ. */
  frame(lambda: number, exact = false): SliderFrame {
    const started = this.now();
    const frame = exact ? this.slider.updateExact(lambda, true) : this.slider.update(lambda, true);
    const length = frame.outputs[0]?.length ?? 0;
    const outputs = new Float64Array(frame.outputs.length * length);
    frame.outputs.forEach((o, m) => outputs.set(o, m * length));
    const factors = frame.stretch ? frame.stretch.map((s) => s.factor) : [];
    const explained = frame.stretch ? frame.stretch.map((s) => s.explained) : [];
    const meanFactor = factors.length ? factors.reduce((a, b) => a + b, 0) / factors.length : NaN;
    return { lambda, step: frame.step, nSamples: frame.nSamples, outputs, factors, explained, meanFactor, ms: this.now() - started, helperChunks: frame.helperChunks };
  }

  /** Give the helper threads back (a new session replaces this one). */
  dispose(): void {
    this.slider.dispose();
  }
}

/** Stretch factor (mean over conditions) against λ at the model's own step (model-spec §10). */
export function stretchCurve(model: SpeedModel, alongManifold: boolean, points = 11): { lambdas: number[]; meanFactors: number[]; factors: number[][] } {
  const { network, x0s } = modelNetwork(model);
  const count = model.factors.length;
  const lambdas = Array.from({ length: points }, (_, k) => k / (points - 1));
  const curve = stretchAlongInterpolation(network, model.params, x0s, patternOf(model, 0), patternOf(model, count - 1), model.factors[count - 1], lambdas, {
    manifold: alongManifold ? { gains: model.gains, count } : undefined,
    fitAmplitude: model.amplitudeScaling,
  });
  return { lambdas: curve.lambdas, meanFactors: curve.meanFactors, factors: curve.factors };
}

export interface SpeedAnalysis {
  /** Eigenvalues (1/ms) of (−I + W·diag(g))/τ with the fast pattern (before) and the slow one (after). */
  before: { re: Float64Array; im: Float64Array };
  after: { re: Float64Array; im: Float64Array };
  /** Histograms over a common range per part, `bins` bins: edges and counts. */
  histograms: {
    re: { edges: Float64Array; before: Float64Array; after: Float64Array };
    im: { edges: Float64Array; before: Float64Array; after: Float64Array };
  };
  /** Outputs of `draws` noisy copies of condition `condition`'s x0 at `snrDb`, fast and slow patterns. */
  noisy: {
    snrDb: number;
    draws: number;
    condition: number;
    fast: { nSamples: number; clean: Float64Array; outputs: Float64Array };
    slow: { nSamples: number; clean: Float64Array; outputs: Float64Array };
  };
}

export function speedAnalysis(model: SpeedModel, options: { bins?: number; snrDb?: number; draws?: number; seed?: number; condition?: number } = {}): SpeedAnalysis {
  const count = model.factors.length;
  const fastGains = patternOf(model, 0);
  const slowGains = patternOf(model, count - 1);
  const before = linearisationEigenvalues(model.W, model.n, fastGains, model.params.tau);
  const after = linearisationEigenvalues(model.W, model.n, slowGains, model.params.tau);
  const bins = options.bins ?? 30;
  const range = (a: Float64Array, b: Float64Array): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of [...a, ...b]) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  };
  const [reLo, reHi] = range(before.re, after.re);
  const [imLo, imHi] = range(before.im, after.im);
  const reBefore = histogram(before.re, bins, [reLo, reHi]);
  const imBefore = histogram(before.im, bins, [imLo, imHi]);
  const snrDb = options.snrDb ?? 4;
  const draws = options.draws ?? 10;
  const seed = options.seed ?? 1;
  const condition = Math.min(model.m - 1, Math.max(0, options.condition ?? 0));
  const { network, x0s } = modelNetwork(model);
  const x0 = x0s[condition];
  const slow = slowParams(model.params, model.factors[count - 1]);
  const clean = (params: DynamicsParams, gains: Float64Array) => outputsFor(network, params, [x0], gains);
  return {
    before,
    after,
    histograms: {
      re: { edges: reBefore.edges, before: reBefore.counts, after: histogram(after.re, bins, [reLo, reHi]).counts },
      im: { edges: imBefore.edges, before: imBefore.counts, after: histogram(after.im, bins, [imLo, imHi]).counts },
    },
    noisy: {
      snrDb,
      draws,
      condition,
      fast: { nSamples: model.params.nSamples, clean: clean(model.params, fastGains), outputs: noisyOutputs(network, model.params, fastGains, x0, snrDb, draws, seed) },
      slow: { nSamples: slow.nSamples, clean: clean(slow, slowGains), outputs: noisyOutputs(network, slow, slowGains, x0, snrDb, draws, seed) },
    },
  };
}
