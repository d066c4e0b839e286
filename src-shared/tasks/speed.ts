/**
 * The speed-manifold task (model-spec §10): patterns learned at `speeds` evenly spaced duration
 * factors from 1 to maxFactor, jointly over m initial conditions, with either rule. The fast
 * targets are the network's own outputs with g = 1 (so the fast pattern is g = 1); the slow
 * targets are their slow variants (fixed amplitude or × 1/s²).
 *
 * Progress counts trials (iterations) over all speeds; each finished speed reports its whole
 * error curve as "session" = speed index. A stop keeps the speeds reached (the one being learned
 * with its best gains so far, marked not completed).
 */
import type { NetworkPayload, SpeedOptions, SpeedResult } from '../ipc/contract.js';
import { initialConditions as gramianInitialConditions } from '../model/gramian.js';
import type { Network } from '../model/network.js';
import { baselineTargets, learnSpeedManifold, outputsFor, rows, speedFactors, speedWorkPercent } from '../speed/speed.js';
import { quietContext, type TaskContext } from './context.js';
import { groupLabelsOf } from './training.js';

export type SpeedTaskInput = Omit<SpeedOptions, 'networkId' | 'initialConditions' | 'label'> & {
  network: NetworkPayload;
  /** m × n rows available in the project (completed from the Gramian when m is larger). */
  availableInitialConditions: Float64Array;
  m: number;
};

/** The m initial conditions: the network's first m rows, or m Gramian eigenvectors when it has fewer. */
export function speedInitialConditions(network: Pick<NetworkPayload, 'n' | 'nE' | 'W'>, available: Float64Array, m: number): Float64Array {
  const n = network.n;
  if (available.length >= m * n) return available.slice(0, m * n);
  return gramianInitialConditions(network.W, n, m, network.nE);
}

export function runSpeedTask(options: SpeedTaskInput, ctx: TaskContext = quietContext): SpeedResult {
  const payload = options.network;

  const n = payload.n;
  const params = payload.params;
  const m = options.m;
  const x0Matrix = speedInitialConditions(payload, options.availableInitialConditions, m);
  const x0s = rows(x0Matrix, m, n);
  const network: Network = { n, nE: payload.nE, W: payload.W, x0: x0s[0], readout: payload.readout };
  const channels = payload.readout.channels;
  const labels = groupLabelsOf(options.groups, n, options.seed);
  const factors = speedFactors(options.speeds, options.maxFactor, params.nSamples);
  const fast = baselineTargets(network, params, x0s);
  const total = factors.length * options.trials;

  let done = 0;
  ctx.progress(0, total);

  const manifold = learnSpeedManifold(
    network,
    params,
    x0s,
    fast,
    factors,
    {
      rule: options.rule,
      seed: options.seed,
      trials: options.trials,
      iterations: options.trials,
      sigma: options.sigma,
      lr: options.learningRate,
      groups: labels,
      amplitudeScaling: options.amplitude === 'scaled',
    },
    (index, p) => {
      done = index * options.trials + Math.min(p.step, options.trials);
      ctx.progress(done);
      // the percent (and time left) by simulated time: a slow speed's trial costs s times more
      ctx.percent(speedWorkPercent(factors, options.trials, index, p.step));
    },
    () => ctx.shouldStop(),
  );

  // every speed's whole error curve, as the "session" of that speed
  manifold.patterns.forEach((pattern, index) => {
    for (let trial = 0; trial < pattern.errors.length; trial++) ctx.point(index, trial, pattern.errors[trial]);
  });
  ctx.progress(manifold.stopped ? Math.min(done, total) : total);

  const outputs = manifold.patterns.map((pattern) => outputsFor(network, pattern.params, x0s, pattern.gains));
  const targets = manifold.patterns.map((pattern) => {
    const out = new Float64Array(m * channels * pattern.params.nSamples);
    pattern.targets.forEach((target, k) => out.set(target, k * target.length));
    return out;
  });
  return {
    kind: 'speed',
    networkId: payload.id,
    n,
    channels,
    factors: manifold.factors,
    durations: manifold.durations,
    gains: manifold.gains,
    initialConditions: x0Matrix,
    m,
    initialErrors: manifold.initialErrors,
    errors: manifold.errors,
    completed: manifold.patterns.map((p) => !p.stopped),
    outputs,
    targets,
    groupLabels: Array.from(labels),
    amplitude: options.amplitude,
    rule: options.rule,
    seed: options.seed,
    partial: manifold.stopped,
  };
}
