/**
 * Reward-rule benchmarks (model-spec §5) on the published N = 200 network and novel target
 * (the synthetic stand-in of ./simulation.ts when the data are absent):
 *   reward.5000_trials_ms            one 5 000-trial session (TrialEvaluator, 'auto' kernel, every core):
 *                                    the next trial on the other core, guessed, when that is faster
 *                                    (rewardRule.ts, "Concurrent trials")
 *   reward.5000_trials_ms.sequential the same session, one trial at a time (concurrentTrials: false)
 *   reward.concurrent.ratio          the two, 1 000 trials each, timed in alternation
 *   reward.2x5000_each_ms            two sessions on one TrialEvaluator, as the app runs two (below
 *                                    BATCH_MIN_SESSIONS): session 2's trial on the other core
 *   reward.2x5000_lockstep_ms        two sessions advanced together on one thread, one batched pass
 *                                    over W per trial (runRewardRuleSessions / BatchTrialEvaluator)
 *   reward.2x5000_two_threads_ms     two sessions at once on two worker_threads (source runs under
 *                                    tsx only: the built bench bundle has no worker entry)
 *   reward.2jobs_x2000_job_ms        two 1-session runs at once through the job path (2 job threads)
 *                                    with the app's core budget; .no_core_budget without it
 *   reward.10x5000_job_ms            the app's default run: 10 sessions × 5 000 trials through the
 *                                    job path (src-main/services/jobManager.ts with the real worker
 *                                    pool on out/main/modelWorker.js, inline source), submit to done;
 *                                    needs `npm run build` first (noted and skipped otherwise)
 *   reward.1x5000_job_ms             one session through the same path (concurrent trials)
 * Compare the two-session times with 2 × the single one for the throughput gain.
 * The best errors reached are kept in `lastBestErrors` (printed by the runner's note when set).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { invokeContract } from '../src-shared/ipc/contract.js';
import { TrialEvaluator } from '../src-shared/model/dynamics.js';
import { createJobManager, type JobManager } from '../src-main/services/jobManager.js';
import { createWorkerPool } from '../src-main/services/workerPool.js';
import { machineCores } from '../src-main/worker/kernelThread.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { createCoreBudget, type KernelThreads } from '../src-shared/model/kernels/threads.js';
import { rewardRuleLockstep, runRewardRule, runRewardRuleSessions } from '../src-shared/model/rewardRule.js';
import { Rng } from '../src-shared/model/rng.js';
import { benchNetwork, benchThreads } from './simulation.js';
import type { Benchmark } from './types.js';

const TRIALS = 5000;
const SEED = 1;

/** Best error of every timed run, by benchmark name (for reports). */
export const lastBestErrors: Record<string, number[]> = {};

function record(name: string, errors: number[]): void {
  (lastBestErrors[name] ??= []).push(...errors);
}

function singleSession(seed: number, trials = TRIALS, concurrentTrials = true, threads: KernelThreads | null = benchThreads()): { ms: number; bestError: number } {
  const { network, target } = benchNetwork();
  const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { threads });
  const started = performance.now();
  const result = runRewardRule(evaluator, { trials, seed, concurrentTrials });
  const ms = performance.now() - started;
  evaluator.dispose();
  return { ms, bestError: result.bestError };
}

// Worker side of reward.2x5000_two_threads_ms: this same file, started as a worker thread (each
// session on one thread: the two workers have a core each).
if (!isMainThread && workerData?.kind === 'gainlab-reward-bench') {
  parentPort!.postMessage(singleSession(workerData.seed as number, workerData.trials as number, false, null));
}

const RATIO_TRIALS = 1000;

/**
 * reward.concurrent.ratio: a one-session run's time with concurrent trials over the same run one
 * trial at a time (each a new evaluator on every core, RATIO_TRIALS trials), the two in
 * alternation within each repeat, so that the machine's drifting speed cancels out.
 */
const concurrentRatioBenchmark: Benchmark = {
  name: 'reward.concurrent.ratio',
  unit: 'ratio',
  repeats: 7,
  warmup: 1,
  note: `one ${RATIO_TRIALS}-trial session with concurrent trials (when faster) over the same session one trial at a time, alternated`,
  run: () => {
    const sequential = singleSession(SEED, RATIO_TRIALS, false).ms;
    const concurrent = singleSession(SEED, RATIO_TRIALS, true).ms;
    return concurrent / sequential;
  },
};

const runningFromSource = import.meta.url.endsWith('.ts');

/** out/main/modelWorker.js: beside the built bench bundle, or under the repository from source. */
function builtModelWorker(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'modelWorker.js'), path.resolve(here, '..', 'out', 'main', 'modelWorker.js')];
  return candidates.find((file) => existsSync(file)) ?? null;
}

const JOB_SESSIONS = 10;
let jobManager: JobManager | null = null;

/** A reward run through `manager` (inline source: the bench network and target), submitted; resolves when done. */
async function submitRewardJob(manager: JobManager, sessions: number, trials: number, seed: number): Promise<{ jobId: string; done: Promise<number[]> }> {
  const { network, target } = benchNetwork();
  const request = invokeContract['jobs:start-training'].request.parse({
    source: {
      kind: 'inline',
      network: { id: 'bench', name: 'Bench N=200', n: network.n, nE: network.nE, W: network.W, x0: network.x0, readout: network.readout, params: DEFAULT_DYNAMICS },
      targets: [{ id: 'bench-target', name: 'Bench target', channels: 1, nSamples: DEFAULT_DYNAMICS.nSamples, duration: DEFAULT_DYNAMICS.duration, values: target }],
    },
    rule: 'reward',
    trials,
    sessions,
    groups: { kind: 'neuron' },
    seed,
  });
  const { jobId } = await manager.startTraining(request);
  const done = manager.whenFinished(jobId).then((detail) => {
    if (detail.status !== 'done') throw new Error(`reward job ended ${detail.status}: ${detail.error?.message ?? ''}`);
    return detail.result?.kind === 'training' ? detail.result.sessions.map((s) => s.bestError) : [];
  });
  return { jobId, done };
}

/** One reward run of `sessions` sessions through the job manager, submit to done (ms). */
async function runJob(name: string, sessions: number): Promise<number> {
  if (!jobManager) return Number.NaN;
  const started = performance.now();
  const job = await submitRewardJob(jobManager, sessions, TRIALS, SEED);
  const errors = await job.done;
  const ms = performance.now() - started;
  record(name, errors);
  return ms;
}

/** reward.<K>x5000_job_ms: a K-session run as the app runs it (two job threads sharing this machine's cores). */
function jobBenchmark(sessions: number, note: string): Benchmark {
  const name = `reward.${sessions}x${TRIALS}_job_ms`;
  let skipped = '';
  return {
    name,
    repeats: 1,
    warmup: 0,
    get note() {
      return `${sessions} session${sessions === 1 ? '' : 's'} × ${TRIALS} trials, reward rule, neuron-specific gains, seed ${SEED}, through createJobManager + the model worker pool${note}${skipped}`;
    },
    setup: () => {
      jobManager = benchJobManager(machineCores());
      if (!jobManager) skipped = ' — SKIPPED: out/main/modelWorker.js not found (run `npm run build`)';
    },
    run: () => runJob(name, sessions),
    teardown: async () => {
      await jobManager?.dispose();
      jobManager = null;
    },
  };
}

/** A job manager on the built model worker (null when it is not built); `cores` > 0 shares a core budget. */
export function benchJobManager(cores: number): JobManager | null {
  const worker = builtModelWorker();
  if (!worker) return null;
  return createJobManager({
    pool: createWorkerPool({ filename: worker, maxThreads: 2, coreBudget: cores > 0 ? createCoreBudget(cores).memory : undefined }),
    emit: () => {},
    resolveSource: (source) => {
      if (source.kind !== 'inline') throw new Error('the bench submits inline sources only');
      return { network: source.network, targets: source.targets };
    },
  });
}

const TWO_JOB_TRIALS = 2000;

/**
 * reward.2jobs_x2000_job_ms(.no_core_budget): two one-session runs submitted together (the app's
 * two job threads), submit to both done — with the app's core budget (each run on its own core
 * while both run) and without it (each run's helper threads compete for the same cores).
 */
function twoJobsBenchmark(withBudget: boolean): Benchmark {
  let manager: JobManager | null = null;
  const cores = machineCores();
  const name = `reward.2jobs_x${TWO_JOB_TRIALS}_job_ms${withBudget ? '' : '.no_core_budget'}`;
  let note = `two 1-session × ${TWO_JOB_TRIALS}-trial reward jobs at once through the job path (2 job threads), ${withBudget ? `core budget of ${cores}` : 'no core budget'}`;
  return {
    name,
    repeats: 3,
    warmup: 0,
    get note() {
      return note;
    },
    setup: () => {
      manager = benchJobManager(withBudget ? cores : 0);
      if (!manager) note += ' — SKIPPED: out/main/modelWorker.js not found (run `npm run build`)';
    },
    run: async () => {
      if (!manager) return Number.NaN;
      const started = performance.now();
      const jobs = [await submitRewardJob(manager, 1, TWO_JOB_TRIALS, SEED), await submitRewardJob(manager, 1, TWO_JOB_TRIALS, SEED + 1)];
      record(name, (await Promise.all(jobs.map((job) => job.done))).flat());
      return performance.now() - started;
    },
    teardown: async () => {
      await manager?.dispose();
      manager = null;
    },
  };
}

let workerBundle: string | null = null;

/**
 * Under tsx on Node 20 a worker thread cannot load TypeScript (the loader hooks do not reach
 * worker entry files), so the source run bundles this file once with esbuild (tsx's own
 * dependency) into a temporary .mjs and starts the workers from that.
 */
async function prepareWorkerBundle(): Promise<string> {
  if (workerBundle) return workerBundle;
  // A computed specifier: the built bench bundle must not pull esbuild in (it never runs this).
  const esbuildName = 'esbuild';
  const esbuild = (await import(/* @vite-ignore */ esbuildName)) as typeof import('esbuild');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gainlab-bench-'));
  const outfile = path.join(dir, 'reward-worker.mjs');
  await esbuild.build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
    external: ['esbuild'],
  });
  workerBundle = outfile;
  return outfile;
}

/** One session on a new worker thread (started from the bundle of this file). */
export async function runRewardInWorker(seed: number, trials = TRIALS): Promise<{ ms: number; bestError: number }> {
  const file = await prepareWorkerBundle();
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: { kind: 'gainlab-reward-bench', seed, trials } });
    worker.once('message', (message) => {
      resolve(message as { ms: number; bestError: number });
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

export const benchmarks: Benchmark[] = [
  jobBenchmark(JOB_SESSIONS, ''),
  jobBenchmark(1, '; the next trial on the other core, guessed, when faster'),
  twoJobsBenchmark(true),
  twoJobsBenchmark(false),
  {
    name: 'reward.5000_trials_ms',
    repeats: 3,
    warmup: 0,
    note: `${TRIALS} trials, neuron-specific gains, seed ${SEED}`,
    run: () => {
      const { ms, bestError } = singleSession(SEED);
      record('reward.5000_trials_ms', [bestError]);
      return ms;
    },
  },
  concurrentRatioBenchmark,
  {
    name: 'reward.5000_trials_ms.sequential',
    repeats: 3,
    warmup: 0,
    note: `${TRIALS} trials, neuron-specific gains, seed ${SEED}, one trial at a time`,
    run: () => {
      const { ms, bestError } = singleSession(SEED, TRIALS, false);
      record('reward.5000_trials_ms.sequential', [bestError]);
      return ms;
    },
  },
  {
    name: 'reward.2x5000_each_ms',
    repeats: 3,
    warmup: 0,
    note: `two ${TRIALS}-trial sessions on one TrialEvaluator (the app's evaluation of 1–2 sessions), the second session's trial on the other core when faster`,
    run: () => {
      const { network, target } = benchNetwork();
      const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target, { threads: benchThreads() });
      const started = performance.now();
      const result = rewardRuleLockstep({ kind: 'each', evaluator }, { sessions: 2, trials: TRIALS, seed: SEED });
      const ms = performance.now() - started;
      evaluator.dispose();
      record('reward.2x5000_each_ms', result.sessions.map((s) => s.bestError));
      return ms;
    },
  },
  {
    name: 'reward.2x5000_lockstep_ms',
    repeats: 3,
    warmup: 0,
    note: `two ${TRIALS}-trial sessions in lockstep on one thread (batched simulator)`,
    run: () => {
      const { network, target } = benchNetwork();
      const started = performance.now();
      const result = runRewardRuleSessions(network, DEFAULT_DYNAMICS, target, { sessions: 2, trials: TRIALS, seed: SEED });
      const ms = performance.now() - started;
      record('reward.2x5000_lockstep_ms', result.sessions.map((s) => s.bestError));
      return ms;
    },
  },
  ...(runningFromSource
    ? [
        {
          name: 'reward.2x5000_two_threads_ms',
          repeats: 3,
          warmup: 0,
          note: `two ${TRIALS}-trial sessions at once on two worker_threads`,
          setup: async () => {
            await prepareWorkerBundle();
          },
          run: async () => {
            const started = performance.now();
            const results = await Promise.all([runRewardInWorker(Rng.derive(SEED, 0)), runRewardInWorker(Rng.derive(SEED, 1))]);
            const ms = performance.now() - started;
            record('reward.2x5000_two_threads_ms', results.map((r) => r.bestError));
            return ms;
          },
        } satisfies Benchmark,
      ]
    : []),
];
