/**
 * Linear-algebra and SOC-builder benchmarks (N = 200, the published network size):
 *   schur_n200_ms            real Schur form (Hessenberg + Francis QR, vectors accumulated)
 *   lyapunov_pair_n200_ms    both Gramians from one Schur form (Bartels–Stewart)
 *   soc_n200_adaptive_ms     a whole SOC build, adaptive η (seed 1)
 *   soc_n200_published_ms    a whole SOC build, the published recipe (seed 1; minutes)
 * The SOC notes are filled in after the run with iterations and the final α.
 * The Schur/Lyapunov input is the published W when ../shared/reference/stroud2018 is present,
 * otherwise the initial SOC matrix of seed 1 shifted to be stable (noted).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSchurWorkspace, maxReal, realSchurInto } from '../src-shared/linalg/schur.js';
import { createLyapunovWorkspace, solveLyapunovPairInto } from '../src-shared/linalg/lyapunov.js';
import { buildSoc, initialSocMatrix, type SocRecipe } from '../src-shared/model/soc.js';
import { parseNpy } from '../src-shared/formats/npy.js';
import { Rng } from '../src-shared/model/rng.js';
import type { Benchmark } from './types.js';

const n = 200;

function benchMatrix(): { W: Float64Array; source: string } {
  const dirs = [
    process.env.GAINLAB_REFERENCE_DIR,
    resolve(process.cwd(), '../shared/reference/stroud2018'),
    resolve(process.cwd(), 'shared/reference/stroud2018'),
  ].filter((d): d is string => Boolean(d));
  const dir = dirs.find((d) => existsSync(resolve(d, 'W.npy')));
  if (dir) return { W: parseNpy(new Uint8Array(readFileSync(resolve(dir, 'W.npy')))).data, source: 'published W' };
  return { W: initialSocMatrix(n, 0.1, 10, 3, new Rng(1)), source: 'synthetic: initial SOC matrix, seed 1' };
}

const { W, source } = benchMatrix();
const schurWs = createSchurWorkspace(n);
const lyapWs = createLyapunovWorkspace(n);
const Q = new Float64Array(n * n);
const P = new Float64Array(n * n);
let shift = 1;

function socBenchmark(recipe: SocRecipe, repeats: number): Benchmark {
  const bench: Benchmark = {
    name: `soc_n200_${recipe}_ms`,
    repeats,
    warmup: 0,
    run: () => {
      const r = buildSoc({ n, seed: 1, recipe, eigenvalueEvery: 0 });
      bench.note = `seed 1: ${r.iterations} iterations, final α = ${r.alphaHistory[r.alphaHistory.length - 1].toFixed(5)}`;
      // (no return value: the runner then records process CPU time as well, which matters on a busy machine)
    },
  };
  return bench;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'schur_n200_ms',
    repeats: 10,
    note: source,
    run: () => {
      realSchurInto(W, n, schurWs);
    },
  },
  {
    name: 'lyapunov_pair_n200_ms',
    repeats: 10,
    note: `${source}; A = W − I (W − (α + 1)·I if W − I is unstable), C = 2I`,
    setup: () => {
      realSchurInto(W, n, schurWs);
      const alpha = maxReal(schurWs.wr, n);
      shift = alpha < 1 ? 1 : alpha + 1;
    },
    run: () => {
      solveLyapunovPairInto(schurWs, Q, P, lyapWs, { shift, C: 2 });
    },
  },
  socBenchmark('adaptive', 2),
  socBenchmark('published', 1),
];
