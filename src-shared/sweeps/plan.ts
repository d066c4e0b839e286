/**
 * How long and how much memory a sweep task takes, estimated from costs measured on this machine:
 *
 *  - per trial: a short timed run of the task's own evaluator (TrialEvaluator, JointTrialEvaluator
 *    for several targets, or the gradient's forward + adjoint) on a surrogate network of the task's
 *    size, shaped like an SOC network (E columns density 0.1 with one shared weight, I columns
 *    density 0.4 — what buildSoc leaves), on the task's movement grid;
 *  - SOC builds: one Schur form of an n × n matrix timed (at most at n = SOC_TIMING_MAX_N, scaled
 *    by n³ above it) × SOC_EXPECTED_ITERATIONS;
 *  - specialised groups: the Adam iterations on each specialising target at the gradient's cost.
 *
 * Memory: a model of the arrays a task holds (documented at estimateTask) over the measured
 * baseline of a GainLab process.
 */
import { TrialEvaluator } from '../model/dynamics.js';
import { trainGradient } from '../model/gradient.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { Rng } from '../model/rng.js';
import { buildSoc } from '../model/soc.js';
import { generateTarget } from '../model/targets.js';
import { JointTrialEvaluator } from '../speed/jointEvaluator.js';
import type { TaskSettings } from './expand.js';
import type { NetworkShape } from './inputs.js';

/**
 * Iterations of the adaptive SOC recipe to convergence, measured here for seed 1: 229 at N = 40,
 * 236 at N = 200 (the recipe's point is that this barely grows with N).
 */
export const SOC_EXPECTED_ITERATIONS = 250;
/** Above this size one SOC iteration is timed at this size and scaled by (n / size)³. */
export const SOC_TIMING_MAX_N = 300;

export interface CostProbe {
  n: number;
  channels: number;
  params: DynamicsParams;
  rule: 'reward' | 'gradient';
  /** Targets trained together. */
  targets: number;
}

export function costProbeKey(probe: CostProbe): string {
  const p = probe.params;
  return `${probe.rule}:n${probe.n}:c${probe.channels}:t${probe.targets}:${p.nSamples}/${p.duration}/${p.tau}/${p.gainFunction}`;
}

/** A network shaped like an SOC network of size n (for timing only; deterministic). */
export function surrogateNetwork(n: number, channels: number): Network {
  const nE = n / 2;
  const rng = new Rng(0x5eed);
  const W = new Float64Array(n * n);
  const e = 0.1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (j < nE ? rng.uniform() < 0.1 : rng.uniform() < 0.4) W[i * n + j] = j < nE ? e : -3 * e * (0.5 + rng.uniform());
    }
  }
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = rng.normal();
  return { n, nE, W, x0, readout: { channels, weights: new Float64Array(channels * (1 + nE)).fill(0.01) } };
}

export interface MeasureOptions {
  /** Milliseconds of a monotonic clock. */
  now: () => number;
  /** Time spent per measurement (default 150 ms; at least 3 timed trials). */
  budgetMs?: number;
}

/** Milliseconds per trial (reward) or per Adam iteration (gradient) of a task of this shape. */
export function measureTrialMs(probe: CostProbe, options: MeasureOptions): number {
  const { now } = options;
  const budget = options.budgetMs ?? 150;
  const network = surrogateNetwork(probe.n, probe.channels);
  // a real movement: a flat target would make the normalised error 0/0 and end training at once
  const target = generateTarget(1, { duration: probe.params.duration, nSamples: probe.params.nSamples }, probe.channels).values;
  const gains = new Float64Array(probe.n).fill(1);
  if (probe.rule === 'gradient') {
    // iterations + 1 forward/adjoint passes; the first call also sets the kernel up
    trainGradient({ network, params: probe.params, target, trainable: 'gains', iterations: 1 });
    let iterations = 2;
    for (;;) {
      const started = now();
      trainGradient({ network, params: probe.params, target, trainable: 'gains', iterations });
      const elapsed = now() - started;
      if (elapsed >= budget || iterations >= 64) return elapsed / (iterations + 1);
      iterations *= 2;
    }
  }
  const evaluator =
    probe.targets === 1
      ? new TrialEvaluator(network, probe.params, target)
      : new JointTrialEvaluator(network, probe.params, Array.from({ length: probe.targets }, () => ({ target })));
  try {
    evaluator.error(gains);
    evaluator.error(gains);
    let trials = 0;
    const started = now();
    let elapsed = 0;
    while (trials < 3 || (elapsed < budget && trials < 10_000)) {
      evaluator.error(gains);
      trials++;
      elapsed = now() - started;
    }
    return elapsed / trials;
  } finally {
    evaluator.dispose();
  }
}

/**
 * Milliseconds of one adaptive-SOC iteration (one Schur form and its Lyapunov pair) at size n:
 * the difference between builds stopped after 1 and after 4 iterations (so set-up and the first,
 * unoptimised calls do not count), after a small warm-up build.
 */
export function measureSocIterationMs(n: number, options: MeasureOptions): number {
  const size = Math.min(n, SOC_TIMING_MAX_N);
  const timed = (iterations: number) => {
    const started = options.now();
    const soc = buildSoc({ n: size, seed: 1, recipe: 'adaptive', eigenvalueEvery: 0, maxIterations: iterations });
    return { ms: options.now() - started, forms: soc.schurForms };
  };
  buildSoc({ n: Math.min(size, 20), seed: 1, recipe: 'adaptive', eigenvalueEvery: 0, maxIterations: 2 });
  const one = timed(1);
  const four = timed(4);
  // (for small n the difference can drown in timer noise: then the plain average)
  const perForm = four.forms > one.forms && four.ms > one.ms ? (four.ms - one.ms) / (four.forms - one.forms) : four.ms / Math.max(1, four.forms);
  return perForm * (n / size) ** 3;
}

export interface TaskEstimate {
  cpuSeconds: number;
  memoryMB: number;
}

export interface CostTable {
  /** ms per trial by costProbeKey */
  trialMs: Map<string, number>;
  /** ms per SOC iteration by n */
  socIterationMs: Map<number, number>;
  /** Start-up of a GainLab process to its first trial (ms), charged to every task. */
  startupMs: number;
  /** Resident memory of a GainLab process before any task (MB). */
  baselineMB: number;
}

/** The cost probes a task needs (its own trials; specialising uses the gradient on one target). */
export function taskProbes(settings: TaskSettings, shape: NetworkShape): CostProbe[] {
  const base = { n: shape.n, channels: shape.channels, params: shape.params };
  const probes: CostProbe[] = [{ ...base, rule: settings.rule, targets: settings.targets.length }];
  if (settings.groups.kind === 'specialised') probes.push({ ...base, rule: 'gradient', targets: 1 });
  return probes;
}

/**
 * CPU time and memory of one task.
 *   time   = start-up + [SOC build: SOC_EXPECTED_ITERATIONS × one iteration]
 *            + [specialised: iterations × targets × one Adam iteration] + (trials + 2) × one trial
 *   memory = baseline + 8 bytes × (4n² [W and the kernel's copies] + 16n² when building an SOC
 *            network [Schur and Lyapunov workspaces] + targets × 4·n·nSamples [states and rates]
 *            + 16·n·nSamples for the gradient's RK4 tape + trials + 1 [the error curve])
 */
export function estimateTask(settings: TaskSettings, shape: NetworkShape, costs: CostTable): TaskEstimate {
  const [own, specialise] = taskProbes(settings, shape);
  const trialMs = costs.trialMs.get(costProbeKey(own)) ?? 0;
  let ms = costs.startupMs + (settings.trials + 2) * trialMs;
  const soc = settings.network.kind === 'soc';
  if (soc) ms += SOC_EXPECTED_ITERATIONS * (costs.socIterationMs.get(shape.n) ?? 0);
  if (specialise && settings.groups.kind === 'specialised') {
    ms += settings.groups.iterations * settings.groups.on.length * (costs.trialMs.get(costProbeKey(specialise)) ?? 0);
  }
  const n = shape.n;
  const nSamples = shape.params.nSamples;
  const gradient = settings.rule === 'gradient' || settings.groups.kind === 'specialised';
  const doubles = 4 * n * n + (soc ? 16 * n * n : 0) + settings.targets.length * 4 * n * nSamples + (gradient ? 16 * n * nSamples : 0) + settings.trials + 1;
  return { cpuSeconds: ms / 1000, memoryMB: costs.baselineMB + (8 * doubles) / 2 ** 20 };
}

/** SLURM requests from the largest task estimate: time × 2 + 2 min, memory × 1.5 + 64 MB. */
export function slurmRequests(maxCpuSeconds: number, maxMemoryMB: number): { timeMinutes: number; memoryMB: number } {
  return {
    timeMinutes: Math.max(5, Math.ceil((2 * maxCpuSeconds + 120) / 60)),
    memoryMB: Math.max(256, Math.ceil((1.5 * maxMemoryMB + 64) / 64) * 64),
  };
}
