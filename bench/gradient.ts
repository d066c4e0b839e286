/**
 * Gradient-training benchmarks (model-spec §6) on the published N = 200 network and novel target
 * (or the synthetic stand-in of ./simulation.ts when the data are absent):
 *   gradient.pass_ms.<trainable>  one forward + exact adjoint pass (E and ∂E/∂θ), default ('auto')
 *       adjoint kernel: WebAssembly for the fixed sparse W (gains, x0, rank1), TypeScript for W
 *   gradient.pass_ms.gains.typescript  the same pass on the TypeScript reference path
 *   gradient.forward_ms           the taped forward alone (default kernel)
 *   gradient.adam50_gains_ms      trainGradient: 50 Adam iterations on neuron-specific gains
 *   gradient.threads.pass_ms.<trainable>  the same pass with every core on every pass (helper
 *       threads forced on), and .one_thread: the same kernel with none;
 *       gradient.threads.pass_ratio.<trainable>: every core / one thread, the median of interleaved
 *       pairs (this host's speed drifts between minutes)
 *   gradient.conditions2.pass_ms  forward + adjoint of two initial conditions (the speed manifold's
 *       m = 2, gains): side by side on two cores (assembly/adjoint.ts "Offered passes") when that
 *       has lately been faster; .one_after_another without; gradient.conditions2.side_by_side.ratio
 *       side by side on every pass / one after another, interleaved
 *   gradient.pass_over_trial.<kernel>  dimensionless: (forward + adjoint for gains) / (one
 *       TrialEvaluator trial with that kernel), the median of interleaved pairs, so that load on a
 *       shared machine hits both alike. Reported in the "ms" field as a plain ratio.
 */
import { TrialEvaluator } from '../src-shared/model/dynamics.js';
import { GradientProblem, trainGradient, type AdjointKernelName, type GradientTrainable } from '../src-shared/model/gradient.js';
import { resolveKernelName, type KernelName } from '../src-shared/model/kernels/index.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { benchNetwork, benchThreads } from './simulation.js';
import type { Benchmark } from './types.js';

function noteOf(extra = ''): string {
  const source = benchNetwork().synthetic ? 'synthetic N=200 network (published data not found)' : 'published N=200 network, novel target';
  return extra ? `${source}; ${extra}` : source;
}

function problemFor(
  trainable: GradientTrainable,
  adjointKernel: AdjointKernelName = 'auto',
  threads: 'none' | 'all' = 'none',
): { problem: GradientProblem; theta: Float64Array; gradient: Float64Array } {
  const { network, target } = benchNetwork();
  const problem = new GradientProblem({
    network,
    params: DEFAULT_DYNAMICS,
    target,
    trainable,
    seed: 1,
    adjointKernel,
    threads: threads === 'all' ? benchThreads() : null,
  });
  if (threads === 'all') problem.forceThreads('team');
  const theta = Float64Array.from(problem.initialParameters);
  if (trainable === 'gains') for (let i = 0; i < theta.length; i++) theta[i] = 1 + 0.05 * Math.sin(i);
  if (trainable === 'rank1') for (let i = 0; i < network.n; i++) theta[i] = 0.01 * Math.cos(i);
  return { problem, theta, gradient: new Float64Array(problem.size) };
}

function passBenchmark(trainable: GradientTrainable, repeats: number, adjointKernel: AdjointKernelName = 'auto'): Benchmark {
  let state: ReturnType<typeof problemFor> | null = null;
  let kernel = '';
  return {
    name: `gradient.pass_ms.${trainable}${adjointKernel === 'auto' ? '' : `.${adjointKernel}`}`,
    repeats,
    warmup: 2,
    setup: () => {
      state = problemFor(trainable, adjointKernel);
      kernel = state.problem.adjoint.kernel;
    },
    run: () => {
      state!.problem.valueAndGradient(state!.theta, state!.gradient);
    },
    teardown: () => {
      state = null;
    },
    get note() {
      return noteOf(`${kernel} adjoint kernel; ${trainable === 'W' ? 'dense W, includes the n×n gradient' : 'sparse W'}`);
    },
  };
}

/** Let the helper threads of a new kernel start before timing (they join asynchronously). */
const helpersSettle = () => new Promise((resolve) => setTimeout(resolve, 300));

type PassState = { problem: GradientProblem; theta: Float64Array; gradient: Float64Array };

/** valueAndGradient of the problem `make` builds, one pass per timed call. */
function passTimes(name: string, repeats: number, make: () => PassState, note: () => string): Benchmark {
  let state: PassState | null = null;
  return {
    name,
    repeats,
    warmup: 2,
    setup: async () => {
      state = make();
      await helpersSettle();
    },
    run: () => {
      state!.problem.valueAndGradient(state!.theta, state!.gradient);
    },
    teardown: () => {
      state?.problem.release();
      state = null;
    },
    get note() {
      return note();
    },
  };
}

/**
 * The ratio subject / baseline of `passes` valueAndGradient passes each, timed back to back in
 * every repeat (baseline first), so a neighbour that slows this host for minutes hits both alike.
 */
function passRatio(name: string, repeats: number, passes: number, make: { subject: () => PassState; baseline: () => PassState }, note: () => string): Benchmark {
  let subject: PassState | null = null;
  let baseline: PassState | null = null;
  const timed = (state: PassState): number => {
    const start = performance.now();
    for (let k = 0; k < passes; k++) state.problem.valueAndGradient(state.theta, state.gradient);
    return performance.now() - start;
  };
  return {
    name,
    repeats,
    warmup: 2,
    unit: 'ratio',
    setup: async () => {
      subject = make.subject();
      baseline = make.baseline();
      await helpersSettle();
    },
    run: () => {
      const baselineMs = timed(baseline!);
      return timed(subject!) / baselineMs;
    },
    teardown: () => {
      subject?.problem.release();
      baseline?.problem.release();
      subject = null;
      baseline = null;
    },
    get note() {
      return note();
    },
  };
}

/**
 * One pass on every core (helpers forced on every pass) and on one thread (the same kernel, no
 * helpers), each alone, then alternated: the ratio every core / one thread, the median over the
 * repeats of interleaved pairs (a neighbour that slows this host for minutes hits both alike).
 */
function threadsBenchmarks(trainable: GradientTrainable, repeats: number): Benchmark[] {
  const note = () =>
    noteOf(`WebAssembly adjoint, ${trainable === 'W' ? 'dense W with the n×n gradient' : 'sparse W'}; every core = ${benchThreads().helpers + 1} threads`);
  const single = (threads: 'all' | 'none'): Benchmark =>
    passTimes(
      `gradient.threads.pass_ms.${trainable}${threads === 'none' ? '.one_thread' : ''}`,
      repeats,
      () => problemFor(trainable, 'auto', threads),
      () => `${note()}${threads === 'none' ? '; one thread' : '; every core on every pass'}`,
    );
  return [
    single('all'),
    single('none'),
    passRatio(`gradient.threads.pass_ratio.${trainable}`, repeats, 1, { subject: () => problemFor(trainable, 'auto', 'all'), baseline: () => problemFor(trainable, 'auto', 'none') }, () => `${note()}; every core / one thread, interleaved`),
  ];
}

/** Two conditions (x0 and x0 with every other sign flipped, both with the bench target), gains. */
function twoConditions(sideBySide: boolean | 'always'): PassState {
  const { network, target } = benchNetwork();
  const flipped = network.x0.map((v, i) => (i % 2 ? -v : v));
  const problem = new GradientProblem({
    network,
    params: DEFAULT_DYNAMICS,
    conditions: [{ target }, { x0: flipped, target }],
    trainable: 'gains',
    threads: benchThreads(),
    sideBySide,
  });
  return { problem, theta: problem.initialParameters.slice(), gradient: new Float64Array(problem.size) };
}

function conditionsBenchmarks(repeats: number): Benchmark[] {
  const note = () => noteOf('two initial conditions, gains, WebAssembly adjoint');
  const single = (name: string, sideBySide: boolean, what: string): Benchmark => passTimes(name, repeats, () => twoConditions(sideBySide), () => `${note()}; ${what}`);
  return [
    single('gradient.conditions2.pass_ms', true, 'the two side by side on two cores when that has lately been faster'),
    single('gradient.conditions2.pass_ms.one_after_another', false, 'one condition after the other (each on every core when faster)'),
    passRatio(
      'gradient.conditions2.side_by_side.ratio',
      repeats,
      5,
      { subject: () => twoConditions('always'), baseline: () => twoConditions(false) },
      () => `${note()}; side by side on every pass / one after another, 5 passes each, interleaved`,
    ),
  ];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

function ratioBenchmark(kernel: KernelName): Benchmark {
  let state: ReturnType<typeof problemFor> | null = null;
  let evaluator: TrialEvaluator | null = null;
  const gains = Float64Array.from({ length: 200 }, (_, i) => 1 + 0.05 * Math.sin(i));
  const label = kernel === 'auto' ? `auto(${resolveKernelName('auto')})` : kernel;
  let adjointKernel = '';
  return {
    name: `gradient.pass_over_trial.${label}`,
    repeats: 3,
    warmup: 1,
    setup: () => {
      state = problemFor('gains');
      adjointKernel = state.problem.adjoint.kernel;
      const { network, target } = benchNetwork();
      evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { kernel });
    },
    run: () => {
      const pass: number[] = [];
      const trial: number[] = [];
      for (let r = 0; r < 7; r++) {
        let start = performance.now();
        evaluator!.error(gains);
        trial.push(performance.now() - start);
        start = performance.now();
        state!.problem.valueAndGradient(state!.theta, state!.gradient);
        pass.push(performance.now() - start);
      }
      return median(pass) / median(trial);
    },
    teardown: () => {
      evaluator?.dispose();
      evaluator = null;
      state = null;
    },
    get note() {
      return noteOf(`dimensionless ratio (forward + adjoint for gains, ${adjointKernel} adjoint kernel) / (one trial), not ms`);
    },
  };
}

export const benchmarks: Benchmark[] = [
  passBenchmark('gains', 20),
  passBenchmark('gains', 10, 'typescript'),
  {
    name: 'gradient.forward_ms',
    repeats: 20,
    warmup: 2,
    ...(() => {
      let state: ReturnType<typeof problemFor> | null = null;
      return {
        setup: () => {
          state = problemFor('gains');
        },
        run: () => {
          state!.problem.value(state!.theta);
        },
      };
    })(),
    get note() {
      return noteOf('taped forward only, sparse W, default adjoint kernel');
    },
  },
  passBenchmark('x0', 10),
  passBenchmark('rank1', 10),
  passBenchmark('W', 5),
  ...threadsBenchmarks('gains', 30),
  ...threadsBenchmarks('W', 10),
  ...conditionsBenchmarks(30),
  {
    name: 'gradient.adam50_gains_ms',
    repeats: 3,
    warmup: 0,
    run: () => {
      const { network, target } = benchNetwork();
      trainGradient({ network, params: DEFAULT_DYNAMICS, target, trainable: 'gains', iterations: 50 });
    },
    get note() {
      return noteOf('50 Adam iterations (51 forward passes, 50 adjoints), lr 1e-2 from g = 1');
    },
  },
  ratioBenchmark('reference'),
  ratioBenchmark('csr'),
  ratioBenchmark('auto'),
];
