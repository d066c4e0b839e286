/**
 * Speed-slider benchmarks (model-spec §10–11): one slider update at N = 400 as the speed view's Web
 * Worker computes it (src-renderer/workers/speedCompute.ts SliderSession.frame, run here in Node):
 *   speed.slider_update_ms.n400.preview          while dragging: float32 batch, preview stride 3
 *   speed.slider_update_ms.n400.exact            on release: float64 batch at the model's own step
 *   speed.slider_update_ms.n400.preview.f64      the preview as a float64 batch on one thread
 *   speed.slider_update_ms.n400.preview.threads  the float64 preview on every core (helpers on every frame)
 *   speed.slider_update_ms.n400.exact.threads    the exact frame on every core (helpers on every frame)
 *   speed.slider_ratio.n400.exact.threads        exact frame, every core ÷ one thread
 *   speed.slider_ratio.n400.preview.f64_threads  float64 preview on every core ÷ float32 preview on one thread
 *   speed.learn_job_ms.m2                        "Learn speeds" with back-propagation over m = 2 initial
 *                                                conditions through the job path (job manager, model worker
 *                                                pool, the app's core budget): the two conditions' passes
 *                                                side by side when faster (GradientProblem)
 * The ratios time both frames back to back in each repeat (order alternating), so a load that
 * comes and goes on a shared machine hits both sides alike; the absolute times run one after another.
 * The speed worker's helper threads are Web Workers (src-renderer/workers/kernelThreads.ts); here
 * the Node host runs the same helper program (cores − 1 helpers, bench/simulation.ts benchThreads).
 * The model: a synthetic SOC-like N = 400 network (bench/simulation.ts), 3 initial conditions,
 * 7 speeds up to 5× (Fig. 6), gains between the fast and slow patterns interpolated at λ values
 * that change on every update (as a drag does); stretch estimate included.
 */
import { SliderSession, type SliderSetup, type SpeedModel } from '../src-renderer/workers/speedCompute.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { Rng } from '../src-shared/model/rng.js';
import { invokeContract } from '../src-shared/ipc/contract.js';
import type { JobManager } from '../src-main/services/jobManager.js';
import { machineCores } from '../src-main/worker/kernelThread.js';
import { benchJobManager } from './reward.js';
import { benchNetwork, benchThreads, syntheticNetwork } from './simulation.js';
import type { Benchmark } from './types.js';

const N = 400;

export function sliderModel(): SpeedModel {
  const { network } = syntheticNetwork(N, 400);
  const rng = new Rng(6);
  const m = 3;
  const factors = [1, 1 + 2 / 3, 1 + 4 / 3, 3, 3 + 2 / 3, 4 + 1 / 3, 5];
  const x0s = new Float64Array(m * N);
  for (let k = 0; k < m; k++) for (let i = 0; i < N; i++) x0s[k * N + i] = k === 0 ? network.x0[i] : rng.normal(0, 1.5);
  const gains = new Float64Array(factors.length * N);
  factors.forEach((factor, k) => {
    for (let i = 0; i < N; i++) gains[k * N + i] = 1 + 0.1 * (factor - 1) * Math.sin(i * (k + 1));
  });
  return { n: N, nE: network.nE, W: network.W, readout: network.readout, params: DEFAULT_DYNAMICS, x0s, m, factors, gains, amplitudeScaling: false, groupLabels: null };
}

interface SliderOptions {
  exact: boolean;
  previewKernel: NonNullable<SliderSetup['previewKernel']>;
  threads: boolean;
  suffix: string;
  note: string;
}

/** Let the helper threads of new kernels start before timing (they join asynchronously). */
const helpersSettle = () => new Promise((resolve) => setTimeout(resolve, 300));

function newSession(options: Omit<SliderOptions, 'suffix' | 'note'>): SliderSession {
  return new SliderSession(sliderModel(), { alongManifold: false, previewKernel: options.previewKernel }, () => performance.now(), options.threads ? benchThreads() : null);
}

/** First frame (builds the run), helpers fixed to every frame, and time for them to join. */
async function prepare(session: SliderSession, options: Omit<SliderOptions, 'suffix' | 'note'>, lambda: number): Promise<void> {
  session.frame(lambda, options.exact);
  if (!options.threads) return;
  const schedule = session.slider.threadSchedule(options.exact);
  if (schedule) schedule.force = 'team';
  await helpersSettle();
}

function sliderBenchmark(options: SliderOptions): Benchmark {
  let session: SliderSession | null = null;
  let step = 0;
  const lambda = () => {
    step++;
    return ((step * 0.37) % 1 + 1) % 1;
  };
  return {
    name: `speed.slider_update_ms.n${N}.${options.exact ? 'exact' : 'preview'}${options.suffix}`,
    repeats: options.exact ? 10 : 20,
    warmup: 2,
    setup: async () => {
      session = newSession(options);
      await prepare(session, options, lambda());
    },
    run: () => {
      session!.frame(lambda(), options.exact);
    },
    teardown: () => {
      session?.dispose();
      session = null;
    },
    note: `synthetic SOC-like N=${N}, 3 conditions, display window 5T, ${options.note}, stretch estimate`,
  };
}

type Side = Omit<SliderOptions, 'suffix' | 'note'>;

/** `subject` ÷ `baseline` frame time, both at the same λ, back to back (order alternating). */
function ratioBenchmark(name: string, subject: Side, baseline: Side, note: string): Benchmark {
  let sessions: [SliderSession, SliderSession] | null = null;
  let step = 0;
  return {
    name,
    unit: 'ratio',
    repeats: 15,
    warmup: 2,
    setup: async () => {
      sessions = [newSession(subject), newSession(baseline)];
      await prepare(sessions[0], subject, 0.5);
      await prepare(sessions[1], baseline, 0.5);
    },
    run: () => {
      step++;
      const lambda = ((step * 0.37) % 1 + 1) % 1;
      const [a, b] = sessions!;
      if (step % 2) {
        const subjectMs = a.frame(lambda, subject.exact).ms;
        return subjectMs / b.frame(lambda, baseline.exact).ms;
      }
      const baselineMs = b.frame(lambda, baseline.exact).ms;
      return a.frame(lambda, subject.exact).ms / baselineMs;
    },
    teardown: () => {
      sessions?.forEach((session) => session.dispose());
      sessions = null;
    },
    note: `synthetic SOC-like N=${N}, 3 conditions, display window 5T, stretch estimate included; ${note}`,
  };
}

/**
 * speed.learn_job_ms.m2: the speed view's "Learn speeds" as the app runs it — a 'speed' job on the
 * model worker pool with the app's core budget (one core held by the job, the other free for the
 * second condition's passes) — on the bench network: 4 speeds to 3×, 40 random groups, 40 Adam
 * iterations per speed, lr 0.05, seed 1. Conditions: x0 and x0 with every second entry negated.
 */
function learnJobBenchmark(m: number): Benchmark {
  let manager: JobManager | null = null;
  let skipped = '';
  // the joint error (summed over the conditions) at each speed, of the last run (the note quotes it)
  let errors: number[] = [];
  const { network, synthetic } = benchNetwork();
  const payload = { id: 'bench', name: 'Bench', n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout, params: DEFAULT_DYNAMICS };
  const conditions = new Float64Array(m * network.n);
  for (let c = 0; c < m; c++) for (let i = 0; i < network.n; i++) conditions[c * network.n + i] = c > 0 && i % (c + 1) === 0 ? -network.x0[i] : network.x0[i];
  return {
    name: `speed.learn_job_ms.m${m}`,
    repeats: 3,
    warmup: 1,
    get note() {
      return `Learn speeds, gradient, m = ${m}, 4 speeds to 3×, 40 groups, 40 Adam iterations each, ${synthetic ? 'synthetic' : 'published'} N = ${network.n}, through createJobManager + the model worker pool with a core budget of ${machineCores()}; errors ${errors.map((e) => e.toPrecision(6)).join(' ')}${skipped}`;
    },
    setup: () => {
      manager = benchJobManager(machineCores());
      if (!manager) skipped = ' — SKIPPED: out/main/modelWorker.js not found (run `npm run build`)';
    },
    run: async () => {
      if (!manager) return Number.NaN;
      const options = invokeContract['jobs:start-speed'].request.parse({ networkId: 'bench', initialConditions: m, speeds: 4, maxFactor: 3, rule: 'gradient', trials: 40, learningRate: 0.05, seed: 1 });
      const started = performance.now();
      const { jobId } = await manager.startSpeed(options, { network: payload, initialConditions: conditions });
      const detail = await manager.whenFinished(jobId);
      const ms = performance.now() - started;
      if (detail.status !== 'done' || detail.result?.kind !== 'speed') throw new Error(`speed job ended ${detail.status}: ${detail.error?.message ?? ''}`);
      errors = detail.result.errors;
      return ms;
    },
    teardown: async () => {
      await manager?.dispose();
      manager = null;
    },
  };
}

export const benchmarks: Benchmark[] = [
  learnJobBenchmark(2),
  sliderBenchmark({ exact: false, previewKernel: 'wasm-batch-f32', threads: false, suffix: '', note: 'preview stride 3, float32 batch' }),
  sliderBenchmark({ exact: true, previewKernel: 'wasm-batch-f32', threads: false, suffix: '', note: 'at the model step (float64 batch)' }),
  sliderBenchmark({ exact: false, previewKernel: 'auto', threads: false, suffix: '.f64', note: 'preview stride 3, float64 batch on one thread' }),
  sliderBenchmark({ exact: false, previewKernel: 'auto', threads: true, suffix: '.threads', note: 'preview stride 3, float64 batch on every core (cores − 1 helpers, every frame)' }),
  sliderBenchmark({ exact: true, previewKernel: 'wasm-batch-f32', threads: true, suffix: '.threads', note: 'at the model step, float64 batch on every core (cores − 1 helpers, every frame)' }),
  ratioBenchmark(
    `speed.slider_ratio.n${N}.exact.threads`,
    { exact: true, previewKernel: 'wasm-batch-f32', threads: true },
    { exact: true, previewKernel: 'wasm-batch-f32', threads: false },
    'exact frame on every core (helpers every frame) ÷ on one thread',
  ),
  ratioBenchmark(
    `speed.slider_ratio.n${N}.preview.f64_threads`,
    { exact: false, previewKernel: 'auto', threads: true },
    { exact: false, previewKernel: 'wasm-batch-f32', threads: false },
    'preview stride 3: float64 batch on every core (helpers every frame) ÷ float32 batch on one thread',
  ),
];
