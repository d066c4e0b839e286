/**
 * The model worker's speed-manifold task (model-spec §10): patterns learned at `speeds` evenly
 * spaced duration factors from 1 to maxFactor, jointly over m initial conditions, with either
 * rule. The fast targets are the network's own outputs with g = 1 (so the fast pattern is g = 1);
 * the slow targets are their slow variants (fixed amplitude or × 1/s²).
 *
 * Progress: `done` counts trials (iterations) over all speeds; each finished speed posts its
 * whole error curve as "session" = speed index. A stop keeps the speeds reached (the one being
 * learned with its best gains so far, marked not completed).
 */
import type { MessagePort } from 'node:worker_threads';
import type { SpeedResult } from '../../src-shared/ipc/contract.js';
import { initialConditions as gramianInitialConditions } from '../../src-shared/model/gramian.js';
import { neuronSpecificGroups, randomGroups } from '../../src-shared/model/groups.js';
import type { Network } from '../../src-shared/model/network.js';
import { Rng } from '../../src-shared/model/rng.js';
import { baselineTargets, learnSpeedManifold, outputsFor, rows, speedFactors } from '../../src-shared/speed/speed.js';
import type { SpeedTask, WorkerMessage } from './protocol.js';

const PROGRESS_POST_MS = 40;

function fail(message: string): Error {
  return new Error(`gainlab-error:invalid-payload:${message}`);
}

/** The m initial conditions: the network's first m rows, or m Gramian eigenvectors when it has fewer. */
export function speedInitialConditions(network: SpeedTask['options']['network'], available: Float64Array, m: number): Float64Array {
  const n = network.n;
  if (available.length >= m * n) return available.slice(0, m * n);
  return gramianInitialConditions(network.W, n, m, network.nE);
}

export function speedGroupLabels(options: SpeedTask['options']): Int32Array {
  const n = options.network.n;
  const spec = options.groups;
  if (spec.kind === 'neuron') return neuronSpecificGroups(n);
  if (spec.kind === 'random') {
    if (spec.count > n) throw fail(`cannot make ${spec.count} groups of ${n} neurons`);
    return randomGroups(n, spec.count, new Rng(spec.seed ?? options.seed));
  }
  if (spec.kind === 'specialised') throw fail('specialised groups are resolved to labels in main before a job starts');
  if (spec.labels.length !== n) throw fail(`groups has ${spec.labels.length} labels for ${n} neurons`);
  return Int32Array.from(spec.labels);
}

export function runSpeedTask(task: SpeedTask): SpeedResult {
  const options = task.options;
  const payload = options.network;
  const post = (message: WorkerMessage) => task.port.postMessage(message);
  const shouldStop = () => Atomics.load(task.stopFlag, 0) !== 0;
  post({ type: 'started' });

  const n = payload.n;
  const params = payload.params;
  const m = options.m;
  const x0Matrix = speedInitialConditions(payload, options.availableInitialConditions, m);
  const x0s = rows(x0Matrix, m, n);
  const network: Network = { n, nE: payload.nE, W: payload.W, x0: x0s[0], readout: payload.readout };
  const channels = payload.readout.channels;
  const labels = speedGroupLabels(options);
  const factors = speedFactors(options.speeds, options.maxFactor, params.nSamples);
  const fast = baselineTargets(network, params, x0s);
  const total = factors.length * options.trials;

  let lastPost = 0;
  /** The joint error of the speed being learned (shown as the job's error). */
  let bestError: number | null = null;
  let done = 0;
  const postProgress = (points: { session: number; fromTrial: number; values: number[] }[] = [], force = false) => {
    const now = Date.now();
    if (!force && now - lastPost < PROGRESS_POST_MS) return;
    lastPost = now;
    post({ type: 'progress', done, total, points, bestError });
  };

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
      // the error of the speed being learned (the fast pattern g = 1 reproduces its targets: 0)
      if (factors[index] !== 1) bestError = p.bestError;
      postProgress();
    },
    shouldStop,
  );

  // every speed's whole error curve, as the "session" of that speed; the job's error is the slowest speed's
  const last = manifold.patterns[manifold.patterns.length - 1];
  if (last && manifold.factors[manifold.factors.length - 1] !== 1) bestError = last.bestError;
  manifold.patterns.forEach((pattern, index) => {
    const curve = Array.from(pattern.errors);
    if (curve.length > 0) postProgress([{ session: index, fromTrial: 0, values: curve }], true);
  });
  done = manifold.stopped ? Math.min(done, total) : total;
  postProgress([], true);
  if (manifold.stopped) post({ type: 'stopped' });

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
