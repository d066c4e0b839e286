/**
 * The fallback example project: "Open example project" opens resources/example/example.gainlab
 * (projects.ts loadExampleProject) and uses this only when that file is not installed.
 *
 * When the authors' published data is on disk (GAINLAB_REFERENCE_DIR, or ../shared/reference/stroud2018
 * next to the working directory, as on the development machines) it is loaded from there: the
 * published N = 200 SOC network, x0, readout and the initial and novel targets (model-spec; the
 * repository never contains a copy). Otherwise a *synthetic stand-in* is built in memory, named so
 * in the UI: a small stable E/I network whose target is its own output under known gains.
 * The projects service (projects.ts) may supersede this with its own loader.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNpy } from '../../src-shared/formats/npy.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { simulateReference, computeOutput } from '../../src-shared/model/dynamics.js';
import { createEmptyProject, type Project, type ProjectNetwork, type TargetMovement } from '../../src-shared/project/schema.js';

export function referenceDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | null {
  const candidates = [env.GAINLAB_REFERENCE_DIR, path.resolve(cwd, '../shared/reference/stroud2018')].filter(
    (dir): dir is string => typeof dir === 'string' && dir.length > 0,
  );
  for (const dir of candidates) if (existsSync(path.join(dir, 'W.npy'))) return dir;
  return null;
}

function load(dir: string, name: string): Float64Array {
  return parseNpy(new Uint8Array(readFileSync(path.join(dir, name)))).data;
}

export function publishedExampleProject(dir: string, now = new Date()): Project {
  const stamp = now.toISOString();
  const W = load(dir, 'W.npy');
  const n = Math.round(Math.sqrt(W.length));
  const nE = n / 2;
  const params = { ...DEFAULT_DYNAMICS };
  const network: ProjectNetwork = {
    id: 'published-network',
    name: 'Stroud et al. 2018 network (N = 200)',
    n,
    nE,
    W,
    initialConditions: load(dir, 'x0.npy'),
    nInitialConditions: 1,
    readout: { channels: 1, weights: load(dir, 'readout.npy'), fittedTo: 'published-initial', fitError: null },
    params,
    seed: null,
    soc: null,
    origin: 'published',
    createdAt: stamp,
  };
  const target = (id: string, name: string, file: string): TargetMovement => {
    const values = load(dir, file);
    return { id, name, channels: 1, nSamples: values.length, duration: params.duration, values, source: { kind: 'published' }, createdAt: stamp };
  };
  const project = createEmptyProject('Example: Stroud et al. 2018', now);
  project.networks.push(network);
  project.targets.push(target('published-initial', 'Initial movement (published)', 'initial_target.npy'));
  project.targets.push(target('published-novel', 'Novel movement (published)', 'novel_target.npy'));
  return project;
}

/** A small stable E/I network and two targets, built from a fixed seed (no data files needed). */
export function syntheticExampleProject(now = new Date(), n = 40): Project {
  const stamp = now.toISOString();
  const rng = new Rng(2018);
  const nE = n / 2;
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j || rng.uniform() > 0.3) continue;
      const w = (1.2 * Math.abs(rng.normal())) / Math.sqrt(n);
      W[i * n + j] = j < nE ? w : -2 * w;
    }
  }
  const x0 = new Float64Array(n);
  for (let i = 0; i < n; i++) x0[i] = 1.5 * rng.normal() * 8;
  const weights = new Float64Array(1 + nE);
  for (let i = 1; i <= nE; i++) weights[i] = rng.uniform() < 0.4 ? 0.2 * rng.uniform() : 0;
  const params = { ...DEFAULT_DYNAMICS };
  const outputFor = (gains: Float64Array): Float64Array => {
    const { rates } = simulateReference(W, n, x0, gains, params);
    return computeOutput(rates, params.nSamples, n, nE, { channels: 1, weights });
  };
  const initial = outputFor(new Float64Array(n).fill(1));
  const novelGains = new Float64Array(n);
  for (let i = 0; i < n; i++) novelGains[i] = 1 + 0.4 * Math.sin(1.7 * i);
  const novel = outputFor(novelGains);
  const project = createEmptyProject('Example (synthetic stand-in)', now);
  project.notes = 'The published data was not found, so this example is a small synthetic network built in memory.';
  project.networks.push({
    id: 'synthetic-network',
    name: `Synthetic E/I network (N = ${n})`,
    n,
    nE,
    W,
    initialConditions: x0,
    nInitialConditions: 1,
    readout: { channels: 1, weights, fittedTo: 'synthetic-initial', fitError: 0 },
    params,
    seed: 2018,
    soc: null,
    origin: 'synthetic',
    createdAt: stamp,
  });
  const movement = (id: string, name: string, values: Float64Array): TargetMovement => ({
    id, name, channels: 1, nSamples: params.nSamples, duration: params.duration, values, source: { kind: 'drawn' }, createdAt: stamp,
  });
  project.targets.push(movement('synthetic-initial', 'Initial movement (synthetic)', initial));
  project.targets.push(movement('synthetic-novel', 'Novel movement (synthetic)', novel));
  return project;
}

export function loadExampleProject(): Project {
  const dir = referenceDir();
  return dir ? publishedExampleProject(dir) : syntheticExampleProject();
}
