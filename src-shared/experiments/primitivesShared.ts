/**
 * What Fig. 4 and Supp. Figs. 3–4 share: the pool of learned gain patterns (one per generated
 * target, reward rule by default) and the library sweeps over it, both kept in the run's
 * checkpoint under keys that name every setting they depend on — so the reproduction report
 * learns the pool once for both figures and a restarted run skips finished sizes.
 */
import type { DynamicsParams } from '../model/params.js';
import type { Network } from '../model/network.js';
import { LIBRARY_BATCH, learnLibrary, libraryFromPatterns, type LearnLibraryProgress, type PrimitiveLibrary } from '../primitives/library.js';
import { checkpointedStep, generatedTargets, type ExperimentProgressListener, type ExperimentRunOptions } from './support.js';
import { departuresFrom } from './setup.js';
import { sweepSize, type SweepSize } from '../primitives/sweep.js';
import type { FitOptions } from '../primitives/library.js';

export interface PoolSettings {
  pool: number;
  rule: 'reward' | 'gradient';
  trials: number;
  sigma: number;
  iterations: number;
  lr: number;
  /** Seed of the first pool target (targets poolTargetSeed, +1, …). */
  poolTargetSeed: number;
}

/**
 * How the pool's learning departs from the paper's, named by the settings the rule used: a reward
 * pool by its trials and σ, an Adam pool by its iterations and learning rate — never "pool trials
 * 0 (paper 5000)" for a pool Adam learned without trials.
 */
export function poolDepartures(paper: PoolSettings, ran: PoolSettings): string[] {
  if (ran.rule === paper.rule) {
    return ran.rule === 'reward'
      ? departuresFrom(paper, ran, { trials: 'pool trials', sigma: 'pool σ' })
      : departuresFrom(paper, ran, { iterations: 'pool Adam iterations', lr: 'pool learning rate' });
  }
  const how = (s: PoolSettings) => (s.rule === 'reward' ? `the reward rule (${s.trials} trials, σ = ${s.sigma})` : `Adam (${s.iterations} iterations, learning rate ${s.lr})`);
  return [`pool learned by ${how(ran)} (paper: ${how(paper)})`];
}

/** Identity of the network in checkpoint keys. */
export function networkKey(options: ExperimentRunOptions, n: number, params: DynamicsParams): string {
  return `${options.network ? 'given' : `soc${n}s${options.seed ?? 1}`}:r0=${params.r0}`;
}

/**
 * The pool's progress in words (the paper's pool of 100 reward-rule patterns takes most of a full
 * run: half an hour said only 'learning a pool'): for the reward rule, the batch of patterns learned
 * in lockstep ('patterns 1–10 of 11', or 'pattern 11 of 11' for a batch of one) and its trial at
 * every tenth of the trials; for Adam, each pattern as it starts. Each
 * message carries the share of the pool learned as data (StepProgress), which the progress bar
 * (experimentProgressEstimator in ./catalog.ts) reads instead of the words.
 */
export function poolProgressMessages(label: string, rule: PoolSettings['rule'], report: ExperimentProgressListener): (progress: LearnLibraryProgress) => void {
  let last = '';
  return (p) => {
    const tenth = rule === 'reward' ? Math.floor((10 * p.step) / Math.max(1, p.steps)) : 0;
    const key = `${p.pattern}:${tenth}`;
    if (key === last) return;
    last = key;
    const patterns = Math.max(1, p.patterns);
    if (rule === 'reward') {
      // the batch's patterns learn in lockstep: each is as far as the batch's trial
      const batch = Math.min(LIBRARY_BATCH, p.patterns - p.pattern);
      const fraction = Math.min(1, (p.pattern + (batch * p.step) / Math.max(1, p.steps)) / patterns);
      // a batch of one (the pool's last pattern after full batches) is 'pattern 11 of 11', not '11–11'
      const which = batch === 1 ? `pattern ${p.pattern + 1}` : `patterns ${p.pattern + 1}–${p.pattern + batch}`;
      report(`${label}: ${which} of ${p.patterns}, trial ${p.step}/${p.steps}`, { fraction });
    } else report(`${label}: pattern ${p.pattern + 1} of ${p.patterns}`, { fraction: p.pattern / patterns });
  };
}

/** The pool: one pattern per generated target (learnLibrary), checkpointed as its gains. */
export function learnedPool(options: ExperimentRunOptions, network: Network, params: DynamicsParams, s: PoolSettings, label: string): { pool: PrimitiveLibrary; ms: number } {
  const seed = options.seed ?? 1;
  const started = Date.now();
  const key = `pool:${networkKey(options, network.n, params)}:${s.rule}:${s.rule === 'reward' ? `${s.trials}t:σ${s.sigma}` : `${s.iterations}i:lr${s.lr}`}:${s.pool}:${s.poolTargetSeed}:seed${seed}`;
  const targets = generatedTargets(s.pool, s.poolTargetSeed, params);
  let partial = false;
  const kept = checkpointedStep(
    options,
    key,
    `${label}: learning a pool of ${s.pool} patterns (${s.rule === 'reward' ? `reward rule, ${s.trials} trials` : `Adam, ${s.iterations} iterations`})`,
    () => {
      const progress = options.onProgress ? poolProgressMessages(label, s.rule, options.onProgress) : undefined;
      const learned = learnLibrary(network, params, targets, { rule: s.rule, seed, trials: s.trials, sigma: s.sigma, iterations: s.iterations, lr: s.lr }, progress, options.shouldStop);
      partial = learned.size < s.pool;
      return { gains: Array.from({ length: learned.size }, (_, k) => Array.from(learned.gains.subarray(k * network.n, (k + 1) * network.n))), errors: Array.from(learned.errors) };
    },
    () => partial,
  ) as { gains: number[][]; errors: number[] };
  const patterns = kept.gains.map((g) => Float64Array.from(g));
  const pool = libraryFromPatterns(network, params, patterns, targets.slice(0, patterns.length), kept.errors);
  return { pool, ms: Date.now() - started };
}

/** Sweep every size (checkpointed per size); sizes above the pool are skipped. */
export function sweepSizes(
  options: ExperimentRunOptions,
  network: Network,
  params: DynamicsParams,
  pool: PrimitiveLibrary,
  poolKey: string,
  baseline: Float64Array,
  targets: readonly Float64Array[],
  sweep: { sizes: readonly number[]; libraries: number; targetSeed: number; fit?: FitOptions },
  label: string,
): SweepSize[] {
  const seed = options.seed ?? 1;
  const out: SweepSize[] = [];
  for (const l of sweep.sizes) {
    if (l > pool.size || options.shouldStop?.()) continue;
    const fitKey = sweep.fit?.ridge !== undefined ? `ridge${sweep.fit.ridge}` : (sweep.fit?.rule ?? 'default');
    const key = `sweep:${poolKey}:${networkKey(options, network.n, params)}:l${l}:${sweep.libraries}x${targets.length}:t${sweep.targetSeed}:${fitKey}:seed${seed}`;
    const result = checkpointedStep(
      options,
      key,
      `${label}: l = ${l}, ${sweep.libraries} libraries × ${targets.length} targets`,
      () => sweepSize(network, params, pool, baseline, targets, l, { libraries: sweep.libraries, seed, fit: sweep.fit }, options.shouldStop),
      (v) => v === null,
    );
    if (result) out.push(result);
  }
  return out;
}
