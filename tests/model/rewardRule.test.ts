import { describe, expect, it } from 'vitest';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { randomGroups } from '../../src-shared/model/groups.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { runRewardRule, runRewardRuleSessions, type GainTrialEvaluator, type RewardRuleProgress } from '../../src-shared/model/rewardRule.js';
import { Rng } from '../../src-shared/model/rng.js';
import { expectClose } from '../helpers/expectClose.js';
import { hasReference, loadReferenceArray, publishedNetwork, referenceSkipReason } from '../helpers/reference.js';


/** A cheap evaluator: E(g) = Σ (g_i − g*_i)² / n, "output" = the gains themselves. */
function quadraticEvaluator(optimum: Float64Array): GainTrialEvaluator & { calls: number } {
  const n = optimum.length;
  return {
    network: { n },
    channels: 1,
    nSamples: n,
    calls: 0,
    error(gains: Float64Array) {
      this.calls++;
      let s = 0;
      for (let i = 0; i < n; i++) s += (gains[i] - optimum[i]) ** 2;
      return s / n;
    },
    run(gains: Float64Array, outputOut?: Float64Array) {
      if (outputOut) outputOut.set(gains.subarray(0, n));
      return this.error(gains);
    },
  };
}

/**
 * train_neuronal_gains.m transcribed line by line (plain arrays, a fresh gains vector per trial),
 * with ξ drawn from the same generator: the independent truth for the update.
 */
function paperLoop(evaluate: (g: number[]) => number, n: number, groups: Int32Array, G: number, trials: number, seed: number) {
  const rng = new Rng(seed);
  const gains: number[][] = [new Array(n).fill(1)];
  const error = [evaluate(gains[0])];
  let gainsBar = gains[0].slice();
  let errorBar = error[0];
  let R = 0;
  for (let it = 1; it <= trials; it++) {
    const xi = Array.from({ length: G }, () => 0.001 * rng.normal());
    const prev = gains[it - 1];
    gains.push(prev.map((g, i) => g + R * (g - gainsBar[i]) + xi[groups[i]]));
    error.push(evaluate(gains[it]));
    R = Math.sign(errorBar - error[it]);
    errorBar = 0.3 * errorBar + 0.7 * error[it];
    gainsBar = gainsBar.map((b, i) => 0.3 * b + 0.7 * gains[it][i]);
  }
  let best = 0;
  for (let k = 1; k < error.length; k++) if (error[k] < error[best]) best = k;
  return { error, bestGains: gains[best], best };
}

describe('runRewardRule: the update of model-spec §5', () => {
  it('matches a line-by-line transcription of the paper loop (neuron-specific and grouped)', () => {
    const n = 12;
    const optimum = new Float64Array(n).fill(1.004); // reachable by any grouping
    const quad = (g: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (g[i] - optimum[i]) ** 2;
      return s / n;
    };
    for (const G of [n, 4]) {
      const groups = G === n ? Int32Array.from({ length: n }, (_, i) => i) : randomGroups(n, G, new Rng(5));
      const truth = paperLoop(quad, n, groups, G, 400, 17);
      const result = runRewardRule(quadraticEvaluator(optimum), { trials: 400, seed: 17, groups: G === n ? undefined : groups });
      expectClose(result.errors, truth.error, { rtol: 1e-12, atol: 1e-18 });
      expect(result.bestTrial).toBe(truth.best);
      expectClose(result.bestGains, truth.bestGains, { rtol: 1e-14 });
      expect(result.bestError).toBe(result.errors[result.bestTrial]);
      expect(result.errors[result.errors.length - 1]).toBeGreaterThan(0);
      // and it learns: the quadratic error falls well below its start
      expect(result.bestError).toBeLessThan(0.5 * result.errors[0]);
    }
  });

  it('records requested outputs, reports progress every 50 trials, and stops on request', () => {
    const n = 5;
    const evaluator = quadraticEvaluator(new Float64Array(n).fill(1.02));
    const seen: RewardRuleProgress[] = [];
    const full = runRewardRule(evaluator, { trials: 300, seed: 3, recordAt: [0, 100, 300] }, (p) => seen.push(p));
    expect(seen.map((p) => p.trial)).toEqual([50, 100, 150, 200, 250, 300]);
    expect(seen.every((p) => p.trials === 300)).toBe(true);
    expect(full.outputsAt.map((o) => o.trial)).toEqual([0, 100, 300]);
    expectClose(full.outputsAt[0].output, new Float64Array(n).fill(1)); // trial 0 = gains 1
    expect(full.errors.length).toBe(301);
    expect(full.trialsDone).toBe(300);
    expect(full.stopped).toBe(false);
    expectClose(full.bestOutput, full.bestGains);

    let checks = 0;
    const partial = runRewardRule(evaluator, { trials: 300, seed: 3 }, undefined, () => ++checks > 120);
    expect(partial.stopped).toBe(true);
    expect(partial.trialsDone).toBe(120);
    expect(partial.errors.length).toBe(121);
    // a stopped run is the same run as the full one, cut short
    expect(Array.from(partial.errors)).toEqual(Array.from(full.errors.subarray(0, 121)));
    let best = 0;
    for (let k = 1; k <= 120; k++) if (partial.errors[k] < partial.errors[best]) best = k;
    expect(partial.bestTrial).toBe(best);
  });

  it('rejects bad options', () => {
    const evaluator = quadraticEvaluator(new Float64Array(4));
    expect(() => runRewardRule(evaluator, { seed: 1, trials: -1 })).toThrow(RangeError);
    expect(() => runRewardRule(evaluator, { seed: 1, groups: new Int32Array(3) })).toThrow(RangeError);
    expect(() => runRewardRule(evaluator, { seed: 1.5 })).toThrow(RangeError);
    expect(() => runRewardRule(evaluator, { seed: 1, alpha: 1 })).toThrow(RangeError);
  });
});

describe('runRewardRule on the published network and novel target', () => {
  it('neuron-specific gains take the error from 4.18 to below 0.3 within 3000 trials', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const evaluator = new TrialEvaluator(publishedNetwork(), DEFAULT_DYNAMICS, loadReferenceArray('novel_target').data);
    const result = runRewardRule(evaluator, { trials: 3000, seed: 1 });
    expectClose(result.errors[0], 4.1768, { rtol: 1e-4 }); // published fact: error at g = 1
    expect(result.bestError).toBeLessThan(0.3);
    // the best gains reproduce the best error when re-simulated
    expectClose(evaluator.error(result.bestGains), result.bestError, { rtol: 1e-12 });
  });

  it('is deterministic for a seed; 20 random groups also improve', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = publishedNetwork();
    const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, loadReferenceArray('novel_target').data);
    const a = runRewardRule(evaluator, { trials: 150, seed: 9 });
    const b = runRewardRule(evaluator, { trials: 150, seed: 9 });
    const c = runRewardRule(evaluator, { trials: 150, seed: 10 });
    expect(Array.from(a.errors)).toEqual(Array.from(b.errors));
    expect(Array.from(a.bestGains)).toEqual(Array.from(b.bestGains));
    expect(Array.from(a.errors)).not.toEqual(Array.from(c.errors));

    const groups = randomGroups(network.n, 20, new Rng(4));
    const grouped = runRewardRule(evaluator, { trials: 600, seed: 2, groups });
    expect(grouped.groupCount).toBe(20);
    // gains are shared within a group
    for (let i = 0; i < network.n; i++) {
      for (let j = 0; j < network.n; j++) if (groups[i] === groups[j]) expect(grouped.bestGains[i]).toBe(grouped.bestGains[j]);
    }
    expect(grouped.bestError).toBeLessThan(0.8 * grouped.errors[0]);
    expect(grouped.errors[grouped.errors.length - 1]).toBeLessThan(grouped.errors[0]);
  });

  it('runRewardRuleSessions: each lockstep session equals a separate run with the derived seed', ({ skip }) => {
    skip(!hasReference, referenceSkipReason);
    const network = publishedNetwork();
    const target = loadReferenceArray('novel_target').data;
    const evaluator = new TrialEvaluator(network, DEFAULT_DYNAMICS, target);
    let progressCalls = 0;
    const batched = runRewardRuleSessions(network, DEFAULT_DYNAMICS, target, { sessions: 2, trials: 120, seed: 5, recordAt: [60] }, () => progressCalls++);
    expect(progressCalls).toBe(3); // trials 50, 100 and the last (120)
    expect(batched.sessions.length).toBe(2);
    for (let k = 0; k < 2; k++) {
      const single = runRewardRule(evaluator, { trials: 120, seed: Rng.derive(5, k), recordAt: [60] });
      const session = batched.sessions[k];
      expect(session.seed).toBe(Rng.derive(5, k));
      expectClose(session.errors, single.errors, { rtol: 1e-9 });
      expectClose(session.bestGains, single.bestGains, { rtol: 1e-12 });
      expectClose(session.outputsAt[0].output, single.outputsAt[0].output, { rtol: 1e-9, atol: 1e-9 });
      expectClose(session.bestOutput, single.bestOutput, { rtol: 1e-9, atol: 1e-9 });
    }
    const best = batched.sessions[batched.bestSession].bestError;
    for (const session of batched.sessions) expect(best).toBeLessThanOrEqual(session.bestError);
    let checks = 0;
    const stopped = runRewardRuleSessions(network, DEFAULT_DYNAMICS, target, { sessions: 2, trials: 120, seed: 5 }, undefined, () => ++checks > 30);
    expect(stopped.stopped).toBe(true);
    expect(stopped.sessions[1].trialsDone).toBe(30);
    expect(Array.from(stopped.sessions[1].errors)).toEqual(Array.from(batched.sessions[1].errors.subarray(0, 31)));
  });
});
