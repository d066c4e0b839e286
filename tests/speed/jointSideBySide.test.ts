/**
 * Joint evaluation of several initial conditions (src-shared/speed/jointEvaluator.ts):
 *  - two conditions side by side on two cores (condition 1 offered to another core while
 *    condition 0 runs here) give the one-batch evaluation's errors and outputs bit for bit, and a
 *    reward run on them the batch's run;
 *  - so do two sessions of one condition each (K·m = 2 simulations per trial);
 *  - the training task's several sessions of several conditions, now one batched pass of every
 *    session's conditions (JointSessionsEvaluator), give each session's run on a joint evaluator
 *    of its own, one after another, as before.
 */
import { describe, expect, it } from 'vitest';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { rewardRuleLockstep } from '../../src-shared/model/rewardRule.js';
import { createCoreBudget } from '../../src-shared/model/kernels/threads.js';
import { Rng } from '../../src-shared/model/rng.js';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { JointSessionsEvaluator, JointTrialEvaluator, type JointCondition } from '../../src-shared/speed/jointEvaluator.js';
import { kernelHosts } from '../helpers/kernelHosts.js';
import { sameBits } from '../helpers/expectClose.js';
import { randomNetwork } from '../helpers/randomNetwork.js';
import { hasReference, loadReferenceArray, publishedNetwork } from '../helpers/reference.js';
import { expectSameRun } from '../helpers/sameRun.js';

const host = kernelHosts();

/** The published network with its two targets from two initial conditions (x0 and x0 with every other sign flipped), else a random stand-in. */
function problem(): { network: Network; conditions: JointCondition[] } {
  if (hasReference) {
    const network = publishedNetwork();
    const flipped = network.x0.map((v, i) => (i % 2 ? -v : v));
    return { network, conditions: [{ target: loadReferenceArray('novel_target').data }, { target: loadReferenceArray('initial_target').data, x0: flipped }] };
  }
  const network = randomNetwork(200, 100, 2018, 1, true);
  const wave = (phase: number) => Float64Array.from({ length: DEFAULT_DYNAMICS.nSamples }, (_, k) => Math.sin((2 * Math.PI * k) / DEFAULT_DYNAMICS.nSamples + phase));
  return { network, conditions: [{ target: wave(0) }, { target: wave(1), x0: network.x0.map((v) => -v) }] };
}

describe.skipIf(!sharedDynamicsAvailable())('two initial conditions side by side', () => {
  const { network, conditions } = problem();
  const params = { ...DEFAULT_DYNAMICS, nSamples: conditions[0].target.length };

  it('give the batch’s condition errors and outputs bit for bit, with condition 1 computed on the other core', () => {
    const batch = new JointTrialEvaluator(network, params, conditions, { threads: null });
    const side = new JointTrialEvaluator(network, params, conditions, { threads: host(), sideBySide: 'always' });
    const rng = new Rng(9);
    const deadline = Date.now() + 20_000;
    let trials = 0;
    // the first offers wait for the twin's helper to start (then the batch runs them); on a busy
    // machine an offer may be withdrawn: go on until three trials really ran side by side
    while (trials < 8 || (side.sideBySideTrials < 3 && Date.now() < deadline)) {
      const gains = Float64Array.from({ length: network.n }, () => 0.8 + 0.4 * rng.uniform());
      const expected = batch.run(gains);
      const out = new Float64Array(side.output.length);
      expect(side.run(gains, out)).toBe(expected);
      expect(sameBits(side.conditionErrors, batch.conditionErrors)).toBe(true);
      expect(sameBits(side.output, batch.output)).toBe(true);
      expect(sameBits(out, batch.output)).toBe(true);
      trials++;
    }
    expect(side.sideBySideTrials).toBeGreaterThanOrEqual(3);
    expect(side.trials).toBe(trials);
    batch.dispose();
    side.dispose();
  });

  it('with the app’s core budget (one core held by the run itself) condition 1 still gets the other core, and gives it back', () => {
    const { budget } = createCoreBudget(2);
    budget.take(1); // this run's own thread, as a job holds it
    const side = new JointTrialEvaluator(network, params, conditions, { threads: host(budget), sideBySide: 'always' });
    const gains = new Float64Array(network.n).fill(1);
    const deadline = Date.now() + 20_000;
    while (side.sideBySideTrials < 3 && Date.now() < deadline) side.run(gains);
    expect(side.sideBySideTrials).toBeGreaterThanOrEqual(3);
    expect(budget.free()).toBe(1);
    side.dispose();
  });

  it('a reward run on them is the batch’s run, bit for bit', () => {
    const options = { trials: 80, seed: 4, sessions: 1, recordAt: [0, 5, 40, 80] };
    const batch = new JointTrialEvaluator(network, params, conditions, { threads: null });
    const side = new JointTrialEvaluator(network, params, conditions, { threads: host(), sideBySide: 'always' });
    const expected = rewardRuleLockstep({ kind: 'each', evaluator: batch }, options).sessions[0];
    const actual = rewardRuleLockstep({ kind: 'each', evaluator: side }, options).sessions[0];
    expectSameRun(actual, expected);
    expect(side.sideBySideTrials).toBeGreaterThan(0);
    batch.dispose();
    side.dispose();
  });

  it('several sessions in one batched pass give each session’s run on its own joint evaluator', () => {
    const sessions = 3;
    const options = { trials: 40, seed: 12, sessions, recordAt: [0, 20, 40] };
    const each = new JointTrialEvaluator(network, params, conditions, { threads: null });
    const expected = rewardRuleLockstep({ kind: 'each', evaluator: each }, options);
    const together = new JointSessionsEvaluator(network, params, Array.from({ length: sessions }, () => conditions), { threads: host() });
    const actual = rewardRuleLockstep({ kind: 'sessions', n: network.n, evaluator: together }, options);
    actual.sessions.forEach((session, k) => expectSameRun(session, expected.sessions[k]));
    expect(actual.bestSession).toBe(expected.bestSession);
    // and one session of several conditions (Fig. 6's slow task) through JointSessionsEvaluator
    const single = rewardRuleLockstep(
      { kind: 'sessions', n: network.n, evaluator: new JointSessionsEvaluator(network, params, [conditions], { threads: host(), sideBySide: 'always' }) },
      { ...options, sessions: 1 },
    );
    expectSameRun(single.sessions[0], rewardRuleLockstep({ kind: 'each', evaluator: each }, { ...options, sessions: 1 }).sessions[0]);
    each.dispose();
  });

  it('two sessions of one condition each (Supp. Fig. 8’s slow tasks) side by side give the batch’s runs', () => {
    const options = { trials: 60, seed: 8, sessions: 2, recordAt: [0, 30, 60] };
    const perSession = [[conditions[0]], [conditions[1]]];
    const expected = rewardRuleLockstep({ kind: 'sessions', n: network.n, evaluator: new JointSessionsEvaluator(network, params, perSession, { threads: null }) }, options);
    const side = new JointSessionsEvaluator(network, params, perSession, { threads: host(), sideBySide: 'always' });
    const actual = rewardRuleLockstep({ kind: 'sessions', n: network.n, evaluator: side }, options);
    actual.sessions.forEach((session, k) => expectSameRun(session, expected.sessions[k]));
    expect(side.sideBySideTrials).toBeGreaterThan(0);
  });
});
