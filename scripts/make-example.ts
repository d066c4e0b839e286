/**
 * Builds the shipped example project, resources/example/example.gainlab, from fixed seeds with
 * GainLab's own code. Regenerate it with exactly:
 *
 *     npx tsx scripts/make-example.ts
 *
 * (options: --out FILE, --n N for a quick smaller test build; takes about a minute or two for
 * N = 200 on the 2-core machines, almost all of it in the SOC optimisation).
 *
 * What it holds:
 * - an N = 200 SOC network (soc.ts buildSoc, 'adaptive' recipe, seed SOC_SEED: same stopping rule
 *   α ≤ 0.15 and constraints as the published recipe), with the top 3 initial conditions of its
 *   observability Gramian (gramian.ts initialConditions; row 0 is x0) and the SOC log;
 * - an "initial reach" generated target (targets.ts generateTarget, seed REACH_SEED) and a readout
 *   fitted to it by NNLS with all gains 1 (readoutFit.ts, on simulateReference rates from x0);
 * - two generated novel targets (seeds NOVEL_SEEDS) to train gains on.
 * Timestamps and the project id are fixed and the SOC build time is not stored, so the file is reproducible byte for
 * byte from the same code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalisedError, simulateReference } from '../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { prepareNetwork } from '../src-shared/model/prepare.js';
import { buildSoc } from '../src-shared/model/soc.js';
import { generateTarget } from '../src-shared/model/targets.js';
import { decodeProject, encodeProject } from '../src-shared/project/archive.js';
import { createEmptyProject, type Project, type TargetMovement } from '../src-shared/project/schema.js';

export const SOC_SEED = 2018;
export const REACH_SEED = 1;
export const NOVEL_SEEDS = [2, 3] as const;
export const INITIAL_CONDITIONS = 3;
const STAMP = '2026-11-27T00:00:00.000Z';
/** A fixed project id (createEmptyProject would draw a random one): a rebuild gives the same bytes. */
export const EXAMPLE_PROJECT_ID = 'example-soc-2018';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function buildExampleProject(n = 200, log: (line: string) => void = () => {}): Project {
  const params = { ...DEFAULT_DYNAMICS };
  const grid = { duration: params.duration, nSamples: params.nSamples };
  const nE = n / 2;

  const t0 = Date.now();
  let lastReport = 0;
  const soc = buildSoc({ n, seed: SOC_SEED, recipe: 'adaptive' }, (p) => {
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      log(`  SOC iteration ${p.iteration}: α = ${p.alpha.toFixed(4)}, η = ${p.eta.toFixed(2)}`);
    }
  });
  if (!soc.converged) throw new Error(`SOC did not converge (α = ${soc.alphaHistory[soc.alphaHistory.length - 1]})`);
  const finalAlpha = soc.alphaHistory[soc.alphaHistory.length - 1];
  log(`SOC: ${soc.iterations} iterations, α = ${finalAlpha.toFixed(5)}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);


  const target = (id: string, name: string, seed: number): TargetMovement => {
    const generated = generateTarget(seed, grid, 1);
    return {
      id,
      name,
      channels: 1,
      nSamples: grid.nSamples,
      duration: grid.duration,
      values: generated.values,
      source: { kind: 'generated', seed },
      createdAt: STAMP,
    };
  };
  const reach = target('initial-reach', 'Initial reach', REACH_SEED);
  const novel = NOVEL_SEEDS.map((seed, i) => target(`novel-${i + 1}`, `Novel movement ${i + 1}`, seed));

  // the app's own preparation: Gramian initial conditions, NNLS readout fitted to the reach
  const prepared = prepareNetwork(soc.W, n, nE, INITIAL_CONDITIONS, params, { channels: 1, values: reach.values });
  const x0s = prepared.initialConditions;
  const fit = prepared.readout!;
  const { output, fitError } = fit;
  const novelErrors = novel.map((t) => normalisedError(output, t.values, 1, params.nSamples));
  log(`readout fit to the initial reach: E = ${fitError.toExponential(3)}; novel targets with gains 1: E = ${novelErrors.map((e) => e.toFixed(3)).join(', ')}`);

  const project = createEmptyProject(`Example: SOC network (N = ${n}) and generated movements`, new Date(STAMP), EXAMPLE_PROJECT_ID);
  project.notes =
    `Built by scripts/make-example.ts: SOC network (adaptive recipe, seed ${SOC_SEED}), ` +
    `${INITIAL_CONDITIONS} initial conditions from the observability Gramian, readout fitted by NNLS to the ` +
    `generated initial reach (seed ${REACH_SEED}); novel movements generated with seeds ${NOVEL_SEEDS.join(', ')}. ` +
    'Train gains on a novel movement to reshape the output.';
  project.networks.push({
    id: 'example-network',
    name: `SOC network (N = ${n})`,
    n,
    nE,
    W: soc.W,
    initialConditions: x0s,
    nInitialConditions: INITIAL_CONDITIONS,
    readout: { channels: 1, weights: fit.weights, fittedTo: reach.id, fitError },
    params,
    seed: SOC_SEED,
    soc: {
      recipe: soc.recipe,
      seed: soc.seed,
      iterations: soc.iterations,
      finalAlpha,
      alphaHistory: soc.alphaHistory,
      buildMs: null,
    },
    origin: 'soc',
    createdAt: STAMP,
  });
  project.targets.push(reach, ...novel);
  return project;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.resolve(argValue('--out') ?? path.join(root, 'resources', 'example', 'example.gainlab'));
  const n = Number(argValue('--n') ?? 200);
  const started = Date.now();
  const project = buildExampleProject(n, (line) => console.log(line));
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const bytes = encodeProject(project, { appVersion: version });
  // Read it back before writing: never ship a file GainLab cannot open.
  decodeProject(bytes, { fileName: path.basename(out) });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`wrote ${out}: ${bytes.length} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
