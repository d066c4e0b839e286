/**
 * The inputs of sweep tasks: networks and targets resolved from their specs (expand.ts) through
 * loaders the caller provides (the CLI reads files with the checks of `gainlab train`; tests and
 * the app may pass their own), cached so tasks that share a network or target load it once.
 *
 * - Network folders and project networks are read; an SOC spec is *built*: buildSoc (adaptive
 *   recipe), x0 = the leading Gramian eigenvector, readout fitted by NNLS with all gains 1 to its
 *   readout target — what `gainlab soc --recipe adaptive` followed by `gainlab fit-readout` do.
 * - Targets: .npy files ((nSamples,) or (channels, nSamples)), project targets, or generated ones
 *   (targets.ts generateTarget on the network's grid with the readout's channel count). Every
 *   target must lie on the network's movement grid and match its readout's channels.
 * - Initial conditions for m > 1: condition 0 is the network's x0; conditions 1…m−1 are the
 *   project's stored rows where it has them, else the top Gramian eigenvectors (model-spec §3).
 *
 * The inputs hash of a task is SHA-256 over the content hashes of what it reads (network arrays,
 * stored initial conditions, targets, specialising targets, an SOC readout target): it can be
 * computed without building anything, and a finished task whose inputs hash changed is stale.
 */
import { Simulator } from '../model/dynamics.js';
import { initialConditions } from '../model/gramian.js';
import { validateNetwork, type Network } from '../model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../model/params.js';
import { fitReadout } from '../model/readoutFit.js';
import { buildSoc } from '../model/soc.js';
import { generateTarget } from '../model/targets.js';
import { networkForModel } from '../project/modelViews.js';
import type { Project } from '../project/schema.js';
import { networkContentHash, targetContentHash } from '../runs/recipe.js';
import { sha256OfFloat64, sha256OfText } from '../runs/sha256.js';
import { canonicalJson, SweepError } from './schema.js';
import { targetLabel, type NetworkSpec, type SweepTask, type TargetSpec, type TaskSettings } from './expand.js';

/** How files are read (paths as written in the sweep file, relative to it). Errors: one line. */
export interface SweepInputLoaders {
  /** W.npy, x0.npy and readout.npy of a network folder. */
  networkDir(path: string): Network;
  npy(path: string): { shape: number[]; data: Float64Array };
  /** The networks and targets of a project file (the rest of a project is not read). */
  project(path: string): SweepProjectData;
}

/** What a sweep reads of a project. */
export type SweepProjectData = Pick<Project, 'networks' | 'targets'>;

/** What planning needs to know of a network without building it. */
export interface NetworkShape {
  n: number;
  nE: number;
  channels: number;
  params: DynamicsParams;
  /** Content hash of the stored arrays (null for SOC networks, which are built from their spec). */
  hash: string | null;
  /** Stored initial conditions (rows of n values, row 0 = x0). */
  storedConditions: number;
}

export interface LoadedNetwork {
  network: Network;
  params: DynamicsParams;
  /** Initial-condition rows the source stores (m × n; row 0 = x0). */
  storedConditions: Float64Array;
  /** SOC builds: iterations and time. */
  build: { iterations: number; finalAlpha: number; elapsedMs: number } | null;
}

export interface LoadedTarget {
  values: Float64Array;
  channels: number;
  nSamples: number;
  hash: string;
  label: string;
}

/** The data one task trains on. */
export interface PreparedTask {
  network: Network;
  params: DynamicsParams;
  /** One per target: its initial condition (x0 unless initialConditions m is set). */
  conditions: Float64Array[];
  targets: Float64Array[];
  /** Specialised groups: the targets Adam learns neuron-specific gains on. */
  specialiseTargets: Float64Array[] | null;
  /** Names the network and specialising targets (gain changes are cached under it). */
  specialiseKey: string;
  networkHash: string;
  inputsHash: string;
  build: LoadedNetwork['build'];
}

export interface InputResolverOptions {
  /** Checked during SOC builds (a stopped build throws). */
  shouldStop?: () => boolean;
  /** Milliseconds of a monotonic clock (build times). */
  now?: () => number;
}

function channelsOfShape(shape: number[]): number {
  return shape.length === 2 ? shape[0] : 1;
}

/** Resolves and caches networks and targets for the tasks of one sweep. */
export class SweepInputs {
  private readonly projects = new Map<string, SweepProjectData>();
  private readonly shapes = new Map<string, NetworkShape>();
  private readonly networks = new Map<string, LoadedNetwork>();
  private readonly networkHashes = new Map<string, string>();
  private readonly targets = new Map<string, LoadedTarget>();
  private readonly conditionRows = new Map<string, Float64Array>();

  constructor(
    private readonly loaders: SweepInputLoaders,
    private readonly options: InputResolverOptions = {},
  ) {}

  private project(path: string): SweepProjectData {
    let project = this.projects.get(path);
    if (!project) {
      project = this.loaders.project(path);
      this.projects.set(path, project);
    }
    return project;
  }

  private projectNetwork(spec: Extract<NetworkSpec, { kind: 'project' }>) {
    const network = this.project(spec.project).networks.find((candidate) => candidate.id === spec.networkId);
    if (!network) throw new SweepError(`${spec.project} has no network with id "${spec.networkId}"`);
    if (!network.readout) throw new SweepError(`network "${network.name}" in ${spec.project} has no readout (fit one in GainLab first)`);
    return network;
  }

  /** n, channels, grid and content hash of a network, without building SOC networks. */
  shape(spec: NetworkSpec): NetworkShape {
    const key = canonicalJson(spec);
    const cached = this.shapes.get(key);
    if (cached) return cached;
    let shape: NetworkShape;
    if (spec.kind === 'soc') {
      const readout = this.rawTarget(spec.readoutTarget, DEFAULT_DYNAMICS, null);
      shape = { n: spec.n, nE: spec.n / 2, channels: readout.channels, params: { ...DEFAULT_DYNAMICS }, hash: null, storedConditions: 1 };
    } else {
      const loaded = this.network(spec);
      shape = {
        n: loaded.network.n,
        nE: loaded.network.nE,
        channels: loaded.network.readout.channels,
        params: loaded.params,
        hash: this.hashOf(spec, loaded),
        storedConditions: loaded.storedConditions.length / loaded.network.n,
      };
    }
    this.shapes.set(key, shape);
    return shape;
  }

  private hashOf(spec: NetworkSpec, loaded: LoadedNetwork): string {
    const key = canonicalJson(spec);
    let hash = this.networkHashes.get(key);
    if (!hash) {
      hash = networkContentHash(loaded.network);
      this.networkHashes.set(key, hash);
    }
    return hash;
  }

  /** The network itself (an SOC spec is built here, once per spec). */
  network(spec: NetworkSpec): LoadedNetwork {
    const key = canonicalJson(spec);
    const cached = this.networks.get(key);
    if (cached) return cached;
    let loaded: LoadedNetwork;
    if (spec.kind === 'dir') {
      const network = this.loaders.networkDir(spec.dir);
      loaded = { network, params: { ...DEFAULT_DYNAMICS }, storedConditions: network.x0, build: null };
    } else if (spec.kind === 'project') {
      const stored = this.projectNetwork(spec);
      if (!stored.readout) throw new SweepError(`network "${stored.name}" in ${spec.project} has no readout; fit one in GainLab first`);
      const network: Network = networkForModel(stored, 0);
      const problem = validateNetwork(network);
      if (problem) throw new SweepError(`network "${stored.name}" in ${spec.project}: ${problem}`);
      loaded = { network, params: { ...stored.params }, storedConditions: stored.initialConditions, build: null };
    } else {
      loaded = this.buildSocNetwork(spec);
    }
    this.networks.set(key, loaded);
    return loaded;
  }

  private buildSocNetwork(spec: Extract<NetworkSpec, { kind: 'soc' }>): LoadedNetwork {
    const now = this.options.now ?? (() => Date.now());
    const started = now();
    const params = { ...DEFAULT_DYNAMICS };
    const soc = buildSoc({ n: spec.n, seed: spec.seed, recipe: spec.recipe, eigenvalueEvery: 0 }, undefined, this.options.shouldStop);
    const finalAlpha = soc.alphaHistory[soc.alphaHistory.length - 1];
    if (soc.stopped) throw new SweepError(`SOC N = ${spec.n}, seed ${spec.seed}: stopped before it converged`);
    if (!soc.converged) {
      throw new SweepError(`SOC N = ${spec.n}, seed ${spec.seed}: did not reach α ≤ ${soc.options.targetAlpha} within ${soc.iterations} iterations (α = ${finalAlpha.toFixed(5)}); pick another seed`);
    }
    const n = spec.n;
    const nE = soc.nE;
    const x0 = initialConditions(soc.W, n, 1, nE);
    // the readout as `gainlab fit-readout` fits it: rates with all gains 1 (fast kernel), NNLS
    const target = this.rawTarget(spec.readoutTarget, params, null);
    const simulator = new Simulator({ n, nE, W: soc.W, x0, readout: { channels: 1, weights: new Float64Array(1 + nE) } }, params);
    const { rates } = simulator.run(new Float64Array(n).fill(1));
    const readout = fitReadout(rates, params.nSamples, n, nE, target.values, target.channels);
    simulator.dispose();
    return {
      network: { n, nE, W: soc.W, x0, readout },
      params,
      storedConditions: x0,
      build: { iterations: soc.iterations, finalAlpha, elapsedMs: now() - started },
    };
  }

  /**
   * A target's values on a grid. `channels` null: whatever the file holds (generated: 1 channel);
   * otherwise the target must have that many channels.
   */
  private rawTarget(spec: TargetSpec, params: DynamicsParams, channels: number | null): LoadedTarget {
    const key = `${canonicalJson(spec)}@${params.duration}/${params.nSamples}/${channels ?? '*'}`;
    const cached = this.targets.get(key);
    if (cached) return cached;
    const label = targetLabel(spec);
    let values: Float64Array;
    let found: { channels: number; nSamples: number };
    if (spec.kind === 'generated') {
      const c = channels ?? 1;
      values = generateTarget(spec.seed, { duration: params.duration, nSamples: params.nSamples }, c).values;
      found = { channels: c, nSamples: params.nSamples };
    } else if (spec.kind === 'file') {
      const array = this.loaders.npy(spec.path);
      if (array.shape.length < 1 || array.shape.length > 2) {
        throw new SweepError(`target ${spec.path} must have shape (nSamples,) or (channels, nSamples), got (${array.shape.join(', ')})`);
      }
      values = array.data;
      found = { channels: channelsOfShape(array.shape), nSamples: array.shape[array.shape.length - 1] };
    } else {
      const target = this.project(spec.project).targets.find((candidate) => candidate.id === spec.id);
      if (!target) throw new SweepError(`${spec.project} has no target with id "${spec.id}"`);
      if (target.duration !== params.duration && target.nSamples === params.nSamples) {
        throw new SweepError(`target "${target.name}" lasts ${target.duration} ms; the network's movements last ${params.duration} ms`);
      }
      values = target.values;
      found = { channels: target.channels, nSamples: target.nSamples };
    }
    if (found.nSamples !== params.nSamples) {
      throw new SweepError(`target ${label} has ${found.nSamples} samples; the network's movement grid has ${params.nSamples}`);
    }
    if (channels !== null && found.channels !== channels) {
      throw new SweepError(`target ${label} has ${found.channels} channel(s); the network's readout has ${channels}`);
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new SweepError(`target ${label} holds a non-finite value at index ${i}`);
    }
    const loaded: LoadedTarget = { values, channels: found.channels, nSamples: found.nSamples, hash: targetContentHash({ values }), label };
    this.targets.set(key, loaded);
    return loaded;
  }

  /** A target checked against a network's grid and readout. */
  target(spec: TargetSpec, shape: Pick<NetworkShape, 'params' | 'channels'>): LoadedTarget {
    return this.rawTarget(spec, shape.params, shape.channels);
  }

  /**
   * Check a task against its inputs (without building SOC networks) and return its inputs hash.
   * Throws SweepError naming the problem: too many groups for n, a target off the network's grid
   * or with the wrong channel count, gradient training of several targets.
   */
  check(settings: TaskSettings): { inputsHash: string; shape: NetworkShape } {
    const shape = this.shape(settings.network);
    const g = settings.groups;
    if (g.kind !== 'neuron' && g.count > shape.n) throw new SweepError(`${g.count} groups for a network of ${shape.n} neurons`);
    if (settings.rule === 'gradient' && settings.targets.length > 1) {
      throw new SweepError(`the gradient rule trains one target; this task has ${settings.targets.length} (several targets with initial conditions are for the reward rule)`);
    }
    const lines: string[] = [];
    if (settings.network.kind === 'soc') lines.push(`soc-readout-target ${this.rawTarget(settings.network.readoutTarget, shape.params, null).hash}`);
    else lines.push(`network ${shape.hash}`);
    const m = settings.initialConditions ?? 1;
    if (m > 1 && settings.network.kind !== 'soc') {
      const stored = this.network(settings.network).storedConditions;
      const rows = Math.min(m, stored.length / shape.n);
      lines.push(`conditions ${sha256OfFloat64(stored.subarray(0, rows * shape.n))}`);
    }
    for (const target of settings.targets) lines.push(`target ${this.target(target, shape).hash}`);
    if (g.kind === 'specialised') for (const target of g.on) lines.push(`specialise ${this.target(target, shape).hash}`);
    return { inputsHash: sha256OfText(lines.join('\n')), shape };
  }

  /** Initial conditions 0..m−1 of a network (stored rows first, the rest from the Gramian). */
  private conditions(spec: NetworkSpec, loaded: LoadedNetwork, m: number): Float64Array[] {
    const { n, nE } = loaded.network;
    const stored = loaded.storedConditions.length / n;
    const key = `${canonicalJson(spec)}#${m}`;
    let rows = this.conditionRows.get(key);
    if (!rows) {
      rows = new Float64Array(m * n);
      rows.set(loaded.storedConditions.subarray(0, Math.min(m, stored) * n));
      if (stored < m) {
        const computed = initialConditions(loaded.network.W, n, m, nE);
        rows.set(computed.subarray(stored * n, m * n), stored * n);
      }
      rows.set(loaded.network.x0, 0);
      this.conditionRows.set(key, rows);
    }
    return Array.from({ length: m }, (_, k) => rows.subarray(k * n, (k + 1) * n));
  }

  /** Everything one task needs to train (builds its SOC network if it has one). */
  prepare(task: SweepTask): PreparedTask {
    const { settings } = task;
    const { inputsHash } = this.check(settings);
    const loaded = this.network(settings.network);
    const shape = this.shape(settings.network);
    const targets = settings.targets.map((spec) => this.target(spec, shape).values);
    const conditions =
      settings.initialConditions === null ? targets.map(() => loaded.network.x0) : this.conditions(settings.network, loaded, settings.initialConditions);
    const g = settings.groups;
    const networkHash = this.hashOf(settings.network, loaded);
    const specialise = g.kind === 'specialised' ? g.on.map((spec) => this.target(spec, shape)) : null;
    return {
      network: loaded.network,
      params: loaded.params,
      conditions,
      targets,
      specialiseTargets: specialise ? specialise.map((target) => target.values) : null,
      specialiseKey: `${networkHash}:${(specialise ?? []).map((target) => target.hash).join(',')}`,
      networkHash,
      inputsHash,
      build: loaded.build,
    };
  }
}
