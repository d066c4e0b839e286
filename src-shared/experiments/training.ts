/**
 * The experiments' one door to the training code (model-spec §5–7): every paper experiment trains
 * through these functions, so when the unified training runtime (src-shared/tasks, issue 11)
 * lands it replaces them here, in one place.
 *
 * Sessions are independent runs from derived seeds (session k: Rng.derive(seed, k)), advanced in
 * lockstep by the reward rule's batched loop. "Random groups" are drawn per session from the
 * session's own seed (as the paper's script draws them inside each run).
 */
import { randomGroups } from '../model/groups.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import { runRewardRuleSessions, type RewardRuleResult, type SessionsEvaluator } from '../model/rewardRule.js';
import { trainGradient, type TrainGradientOptions, type TrainGradientResult } from '../model/gradient.js';
import { Rng } from '../model/rng.js';

/** Stream of a session's random groups, derived from its seed. */
const GROUP_STREAM = 0x67727073; // 'grps'

/** Modulatory groups of a condition: neuron-specific, G random groups per session, or given labels. */
export type GroupSpec = { kind: 'neuron-specific' } | { kind: 'random'; count: number } | { kind: 'fixed'; labels: Int32Array };

export interface RewardSessionsSpec {
  network: Network;
  params: DynamicsParams;
  /** One target for every session, or one per session. */
  target: Float64Array | readonly Float64Array[];
  sessions: number;
  seed: number;
  trials: number;
  sigma: number;
  alpha: number;
  groups: GroupSpec;
  /** Several conditions per session (speed tasks): the evaluator of all sessions. */
  evaluator?: SessionsEvaluator;
  progressEvery?: number;
}

export interface RewardSessionsOutcome {
  sessions: RewardRuleResult[];
  /** Group labels each session used (null: neuron-specific). */
  groups: Array<Int32Array | null>;
  seeds: number[];
  bestSession: number;
  stopped: boolean;
}

export function sessionSeeds(seed: number, sessions: number): number[] {
  return Array.from({ length: sessions }, (_, k) => Rng.derive(seed >>> 0, k));
}

/** The random groups of the session with seed `sessionSeed`. */
export function sessionRandomGroups(n: number, count: number, sessionSeed: number): Int32Array {
  return randomGroups(n, Math.min(count, n), new Rng(Rng.derive(sessionSeed >>> 0, GROUP_STREAM)));
}

export function groupsOfSession(spec: GroupSpec, n: number, sessionSeed: number): Int32Array | null {
  switch (spec.kind) {
    case 'neuron-specific':
      return null;
    case 'random':
      return spec.count >= n ? null : sessionRandomGroups(n, spec.count, sessionSeed);
    case 'fixed':
      return spec.labels;
  }
}

/** The reward rule, `sessions` independent sessions in lockstep. */
export function rewardSessions(
  spec: RewardSessionsSpec,
  onProgress?: (trial: number, trials: number, bestError: number) => void,
  shouldStop?: () => boolean,
): RewardSessionsOutcome {
  const seeds = sessionSeeds(spec.seed, spec.sessions);
  const n = spec.network.n;
  const groups = seeds.map((s) => groupsOfSession(spec.groups, n, s));
  const neuronSpecific = Int32Array.from({ length: n }, (_, i) => i);
  const result = runRewardRuleSessions(
    spec.network,
    spec.params,
    spec.target,
    {
      sessions: spec.sessions,
      seed: spec.seed,
      sessionSeeds: seeds,
      sessionGroups: groups.map((g) => g ?? neuronSpecific),
      trials: spec.trials,
      sigma: spec.sigma,
      alpha: spec.alpha,
      evaluator: spec.evaluator,
      progressEvery: spec.progressEvery ?? Math.max(1, Math.round(spec.trials / 20)),
    },
    onProgress ? (p) => onProgress(p.trial, p.trials, p.bestError) : undefined,
    shouldStop,
  );
  return { sessions: result.sessions, groups, seeds, bestSession: result.bestSession, stopped: result.stopped };
}

/** Back-propagation (Adam on the adjoint), as the experiments use it. */
export function gradientRun(options: TrainGradientOptions, shouldStop?: () => boolean): TrainGradientResult {
  return trainGradient(options, undefined, shouldStop);
}
