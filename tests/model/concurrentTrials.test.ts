/**
 * Concurrent trials (src-shared/model/rewardRule.ts "Concurrent trials", WasmKernel.offer): the
 * reward rule computing its next trial — guessed — or the next session's on another core gives the
 * numbers of the plain loop bit for bit, stops where it does, and really runs trials on the other
 * core (offers taken, guesses right and wrong); an offered trial gives run()'s bits. With the
 * offered trials' helper absent, late or not given, on a worker (tests/helpers/threadScenarios.ts
 * through tests/helpers/workerDeadline.ts): a caller waiting forever for an offered trial fails the
 * test at the deadline instead of hanging the run.
 */
import { describe, expect, it } from 'vitest';
import { TrialEvaluator } from '../../src-shared/model/dynamics.js';
import { createKernel } from '../../src-shared/model/kernels/index.js';
import { createCoreBudget, ThreadSchedule } from '../../src-shared/model/kernels/threads.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS } from '../../src-shared/model/params.js';
import { rewardRuleLockstep, type GainTrialEvaluator, type LockstepHooks, type RewardRuleResult, type RewardRuleSessionsOptions } from '../../src-shared/model/rewardRule.js';
import { Rng } from '../../src-shared/model/rng.js';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { kernelHosts } from '../helpers/kernelHosts.js';
import { sameBits } from '../helpers/expectClose.js';
import { expectSameRun } from '../helpers/sameRun.js';
import { randomNetwork } from '../helpers/randomNetwork.js';
import { hasReference, loadReferenceArray, publishedNetwork } from '../helpers/reference.js';
import { OfferSpy } from '../helpers/threadScenarios.js';
import type * as threadScenarios from '../helpers/threadScenarios.js';
import { scenarioRunner } from '../helpers/workerDeadline.js';

const host = kernelHosts();

/** A scenario of tests/helpers/threadScenarios.ts on a worker, failing at its deadline. */
const threadScenario = scenarioRunner<typeof threadScenarios>(new URL('../helpers/threadScenarios.ts', import.meta.url));

/** The published network and novel target when present, else an SOC-like random network of the same size and a smooth target. */
function problem(): { network: Network; target: Float64Array } {
  if (hasReference) return { network: publishedNetwork(), target: loadReferenceArray('novel_target').data };
  const network = randomNetwork(200, 100, 2018, 1, true);
  const target = Float64Array.from({ length: DEFAULT_DYNAMICS.nSamples }, (_, k) => Math.sin((2 * Math.PI * k) / DEFAULT_DYNAMICS.nSamples));
  return { network, target };
}

/**
 * An analytic evaluator, E(g) = Σ (g_i − c_i)² plus a ripple, with synchronous offers: the offered
 * error is computed at offer() (or, with `withdraw`, never: offeredError returns null). Tests the
 * rule's logic without threads.
 */
class AnalyticEvaluator implements GainTrialEvaluator {
  readonly network: { n: number };
  readonly channels = 1;
  readonly nSamples = 3;
  private offered: { error: number; output: Float64Array } | null = null;
  constructor(
    n: number,
    private readonly mode: 'offers' | 'withdraw' | 'refuse' | 'none',
  ) {
    this.network = { n };
  }
  private evaluate(gains: Float64Array, output: Float64Array): number {
    let sum = 0;
    for (let i = 0; i < this.network.n; i++) {
      const d = gains[i] - (0.9 + 0.01 * (i % 7));
      sum += d * d + 1e-4 * Math.sin(40 * gains[i]);
    }
    output[0] = sum;
    output[1] = gains[0];
    output[2] = gains[this.network.n - 1];
    return sum;
  }
  error(gains: Float64Array): number {
    return this.evaluate(gains, new Float64Array(3));
  }
  run(gains: Float64Array, outputOut?: Float64Array): number {
    const output = new Float64Array(3);
    const error = this.evaluate(gains, output);
    outputOut?.set(output);
    return error;
  }
  get offer(): ((gains: Float64Array) => boolean) | undefined {
    if (this.mode === 'none') return undefined;
    return (gains) => {
      if (this.mode === 'refuse') return false;
      const output = new Float64Array(3);
      this.offered = { error: this.evaluate(gains, output), output };
      return true;
    };
  }
  offeredError(outputOut?: Float64Array): number | null {
    const offered = this.offered;
    this.offered = null;
    if (!offered || this.mode === 'withdraw') return null;
    outputOut?.set(offered.output);
    return offered.error;
  }
}


function lockstep(evaluator: GainTrialEvaluator, options: Partial<RewardRuleSessionsOptions> & { sessions: number }, hooks?: LockstepHooks) {
  return rewardRuleLockstep({ kind: 'each', evaluator }, { trials: 300, seed: 11, recordAt: [0, 1, 2, 3, 50, 51, 52, 299, 300], ...options }, hooks);
}

describe('concurrent trials: the rule logic (analytic evaluator)', () => {
  const n = 12;
  const plain = lockstep(new AnalyticEvaluator(n, 'none'), { sessions: 1 }).sessions[0];

  it('guessing the next trial gives the plain loop’s run bit for bit, and guesses both right and wrong', () => {
    const spy = new OfferSpy(new AnalyticEvaluator(n, 'offers'));
    const result = lockstep(spy, { sessions: 1, concurrentTrials: 'always' }).sessions[0];
    expectSameRun(result, plain);
    // every trial but the last is offered a guessed successor; each right guess saves a step
    const steps = spy.offers;
    const adopted = 300 - steps - 1;
    expect(steps).toBeGreaterThan(150);
    expect(steps).toBeLessThan(300);
    expect(adopted).toBeGreaterThan(0);
    expect(spy.collected).toBe(spy.offers);
    // the plain loop on one evaluator with the schedule deciding gives the same, too
    expectSameRun(lockstep(new AnalyticEvaluator(n, 'offers'), { sessions: 1 }).sessions[0], plain);
  });

  it('offers refused or withdrawn change nothing', () => {
    expectSameRun(lockstep(new AnalyticEvaluator(n, 'refuse'), { sessions: 1, concurrentTrials: 'always' }).sessions[0], plain);
    expectSameRun(lockstep(new AnalyticEvaluator(n, 'withdraw'), { sessions: 1, concurrentTrials: 'always' }).sessions[0], plain);
    expectSameRun(lockstep(new AnalyticEvaluator(n, 'offers'), { sessions: 1, concurrentTrials: false }).sessions[0], plain);
  });

  it('stops before the trial where the plain loop stops, guessed or not', () => {
    for (const stopAfter of [1, 2, 37, 38, 150, 151]) {
      const stopping = (): LockstepHooks => {
        let seen = 0;
        return { onTrial: (_k, trial) => void (trial > 0 && seen++), shouldStop: () => seen >= stopAfter };
      };
      const expected = lockstep(new AnalyticEvaluator(n, 'none'), { sessions: 1 }, stopping()).sessions[0];
      expect(expected.trialsDone).toBe(stopAfter);
      expect(expected.stopped).toBe(true);
      expectSameRun(lockstep(new AnalyticEvaluator(n, 'offers'), { sessions: 1, concurrentTrials: 'always' }, stopping()).sessions[0], expected);
      const alone = (): LockstepHooks => {
        let seen = 0;
        return { onTrial: (_k, trial) => void (trial > 0 && seen++), sessionStopRequested: () => seen >= stopAfter };
      };
      expectSameRun(lockstep(new AnalyticEvaluator(n, 'offers'), { sessions: 1, concurrentTrials: 'always' }, alone()).sessions[0], expected);
    }
  });

  it('a trial that fails while another is offered collects the offered one first (its core is given back)', () => {
    class Failing extends AnalyticEvaluator {
      calls = 0;
      override error(gains: Float64Array): number {
        if (++this.calls === 40) throw new RangeError('trial 40 failed');
        return super.error(gains);
      }
    }
    for (const sessions of [1, 2]) {
      const failing = new Failing(n, 'offers');
      let offers = 0;
      let collected = 0;
      const evaluator: GainTrialEvaluator = {
        network: failing.network,
        channels: 1,
        nSamples: 3,
        error: (g) => failing.error(g),
        run: (g, o) => failing.run(g, o),
        offer: (g) => (offers++, failing.offer!(g)),
        offeredError: (o) => (collected++, failing.offeredError(o)),
      };
      expect(() => lockstep(evaluator, { sessions, concurrentTrials: 'always' })).toThrow('trial 40 failed');
      expect(offers).toBeGreaterThan(0);
      expect(collected).toBe(offers);
    }
  });

  it('calls onTrial once per trial, in order, with the trial’s error', () => {
    const seen: [number, number][] = [];
    const result = lockstep(new AnalyticEvaluator(n, 'offers'), { sessions: 1, concurrentTrials: 'always' }, { onTrial: (_k, trial, error) => seen.push([trial, error]) }).sessions[0];
    expect(seen.map(([trial]) => trial)).toEqual(Array.from({ length: 301 }, (_, t) => t));
    expect(Float64Array.from(seen.map(([, error]) => error))).toEqual(result.errors);
  });

  it('several sessions: the next session’s trial on the other core, each session as alone, one stopped alone', () => {
    const seeds = [3, 4, 5];
    const expected = lockstep(new AnalyticEvaluator(n, 'none'), { sessions: 3, sessionSeeds: seeds });
    const stopOne = (): LockstepHooks => {
      let seen = 0;
      return { onTrial: (k, trial) => void (k === 1 && trial > 0 && seen++), sessionStopRequested: (k) => k === 1 && seen >= 40 };
    };
    const expectedStop = lockstep(new AnalyticEvaluator(n, 'none'), { sessions: 3, sessionSeeds: seeds }, stopOne());
    for (const mode of ['offers', 'withdraw', 'refuse'] as const) {
      const spy = new OfferSpy(new AnalyticEvaluator(n, mode));
      const result = lockstep(spy, { sessions: 3, sessionSeeds: seeds, concurrentTrials: 'always' });
      result.sessions.forEach((session, k) => expectSameRun(session, expected.sessions[k]));
      if (mode === 'offers') expect(spy.collected).toBeGreaterThanOrEqual(301);
      const stopped = lockstep(new AnalyticEvaluator(n, mode), { sessions: 3, sessionSeeds: seeds, concurrentTrials: 'always' }, stopOne());
      stopped.sessions.forEach((session, k) => expectSameRun(session, expectedStop.sessions[k]));
      expect(stopped.sessions[1].trialsDone).toBe(40);
    }
  });
});

describe('ThreadSchedule: times per trial', () => {
  it('compares calls that complete several trials per trial', () => {
    // concurrent steps of 3 ms completing 2 trials against single trials of 2 ms: the steps win
    const clock = { time: 0 };
    const schedule = new ThreadSchedule(16, () => clock.time);
    let team = 0;
    for (let i = 0; i < 200; i++) {
      const together = schedule.next();
      clock.time += together ? 3 : 2;
      schedule.done(true, together ? 2 : 1);
      if (i >= 100 && together) team++;
    }
    expect(schedule.estimates()).toEqual({ team: 1.5, solo: 2 });
    expect(team).toBeGreaterThanOrEqual(100 - 4 * ThreadSchedule.EXPLORE_TRIALS);
  });
});

describe.skipIf(!sharedDynamicsAvailable())('concurrent trials on the WebAssembly kernels', () => {
  const { network, target } = problem();
  const params = { ...DEFAULT_DYNAMICS, nSamples: target.length };

  /** Offer until the twin's helper has started (its first offers are refused until then). */
  function offerWhenReady(kernel: ReturnType<typeof createKernel>, gains: Float64Array): void {
    const deadline = Date.now() + 10_000;
    while (!kernel.offer!(gains, network.x0)) {
      if (Date.now() > deadline) throw new Error('the offered trial’s helper never started');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }

  it('an offered trial gives run()’s rates bit for bit while the caller runs its own', () => {
    const threads = host();
    const kernel = createKernel('wasm-threads', network, params, { threads });
    const one = createKernel('wasm-pairs', network, params);
    const rng = new Rng(5);
    const gains = Array.from({ length: 6 }, () => Float64Array.from({ length: network.n }, () => 0.8 + 0.4 * rng.uniform()));
    const expected = gains.map((g) => new Float64Array(one.run(g, network.x0, null, null)));
    offerWhenReady(kernel, gains[1]);
    expect(kernel.offer!(gains[2], network.x0)).toBe(false); // one offer at a time
    const own = new Float64Array(kernel.run(gains[0], network.x0, null, null));
    const first = kernel.collect!(null);
    expect(sameBits(own, expected[0])).toBe(true);
    if (first) expect(sameBits(first, expected[1])).toBe(true);
    // every offered trial the helper computed has run()'s bits (a helper not scheduled in time on
    // a busy machine has its trial withdrawn: then there is nothing to compare, so go on)
    let computed = first ? 1 : 0;
    const deadline = Date.now() + 20_000;
    for (let round = 0; round < 12 || (computed < 3 && Date.now() < deadline); round++) {
      const i = 2 + (round % 4);
      const taken = kernel.offer!(gains[i], network.x0);
      expect(sameBits(new Float64Array(kernel.run(gains[i - 2], network.x0, null, null)), expected[i - 2])).toBe(true);
      const rates = taken ? kernel.collect!(new Float64Array(expected[i].length)) : null;
      if (rates) {
        computed++;
        expect(sameBits(rates, expected[i])).toBe(true);
      }
    }
    expect(computed).toBeGreaterThanOrEqual(3);
    expect(kernel.collect!(null)).toBeNull(); // nothing offered
    kernel.dispose?.();
    expect(kernel.offer!(gains[0], network.x0)).toBe(false);
  });

  it('takes a free core from the budget for the offer, and gives it back', () => {
    const { budget } = createCoreBudget(2);
    budget.take(1); // this run's own thread
    const threads = host(budget);
    const kernel = createKernel('wasm-threads', network, params, { threads });
    const gains = new Float64Array(network.n).fill(1);
    offerWhenReady(kernel, gains);
    expect(budget.free()).toBe(0);
    kernel.run(gains, network.x0, null, null);
    kernel.collect!(null);
    expect(budget.free()).toBe(1);
    budget.take(1); // another run holds the other core
    expect(kernel.offer!(gains, network.x0)).toBe(false);
    budget.give(1);
    kernel.dispose?.();
    expect(budget.free()).toBe(1);
  });

  it('a one-session and a two-session reward run give the plain loop’s numbers bit for bit, with trials on the other core', () => {
    const threads = host();
    const options = { trials: 120, seed: 3, recordAt: [0, 7, 8, 60, 61, 120] };
    const runWith = (sessions: number, concurrentTrials: boolean | 'always') => {
      const evaluator = new TrialEvaluator(network, params, target, { threads });
      const spy = new OfferSpy(evaluator);
      const result = rewardRuleLockstep({ kind: 'each', evaluator: spy }, { ...options, sessions, concurrentTrials });
      evaluator.dispose();
      return { result, spy };
    };
    for (const sessions of [1, 2]) {
      const plain = runWith(sessions, false);
      expect(plain.spy.offers).toBe(0);
      const concurrent = runWith(sessions, 'always');
      concurrent.result.sessions.forEach((session, k) => expectSameRun(session, plain.result.sessions[k]));
      // trials really ran on the other core (all of them but a few withdrawn when the machine is busy)
      expect(concurrent.spy.collected).toBeGreaterThan(0);
      if (sessions === 1 && concurrent.spy.collected >= 10) {
        // right guesses saved steps: every step but the last offers one, so fewer offers than trials
        expect(options.trials - (concurrent.spy.offers + 1)).toBeGreaterThan(0);
      }
    }
  });

  it('with the offered trials’ helper absent or not given: no offer is taken, the plain loop’s runs', async () => {
    for (const helper of ['absent', 'none'] as const) {
      const { runs } = await threadScenario('concurrentTrialsWithHelper', { helper, trials: 24 });
      for (const { sessions, expected, got, taken } of runs) {
        got.forEach((session, k) => expectSameRun(session, expected[k]));
        expect(taken, `helper ${helper}, ${sessions} sessions: offers taken`).toBe(0);
      }
    }
  });

  it('with a helper that joined but never claims an offered trial (asleep, descheduled): each offer withdrawn, the plain loop’s runs', async () => {
    const { runs } = await threadScenario('concurrentTrialsWithHelper', { helper: 'late', trials: 24 });
    for (const { sessions, expected, got, taken, computed } of runs) {
      got.forEach((session, k) => expectSameRun(session, expected[k]));
      // offered (the helper has joined), never computed by it: the caller went on without waiting
      expect(taken, `${sessions} sessions: offers taken`).toBeGreaterThan(10);
      expect(computed, `${sessions} sessions`).toBe(0);
    }
  });
});
