/**
 * Shared set-up of the primitive and speed experiments (Figs. 4–8): an SOC network with its
 * Gramian initial conditions and an NNLS readout fitted (all gains 1, from x0 number 0) to a
 * generated "initial" movement — the same recipe as the example project.
 */
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../model/params.js';
import { initialConditions } from '../model/gramian.js';
import type { Network } from '../model/network.js';
import { fitReadout } from '../model/readoutFit.js';
import { simulateReference } from '../model/dynamics.js';
import { buildSoc } from '../model/soc.js';
import { generateTarget } from '../model/targets.js';

export interface PreparedNetwork {
  network: Network;
  params: DynamicsParams;
  /** m × n, row 0 = network.x0 */
  initialConditions: Float64Array;
  conditionCount: number;
  initialTarget: Float64Array;
  seed: number;
  socIterations: number;
  buildMs: number;
}

export interface PrepareNetworkOptions {
  n: number;
  seed: number;
  /** Initial conditions (top-m Gramian eigenvectors); default 1. */
  conditions?: number;
  /** Seed of the generated initial movement the readout is fitted to; default 1. */
  targetSeed?: number;
  params?: Partial<DynamicsParams>;
  shouldStop?: () => boolean;
}

function nowMs(): number {
  return Date.now();
}

export function prepareNetwork(options: PrepareNetworkOptions): PreparedNetwork {
  const started = nowMs();
  const params: DynamicsParams = { ...DEFAULT_DYNAMICS, ...options.params };
  const soc = buildSoc({ n: options.n, seed: options.seed, recipe: 'adaptive', eigenvalueEvery: 0 }, undefined, options.shouldStop);
  const m = options.conditions ?? 1;
  return withReadout(soc.W, options.n, soc.nE, m, params, options.targetSeed ?? 1, options.seed, soc.iterations, nowMs() - started);
}

/** Initial conditions and readout for a given W. */
export function withReadout(
  W: Float64Array,
  n: number,
  nE: number,
  conditions: number,
  params: DynamicsParams,
  targetSeed = 1,
  seed = 0,
  socIterations = 0,
  buildMs = 0,
): PreparedNetwork {
  const x0s = initialConditions(W, n, conditions, nE);
  const x0 = x0s.slice(0, n);
  const ones = new Float64Array(n).fill(1);
  const { rates } = simulateReference(W, n, x0, ones, params);
  const initialTarget = generateTarget(targetSeed, { duration: params.duration, nSamples: params.nSamples }).values;
  const readout = fitReadout(rates, params.nSamples, n, nE, initialTarget, 1);
  return {
    network: { n, nE, W, x0, readout: { channels: 1, weights: readout.weights } },
    params,
    initialConditions: x0s,
    conditionCount: conditions,
    initialTarget,
    seed,
    socIterations,
    buildMs,
  };
}
