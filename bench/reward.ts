/**
 * Reward-rule benchmarks (model-spec §5) on the published N = 200 network and novel target
 * (the synthetic stand-in of ./simulation.ts when the data are absent):
 *   reward.5000_trials_ms            one 5 000-trial session on one thread (TrialEvaluator, default kernel)
 *   reward.2x5000_lockstep_ms        two sessions advanced together on one thread, one batched pass
 *                                    over W per trial (runRewardRuleSessions / BatchTrialEvaluator)
 *   reward.2x5000_two_threads_ms     two sessions at once on two worker_threads (source runs under
 *                                    tsx only: the built bench bundle has no worker entry)
 * Compare the two-session times with 2 × the single one for the throughput gain.
 * The best errors reached are kept in `lastBestErrors` (printed by the runner's note when set).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { TrialEvaluator } from '../src-shared/model/dynamics.js';
import { DEFAULT_DYNAMICS } from '../src-shared/model/params.js';
import { runRewardRule, runRewardRuleSessions } from '../src-shared/model/rewardRule.js';
import { Rng } from '../src-shared/model/rng.js';
import { benchNetwork } from './simulation.js';
import type { Benchmark } from './types.js';

const TRIALS = 5000;
const SEED = 1;

/** Best error of every timed run, by benchmark name (for reports). */
export const lastBestErrors: Record<string, number[]> = {};

function record(name: string, errors: number[]): void {
  (lastBestErrors[name] ??= []).push(...errors);
}

function singleSession(seed: number, trials = TRIALS): { ms: number; bestError: number } {
  const { network, target } = benchNetwork();
  const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target);
  const started = performance.now();
  const result = runRewardRule(evaluator, { trials, seed });
  const ms = performance.now() - started;
  evaluator.dispose();
  return { ms, bestError: result.bestError };
}

// Worker side of reward.2x5000_two_threads_ms: this same file, started as a worker thread.
if (!isMainThread && workerData?.kind === 'gainlab-reward-bench') {
  parentPort!.postMessage(singleSession(workerData.seed as number, workerData.trials as number));
}

const runningFromSource = import.meta.url.endsWith('.ts');

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
