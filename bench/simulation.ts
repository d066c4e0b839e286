/**
 * Simulation benchmarks: one 500 ms trial of the published N = 200 network (RK4, 199 steps)
 * through TrialEvaluator.error for each kernel, and the batch simulator.
 * The published data are read from ../shared/reference/stroud2018 (or $GAINLAB_REFERENCE_DIR);
 * without them a synthetic SOC-like network of the same size and density is used (noted).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BatchTrialEvaluator, type BatchKernelName } from '../src-shared/model/batchSimulator.js';
import { TrialEvaluator } from '../src-shared/model/dynamics.js';
import { KERNEL_NAMES, resolveKernelName, type KernelName } from '../src-shared/model/kernels/index.js';
import type { Network } from '../src-shared/model/network.js';
import { parseNpy } from '../src-shared/model/npy.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { Rng } from '../src-shared/model/rng.js';
import type { Benchmark } from './types.js';

function findReferenceDir(): string | null {
  const candidates = [
    process.env.GAINLAB_REFERENCE_DIR,
    resolve(process.cwd(), '../shared/reference/stroud2018'),
    resolve(process.cwd(), 'shared/reference/stroud2018'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((dir) => existsSync(resolve(dir, 'W.npy'))) ?? null;
}

/** Same size and structure as the published SOC network: E density 0.1 with one E weight, I density 0.4. */
function syntheticNetwork(): { network: Network; target: Float64Array } {
  const n = 200;
  const rng = new Rng(2018);
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (j < 100 && rng.uniform() < 0.1) W[i * n + j] = 1.054093;
      if (j >= 100 && rng.uniform() < 0.4) W[i * n + j] = -0.6 * rng.uniform();
    }
  }
  const x0 = Float64Array.from({ length: n }, () => rng.normal(0, 1.5));
  const readout = Float64Array.from({ length: 101 }, () => rng.uniform() * 0.05);
  const target = Float64Array.from({ length: 200 }, (_, k) => 5 * Math.sin(k / 20));
  return { network: { n, nE: 100, W, x0, readout: { channels: 1, weights: readout } }, target };
}

let cached: { network: Network; target: Float64Array; synthetic: boolean } | null = null;
export function benchNetwork(): { network: Network; target: Float64Array; synthetic: boolean } {
  if (cached) return cached;
  const dir = findReferenceDir();
  if (!dir) {
    cached = { ...syntheticNetwork(), synthetic: true };
    return cached;
  }
  const load = (name: string) => parseNpy(new Uint8Array(readFileSync(resolve(dir, `${name}.npy`)))).data;
  cached = {
    network: { n: 200, nE: 100, W: load('W'), x0: load('x0'), readout: { channels: 1, weights: load('readout') } },
    target: load('novel_target'),
    synthetic: false,
  };
  return cached;
}

function trialBenchmark(kernel: KernelName, repeats: number): Benchmark {
  let evaluator: TrialEvaluator | null = null;
  const gains = Float64Array.from({ length: 200 }, (_, i) => 1 + 0.05 * Math.sin(i));
  const label = kernel === 'auto' ? `auto(${resolveKernelName('auto')})` : kernel;
  return {
    name: `trial_ms.${label}`,
    repeats,
    warmup: 3,
    setup: () => {
      const { network, target } = benchNetwork();
      evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel });
    },
    run: () => {
      evaluator!.error(gains);
    },
    get note() {
      return benchNetwork().synthetic ? 'synthetic N=200 network (published data not found)' : 'published N=200 network';
    },
  };
}

/** K sessions per call; reported per trial per session. */
function batchBenchmark(sessions: number, kernel: Exclude<BatchKernelName, 'auto'>, repeats: number): Benchmark {
  let evaluator: BatchTrialEvaluator | null = null;
  const gains = Array.from({ length: sessions }, (_, s) => Float64Array.from({ length: 200 }, (_, i) => 1 + 0.05 * Math.sin(i + s)));
  const errors = new Float64Array(sessions);
  return {
    name: `batch${sessions}_ms_per_trial${kernel === 'wasm-batch' ? '' : `.${kernel}`}`,
    repeats,
    warmup: 2,
    unitsPerRun: sessions,
    setup: () => {
      const { network, target } = benchNetwork();
      evaluator = new BatchTrialEvaluator(network, DEFAULT_DYNAMICS, target, sessions, { kernel });
    },
    run: () => {
      evaluator!.errors(gains, errors);
    },
    note: `${kernel}, ${sessions} sessions per call, time per trial per session`,
  };
}

export const benchmarks: Benchmark[] = [
  ...KERNEL_NAMES.map((kernel) => trialBenchmark(kernel, kernel === 'reference' ? 10 : kernel === 'csr' ? 30 : 60)),
  batchBenchmark(10, 'wasm-batch', 30),
  batchBenchmark(4, 'wasm-batch', 30),
  batchBenchmark(10, 'wasm-batch-f32', 30),
  batchBenchmark(10, 'csr-loop', 5),
];
