/**
 * The threaded kernels (src-shared/model/kernels/wasmKernel.ts 'wasm-threads', the batch with
 * helper threads) and their Node host (src-main/worker/kernelThread.ts): the same bits as the
 * one-thread kernels whatever the number of threads, with the helpers really computing part of
 * every trial; helper threads reused after dispose; the per-trial thread choice. The batch's
 * session splits (src-shared/model/batchSimulator.ts) with a helper absent, late or asleep run on a
 * worker (tests/helpers/threadScenarios.ts through tests/helpers/workerDeadline.ts), so that a
 * driver waiting forever for its helper fails the test at a deadline instead of hanging the run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BatchSimulator, sharedVectorPlan, SPLIT_MIN_SESSIONS, splitSessions } from '../../src-shared/model/batchSimulator.js';
import { computeOutput, simulateReference } from '../../src-shared/model/dynamics.js';
import { createKernel } from '../../src-shared/model/kernels/index.js';
import { trialStages } from '../../src-shared/model/kernels/layout.js';
import { helpersTookPart } from '../../src-shared/model/kernels/wasmKernel.js';
import { createCoreBudget, ThreadSchedule, type CoreBudget, type KernelThreads } from '../../src-shared/model/kernels/threads.js';
import type { TrialKernel } from '../../src-shared/model/kernels/types.js';
import type { Network } from '../../src-shared/model/network.js';
import { DEFAULT_DYNAMICS, type DynamicsParams } from '../../src-shared/model/params.js';
import { Rng } from '../../src-shared/model/rng.js';
import { sharedDynamicsAvailable } from '../../src-shared/model/wasm/loader.js';
import { createNodeKernelThreads, type NodeKernelThreads } from '../../src-main/worker/kernelThread.js';
import { randomNetwork } from '../helpers/randomNetwork.js';
import { sameBits } from '../helpers/expectClose.js';
import { absentHelper, network200, sessionOutputs } from '../helpers/threadScenarios.js';
import type * as threadScenarios from '../helpers/threadScenarios.js';
import { scenarioRunner } from '../helpers/workerDeadline.js';

const hosts: NodeKernelThreads[] = [];
function host(helpers: number, maxWorkers?: number, budget?: CoreBudget): NodeKernelThreads {
  const created = createNodeKernelThreads({ helpers, maxWorkers, budget });
  hosts.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

/**
 * A scenario of tests/helpers/threadScenarios.ts (a helper absent, late or asleep) on a worker: were
 * the helper waited for, the calling thread would wait forever, so the test fails at the deadline
 * instead of hanging.
 */
const threadScenario = scenarioRunner<typeof threadScenarios>(new URL('../helpers/threadScenarios.ts', import.meta.url));

/** Run trials until the helpers have computed chunks (they join asynchronously), at most ~20 s. */
function runUntilHelpersJoin(run: () => void, helperChunks: () => number): void {
  const deadline = Date.now() + 20_000;
  run();
  while (helperChunks() === 0 && Date.now() < deadline) run();
  expect(helperChunks(), 'the helper threads never computed a chunk').toBeGreaterThan(0);
}

describe.skipIf(!sharedDynamicsAvailable())('threaded trial kernel', () => {
  it('gives the bits of the one-thread kernel on 2, 3 and 4 threads, with the helpers computing chunks', () => {
    const network = network200();
    const params = DEFAULT_DYNAMICS;
    const rng = new Rng(11);
    const oneThread = createKernel('wasm-pairs', network, params);
    for (const helpers of [1, 2, 3]) {
      const kernel = createKernel('wasm-threads', network, params, { threads: host(helpers) });
      kernel.schedule!.force = 'team';
      const states = new Float64Array(params.nSamples * network.n);
      runUntilHelpersJoin(
        () => kernel.run(network.x0.map(() => 1), network.x0, null, states),
        () => kernel.helperChunks!(),
      );
      const before = kernel.helperChunks!();
      for (let trial = 0; trial < 4; trial++) {
        const gains = Float64Array.from({ length: network.n }, () => 1 + 0.3 * rng.normal());
        const x0 = network.x0.map((v) => v + rng.normal());
        const expectedStates = new Float64Array(states.length);
        const expectedRates = oneThread.run(gains, x0, new Float64Array(states.length), expectedStates);
        const rates = kernel.run(gains, x0, new Float64Array(states.length), states);
        expect(sameBits(states, expectedStates), `${helpers} helpers, trial ${trial}`).toBe(true);
        expect(sameBits(rates, expectedRates), `${helpers} helpers, trial ${trial}`).toBe(true);
      }
      // the helpers kept working on these trials (not only on the first ones)
      expect(kernel.helperChunks!()).toBeGreaterThan(before);
      // and the result is the model's: within 1e-12 of the exact reference
      const gains = Float64Array.from({ length: network.n }, () => 1.1);
      const ref = simulateReference(network.W, network.n, network.x0, gains, params);
      kernel.run(gains, network.x0, null, states);
      let worst = 0;
      let scale = 0;
      for (let i = 0; i < states.length; i++) {
        worst = Math.max(worst, Math.abs(states[i] - ref.states[i]));
        scale = Math.max(scale, Math.abs(ref.states[i]));
      }
      expect(worst / scale).toBeLessThan(1e-12);
      kernel.dispose!();
    }
  });

  it('gives the same bits however the rows are split between the threads (pairs and batch)', () => {
    const network = network200();
    const params = DEFAULT_DYNAMICS;
    const gains = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.1 * Math.cos(i));
    const expected = new Float64Array(params.nSamples * network.n);
    createKernel('wasm-pairs', network, params).run(gains, network.x0, null, expected);
    const kernel = createKernel('wasm-threads', network, params, { threads: host(1) });
    kernel.schedule!.force = 'team';
    const states = new Float64Array(expected.length);
    runUntilHelpersJoin(() => kernel.run(gains, network.x0, null, states), () => kernel.helperChunks!());
    for (const share of [0, 0.05, 0.3, 0.5, 0.8, 1]) {
      kernel.setMainThreadShare!(share);
      expect(kernel.mainThreadShare!()).toBe(share);
      kernel.run(gains, network.x0, null, states);
      expect(sameBits(states, expected), `main thread share ${share}`).toBe(true);
    }
    kernel.dispose!();

    const sessions = 3;
    const sessionGains = Array.from({ length: sessions }, (_, s) => Float64Array.from({ length: network.n }, (_, i) => 1 + 0.1 * Math.sin(i + s)));
    const x0s = sessionGains.map(() => network.x0);
    const alone = new BatchSimulator(network, params, sessions, { kernel: 'wasm-batch', keepStates: true, threads: null });
    alone.run(sessionGains, x0s);
    const batch = new BatchSimulator(network, params, sessions, { kernel: 'wasm-batch', keepStates: true, threads: host(1) });
    batch.threadSchedule!.force = 'team';
    runUntilHelpersJoin(() => batch.run(sessionGains, x0s), () => batch.helperChunks());
    const a = new Float64Array(expected.length);
    const b = new Float64Array(expected.length);
    for (const share of [0, 0.2, 0.5, 1]) {
      batch.setMainThreadShare(share);
      batch.run(sessionGains, x0s);
      for (let s = 0; s < sessions; s++) {
        alone.states(s, a);
        batch.states(s, b);
        expect(sameBits(a, b), `batch, main thread share ${share}, session ${s}`).toBe(true);
      }
    }
    batch.dispose();
  });

  it('uses its helpers only while their cores are free in the shared budget, with the same bits', () => {
    const network = network200();
    const params = DEFAULT_DYNAMICS;
    const cores = createCoreBudget(2);
    const kernel = createKernel('wasm-threads', network, params, { threads: host(1, undefined, cores.budget) });
    kernel.schedule!.force = 'team';
    const gains = Float64Array.from({ length: network.n }, (_, i) => 1 + 0.05 * Math.sin(i));
    const expected = new Float64Array(params.nSamples * network.n);
    createKernel('wasm-pairs', network, params).run(gains, network.x0, null, expected);
    const states = new Float64Array(expected.length);
    const run = () => kernel.run(gains, network.x0, null, states);
    // run A holds its own core: one is free for its helper
    cores.budget.take(1);
    runUntilHelpersJoin(run, () => kernel.helperChunks!());
    expect(cores.budget.free()).toBe(1);
    // run B starts on the other core: A's trials stay on its own thread (no helper chunk), same bits
    cores.budget.take(1);
    const before = kernel.helperChunks!();
    for (let trial = 0; trial < 5; trial++) {
      run();
      expect(sameBits(states, expected), `trial ${trial} while B runs`).toBe(true);
    }
    expect(kernel.helperChunks!()).toBe(before);
    expect(cores.budget.free()).toBe(0);
    // B ends: A's helper works again
    cores.budget.give(1);
    for (let trial = 0; trial < 5; trial++) run();
    expect(kernel.helperChunks!()).toBeGreaterThan(before);
    expect(sameBits(states, expected)).toBe(true);
    // every core borrowed for a trial was given back
    expect(cores.budget.free()).toBe(1);
    cores.budget.give(1);
    kernel.dispose!();
  });

  it('handles networks with fewer row pairs than chunks, odd n and the linear gain function', () => {
    for (const [n, nE] of [
      [5, 2],
      [1, 1],
      [13, 7],
    ] as const) {
      const network = randomNetwork(n, nE, n);
      for (const gainFunction of ['tanh', 'linear'] as const) {
        const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 30, gainFunction, tau: gainFunction === 'linear' ? 400 : 200 };
        const gains = Float64Array.from({ length: n }, (_, i) => 0.7 + 0.04 * i);
        const expected = new Float64Array(30 * n);
        createKernel('wasm-pairs', network, params).run(gains, network.x0, null, expected);
        const kernel = createKernel('wasm-threads', network, params, { threads: host(3) });
        kernel.schedule!.force = 'team';
        const states = new Float64Array(30 * n);
        for (let trial = 0; trial < 5; trial++) {
          kernel.run(gains, network.x0, null, states);
          expect(sameBits(states, expected), `n=${n} ${gainFunction} trial ${trial}`).toBe(true);
        }
        kernel.dispose!();
      }
    }
  });

  it('gives its helper threads back on dispose (the next kernel reuses them) and runs alone when none are free', async () => {
    const network = network200();
    const threads = host(1);
    const first = createKernel('wasm-threads', network, DEFAULT_DYNAMICS, { threads });
    first.schedule!.force = 'team';
    runUntilHelpersJoin(
      () => first.run(network.x0.map(() => 1), network.x0, null, null),
      () => first.helperChunks!(),
    );
    first.dispose!();
    expect(threads.started).toBe(1);
    // the helper leaves its loop (asynchronously); then a new kernel takes the same thread
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = createKernel('wasm-threads', network, DEFAULT_DYNAMICS, { threads });
    second.schedule!.force = 'team';
    runUntilHelpersJoin(
      () => second.run(network.x0.map(() => 1), network.x0, null, null),
      () => second.helperChunks!(),
    );
    expect(threads.started).toBe(1);
    second.dispose!();
    // a host with no threads to give: the kernel computes everything itself, same bits
    const none = await threadScenario('rowSplitWithoutHelper', 0.9);
    expect(sameBits(none.states, none.expected)).toBe(true);
    expect(none.helperChunks).toBe(0);
  });
});

describe.skipIf(!sharedDynamicsAvailable())('batch with helper threads', () => {
  it('gives the bits of the one-thread batch and of each session run alone', () => {
    const network = network200();
    const rng = new Rng(3);
    const K = 7;
    const gains = Array.from({ length: K }, () => Float64Array.from({ length: network.n }, () => 1 + 0.2 * rng.normal()));
    const x0s = gains.map(() => network.x0.map((v) => v + rng.normal()));
    const oneThread = new BatchSimulator(network, DEFAULT_DYNAMICS, K, { keepStates: true, threads: null });
    oneThread.run(gains, x0s);
    const threaded = new BatchSimulator(network, DEFAULT_DYNAMICS, K, { keepStates: true, threads: host(1) });
    threaded.threadSchedule!.force = 'team';
    runUntilHelpersJoin(
      () => threaded.run(gains, x0s),
      () => threaded.helperChunks(),
    );
    const alone: TrialKernel = createKernel('wasm-pairs', network, DEFAULT_DYNAMICS);
    const states = new Float64Array(DEFAULT_DYNAMICS.nSamples * network.n);
    for (let s = 0; s < K; s++) {
      expect(sameBits(threaded.states(s), oneThread.states(s)), `session ${s}`).toBe(true);
      expect(sameBits(threaded.output(s), oneThread.output(s)), `session ${s}`).toBe(true);
      alone.run(gains[s], x0s[s], null, states);
      expect(sameBits(threaded.states(s), states), `session ${s} alone`).toBe(true);
    }
    threaded.dispose();
  });
});

describe('splitSessions', () => {
  it('cuts a batch into parts of whole session vectors, the larger first, never an empty part', () => {
    expect(splitSessions(10, 2)).toEqual([6, 4]);
    expect(splitSessions(7, 2)).toEqual([4, 3]);
    expect(splitSessions(4, 2)).toEqual([2, 2]);
    expect(splitSessions(5, 2)).toEqual([4, 1]);
    expect(splitSessions(10, 3)).toEqual([4, 4, 2]);
    expect(splitSessions(3, 4)).toEqual([2, 1]);
    expect(splitSessions(2, 2)).toEqual([2]);
    for (let k = 1; k <= 24; k++) {
      for (let threads = 1; threads <= 5; threads++) {
        const parts = splitSessions(k, threads);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(k);
        expect(parts.every((size) => size > 0)).toBe(true);
        expect(parts.length).toBeLessThanOrEqual(threads);
      }
    }
  });
});

describe.skipIf(!sharedDynamicsAvailable())('batch split by sessions between threads', () => {
  it('ten sessions: each thread a whole trial of its part, the bits of one thread, also when the schedule switches', () => {
    const network = network200();
    const rng = new Rng(29);
    const K = 10;
    expect(K).toBeGreaterThanOrEqual(SPLIT_MIN_SESSIONS);
    const gains = Array.from({ length: K }, () => Float64Array.from({ length: network.n }, () => 1 + 0.2 * rng.normal()));
    const x0s = gains.map(() => network.x0.map((v) => v + rng.normal()));
    const oneThread = new BatchSimulator(network, DEFAULT_DYNAMICS, K, { keepRates: true, keepStates: true, threads: null });
    oneThread.run(gains, x0s);
    const split = new BatchSimulator(network, DEFAULT_DYNAMICS, K, { keepRates: true, keepStates: true, threads: host(1) });
    const schedule = split.threadSchedule!;
    schedule.force = 'team';
    runUntilHelpersJoin(() => split.run(gains, x0s), () => split.helperChunks());
    // the calling thread's part is the first six sessions (three session vectors of five)
    expect(split.mainThreadShare()).toBe(0.6);
    const check = (label: string) => {
      for (let s = 0; s < K; s++) {
        expect(sameBits(split.states(s), oneThread.states(s)), `${label}: states of session ${s}`).toBe(true);
        expect(sameBits(split.rates(s), oneThread.rates(s)), `${label}: rates of session ${s}`).toBe(true);
        expect(sameBits(split.output(s), oneThread.output(s)), `${label}: output of session ${s}`).toBe(true);
      }
    };
    check('split');
    const before = split.helperChunks();
    // one thread (the whole batch's kernel), then the split again: results read from the kernel that ran
    schedule.force = 'solo';
    split.run(gains.map((g) => g.map((v) => v * 1.01)), x0s);
    schedule.force = 'team';
    split.run(gains, x0s);
    check('solo then split');
    expect(split.helperChunks()).toBeGreaterThan(before);
    split.dispose();
  });
});

describe.skipIf(!sharedDynamicsAvailable())('batch split with a session vector shared by the two threads', () => {
  /** Every session's output has the bits of `expected`'s. */
  function expectSameOutputs(outputs: Float64Array[], expected: Float64Array[], label: string): void {
    expect(outputs.length, label).toBe(expected.length);
    for (let s = 0; s < outputs.length; s++) expect(sameBits(outputs[s], expected[s]), `${label}: output of session ${s}`).toBe(true);
  }

  it('ten, nine, six and five sessions (N = 200; odd n = 41): the bits of one thread and within 1e-12 of the reference, also after the plain split', () => {
    // (n = 41 with five sessions is below BATCH_THREADS_MIN_WORK: no helpers)
    const networks: [string, Network, number[]][] = [
      ['N = 200', network200(), [10, 9, 6, 5]],
      ['n = 41', randomNetwork(41, 20, 7, 2), [10, 9, 6]],
    ];
    const params: DynamicsParams = { ...DEFAULT_DYNAMICS, nSamples: 120 };
    const rng = new Rng(31);
    for (const [name, network, sessions] of networks) {
      for (const K of sessions) {
        const label = `${name}, K = ${K}`;
        const gains = Array.from({ length: K }, () => Float64Array.from({ length: network.n }, () => 1 + 0.2 * rng.normal()));
        const x0s = gains.map(() => network.x0.map((v) => v + rng.normal()));
        const oneThread = new BatchSimulator(network, params, K, { threads: null });
        oneThread.run(gains, x0s);
        const shared = new BatchSimulator(network, params, K, { threads: host(1) });
        shared.threadSchedule!.force = 'team';
        const choice = shared.sharedVectorSchedule!;
        expect(choice, label).not.toBeNull();
        choice.force = 'team';
        // until a trial in which the helper computed its part (it joins asynchronously): that trial's bits
        runUntilHelpersJoin(() => shared.run(gains, x0s), () => shared.helperChunks());
        expect(shared.mainThreadShare()).toBe(0.5);
        expectSameOutputs(sessionOutputs(shared), sessionOutputs(oneThread), label);
        // the plain split (whole session vectors), then the shared vector again: each reads its own parts
        choice.force = 'solo';
        shared.run(gains.map((g) => g.map((v) => v * 1.01)), x0s);
        choice.force = 'team';
        shared.run(gains, x0s);
        expectSameOutputs(sessionOutputs(shared), sessionOutputs(oneThread), `${label}, plain split then shared`);
        // the shared vector's sessions (the last one or two) and a session of each part, against the exact reference
        for (const s of [0, K - 3, K - 1]) {
          const ref = simulateReference(network.W, network.n, x0s[s], gains[s], params);
          const expected = new Float64Array(network.readout.channels * params.nSamples);
          computeOutput(ref.rates, params.nSamples, network.n, network.nE, network.readout, expected);
          const output = shared.output(s);
          const scale = Math.max(...expected.map(Math.abs));
          const worst = Math.max(...output.map((v, i) => Math.abs(v - expected[i])));
          expect(worst / scale, `${label}: session ${s} against the reference`).toBeLessThan(1e-12);
        }
        shared.dispose();
      }
    }
  });

  it('computes both parts on the calling thread when the helper never joins (nobody waits on a missing thread)', async () => {
    const { expected, runs, helperChunks } = await threadScenario('absentHelperSplit', 37);
    expect(runs.length).toBe(2);
    for (const [trial, { label, outputs }] of runs.entries()) expectSameOutputs(outputs, expected, `helper absent, trial ${trial}, ${label}`);
    expect(helperChunks).toBe(0);
  });

  it('computes the helper\'s part itself when the helper joined but never claims it (late: asleep, descheduled)', async () => {
    const { expected, runs, helperChunks } = await threadScenario('lateHelperSplit', 41);
    expect(runs.map((run) => run.label)).toEqual(['shared vector', 'plain split']);
    for (const { label, outputs } of runs) expectSameOutputs(outputs, expected, `late helper, ${label}`);
    expect(helperChunks).toBe(0);
  });

  it('wakes a helper it finds asleep on the plain split, and takes the shared vector on the next trial (the same bits)', async () => {
    // the plain split leaves the helper the calling thread's whole part (six sessions) to wake in;
    // the shared vector needs it at every stage from the first
    const { expected, joined, trials } = await threadScenario('sleepingHelperSplit', { seed: 43, pauses: 3 });
    expect(joined, 'the helper thread never computed a part').toBe(true);
    for (const [pause, [first, second]] of trials.entries()) {
      expect(first.asleepBefore, `pause ${pause}: the helper asleep`).toBeGreaterThan(0);
      expect(first.mainShare, `pause ${pause}: the first trial on the plain split (six sessions of ten on the calling thread)`).toBe(0.6);
      expectSameOutputs(first.outputs, expected, `pause ${pause}, first trial`);
      expectSameOutputs(second.outputs, expected, `pause ${pause}, second trial`);
    }
    // the next trial is the schedule's: with no measured trial of the shared vector yet, that one
    expect(trials[0][1].mainShare).toBe(0.5);
  });

  it('after a trial that woke the helper on the plain split, takes the shared vector\'s turn even if the helper is asleep again (a helper that naps after each part)', async () => {
    // dozingHelper seems asleep at the start of every trial; were each trial that finds it so to
    // take the plain split, no trial would ever take the shared vector. The shared vector's
    // schedule has no measured trial of it (the helper takes no part: up to MAX_ABSENT such trials
    // are not counted), so on its turn its choice is the shared vector.
    const { expected, trials } = await threadScenario('dozingHelperSplit', { seed: 47, trials: 2 * ThreadSchedule.MAX_ABSENT });
    expect(trials.map((trial) => trial.asleepBefore)).toEqual(trials.map(() => 1));
    // the plain split (six sessions of ten on the calling thread) and the shared vector (half) in turn
    expect(trials.map((trial) => trial.mainShare)).toEqual(trials.map((_, t) => (t % 2 === 0 ? 0.6 : 0.5)));
    for (const [t, { outputs }] of trials.entries()) expectSameOutputs(outputs, expected, `trial ${t}`);
  });

  it('applies to one helper, 3 or 5 session vectors and outputs only; the rows of the shared vector halved by work, in whole cache lines', () => {
    const network = network200();
    const withHelper = (K: number, options = {}) => new BatchSimulator(network, DEFAULT_DYNAMICS, K, { threads: absentHelper, ...options });
    for (const K of [5, 6, 9, 10]) expect(withHelper(K).sharedVectorSchedule, `K = ${K}`).not.toBeNull();
    for (const K of [3, 4, 7, 8, 11]) expect(withHelper(K).sharedVectorSchedule, `K = ${K}`).toBeNull();
    expect(withHelper(10, { keepRates: true }).sharedVectorSchedule).toBeNull();
    expect(withHelper(10, { keepStates: true }).sharedVectorSchedule).toBeNull();
    expect(withHelper(10, { sharedVector: false }).sharedVectorSchedule).toBeNull();
    expect(new BatchSimulator(network, DEFAULT_DYNAMICS, 10, { threads: { helpers: 2, attach: () => {} } }).sharedVectorSchedule).toBeNull();
    expect(sharedVectorPlan(10, new Float64Array(200).fill(1))).toEqual({
      lanes: [
        [0, 1, 2, 3, 8, 9],
        [4, 5, 6, 7, 8, 9],
      ],
      sharedRows: 100,
    });
    expect(sharedVectorPlan(5, new Float64Array(40).fill(1))?.lanes).toEqual([
      [0, 1, 4],
      [2, 3, 4],
    ]);
    // the first 20 rows twice the work of the others: the bound at 120 / 2 = 60 units of work, 40 rows
    const plan = sharedVectorPlan(9, Float64Array.from({ length: 100 }, (_, i) => (i < 20 ? 2 : 1)))!;
    expect(plan.sharedRows).toBe(40);
    expect(plan.lanes).toEqual([
      [0, 1, 2, 3, 8],
      [4, 5, 6, 7, 8],
    ]);
  });
});

describe('helpersTookPart', () => {
  it("the helpers' chunks of a trial within 10 % of their parts' chunks: fewer (late) or more (the caller's too) is not taking part", () => {
    // a 500 ms trial (200 samples): the initial stage, then four per RK4 step
    expect(trialStages(DEFAULT_DYNAMICS.nSamples)).toBe(1 + 4 * 199);
    const expected = trialStages(200);
    expect(helpersTookPart(expected, expected)).toBe(true);
    expect(helpersTookPart(expected - 50, expected)).toBe(true);
    expect(helpersTookPart(0, expected)).toBe(false);
    expect(helpersTookPart(Math.floor(0.85 * expected), expected)).toBe(false);
    expect(helpersTookPart(2 * expected, expected)).toBe(false);
    // a session split: one part per helper
    expect(helpersTookPart(1, 1)).toBe(true);
    expect(helpersTookPart(0, 1)).toBe(false);
  });
});

describe('ThreadSchedule', () => {
  /** Runs trials on a fake clock: steady costs per mode plus `switchCost` on a trial after a switch. */
  function simulate(schedule: ThreadSchedule, clock: { time: number }, costs: { team: number; solo: number; switchCost?: number }, trials: number): boolean[] {
    const choices: boolean[] = [];
    for (let t = 0; t < trials; t++) {
      const team = schedule.next();
      const switched = choices.length > 0 ? choices[choices.length - 1] !== team : false;
      choices.push(team);
      clock.time += (team ? costs.team : costs.solo) + (switched ? costs.switchCost ?? 0 : 0);
      schedule.done();
    }
    return choices;
  }

  it('uses the faster way, re-checks the other after 16, 32, then every 64 trials, and follows a change', () => {
    const clock = { time: 0 };
    const schedule = new ThreadSchedule(16, () => clock.time);
    let choices = simulate(schedule, clock, { team: 1, solo: 2 }, 200);
    // two of each first (the first of a mode after a switch is not measured), then team, with solo
    // re-checked for EXPLORE_TRIALS trials; each re-check that confirms team doubles the interval
    // to the next one, up to MAX_BACKOFF × 16
    expect(choices.slice(0, 4)).toEqual([true, true, false, false]);
    const soloTrials = choices.flatMap((team, i) => (team || i < 4 ? [] : [i]));
    const starts = soloTrials.filter((i, k) => k % ThreadSchedule.EXPLORE_TRIALS === 0);
    expect(soloTrials.length).toBe(starts.length * ThreadSchedule.EXPLORE_TRIALS);
    expect(starts.slice(1).map((start, k) => start - starts[k])).toEqual([32, 64, 64]);
    expect(starts[0]).toBe(4 + 16 - ThreadSchedule.EXPLORE_TRIALS);
    expect(schedule.estimates()).toEqual({ team: 1, solo: 2 });
    // the machine gets busy: helpers cost more than they give
    choices = simulate(schedule, clock, { team: 3, solo: 2 }, 64);
    expect(choices.slice(-32).filter((team) => team).length).toBeLessThanOrEqual(2 * ThreadSchedule.EXPLORE_TRIALS);
    schedule.force = 'team';
    expect(simulate(schedule, clock, { team: 3, solo: 2 }, 1)).toEqual([true]);
  });

  it('does not count the cost of switching against the mode it re-checks', () => {
    // busy at first (one thread is faster), then quiet: every core is twice as fast, but waking the
    // helpers (or refilling a cache) costs the first trial after a switch 5 trials' worth
    const clock = { time: 0 };
    const schedule = new ThreadSchedule(16, () => clock.time);
    const busy = simulate(schedule, clock, { team: 3, solo: 2, switchCost: 5 }, 64);
    expect(busy.slice(-32).filter((team) => team).length).toBeLessThanOrEqual(2 * ThreadSchedule.EXPLORE_TRIALS);
    const quiet = simulate(schedule, clock, { team: 1, solo: 2, switchCost: 5 }, 160);
    expect(quiet.slice(-64).filter((team) => team).length).toBeGreaterThanOrEqual(64 - 4 * ThreadSchedule.EXPLORE_TRIALS);
    expect(schedule.estimates().solo).toBe(2);
    expect(schedule.estimates().team).toBeLessThan(1.01);
  });

  it('after long intervals of confirmed choices, one re-check is enough to follow a machine that got quiet', () => {
    const clock = { time: 0 };
    const schedule = new ThreadSchedule(16, () => clock.time);
    simulate(schedule, clock, { team: 3, solo: 2 }, 400); // one thread wins: re-checks every 64 trials by now
    const quiet = simulate(schedule, clock, { team: 1, solo: 2 }, 100);
    // the first re-check goes on while the helpers' trials beat one thread, until their median does
    const firstTeam = quiet.indexOf(true);
    expect(firstTeam).toBeLessThanOrEqual(ThreadSchedule.MAX_BACKOFF * 16);
    const settled = quiet.slice(firstTeam, firstTeam + ThreadSchedule.RECENT + 8);
    expect(settled.slice(-8).every((team) => team)).toBe(true);
  });

  it('outvotes one slow trial of the helpers (still starting) within a few re-checks', () => {
    // the first measured trial with the helpers takes 20 (they are still starting), every later one 1
    const clock = { time: 0 };
    const schedule = new ThreadSchedule(16, () => clock.time);
    let teamTrials = 0;
    const choices: boolean[] = [];
    for (let t = 0; t < 80; t++) {
      const team = schedule.next();
      choices.push(team);
      if (team) teamTrials++;
      clock.time += team ? (teamTrials <= 2 ? 20 : 1) : 2;
      schedule.done();
    }
    // one thread first (20 > 2); three re-checks later the median of the helpers' trials is 1
    expect(choices.slice(4, 15).every((team) => !team)).toBe(true);
    expect(choices.slice(-16).filter((team) => team).length).toBeGreaterThanOrEqual(16 - ThreadSchedule.EXPLORE_TRIALS);
    expect(schedule.estimates().team).toBe(1);
  });

  /**
   * Bursts of `burst` trials after pauses (as between a user's actions, or a benchmark's turns):
   * the first `absentTrials` trials on the helpers of each burst cost `absentCost`, with the
   * helpers not taking part (waking, or put on the caller's core); reported to done() as such when
   * `report` is set, as ordinary trials otherwise.
   */
  function bursts(schedule: ThreadSchedule, clock: { time: number }, options: { bursts: number; burst: number; absentTrials: number; absentCost: number; team: number; solo: number; report: boolean }): boolean[] {
    const choices: boolean[] = [];
    for (let b = 0; b < options.bursts; b++) {
      let teamInBurst = 0;
      for (let t = 0; t < options.burst; t++) {
        const team = schedule.next();
        choices.push(team);
        const absent = team && teamInBurst++ < options.absentTrials;
        clock.time += team ? (absent ? options.absentCost : options.team) : options.solo;
        schedule.done(!(absent && options.report));
      }
      clock.time += 500;
    }
    return choices;
  }

  it('does not count trials the helpers missed (after a pause) against them, up to MAX_ABSENT in a row', () => {
    // the 2-core EPYC VM: after each pause the helpers miss the first three trials (4 ms each, one
    // thread doing both parts), then every core takes 1.7 ms against 2.7 ms on one thread
    const run = (report: boolean) => {
      const clock = { time: 0 };
      const schedule = new ThreadSchedule(16, () => clock.time);
      const choices = bursts(schedule, clock, { bursts: 20, burst: 15, absentTrials: 3, absentCost: 4, team: 1.7, solo: 2.7, report });
      return { choices, schedule };
    };
    const reported = run(true);
    const late = reported.choices.slice(-150);
    expect(late.filter((team) => team).length).toBeGreaterThanOrEqual(140);
    expect(reported.schedule.estimates().team).toBeCloseTo(1.7, 9);
    // counted like any trial, the same trials send the choice to one thread for most of the time
    const counted = run(false).choices.slice(-150);
    expect(counted.filter((team) => team).length).toBeLessThan(75);
  });

  it('counts the helpers\' missed trials once more than MAX_ABSENT come in a row (a machine too busy for them)', () => {
    const clock = { time: 0 };
    const schedule = new ThreadSchedule(16, () => clock.time);
    // every trial on the helpers is missed by them and costs 3.3 against 2.7 on one thread
    const choices: boolean[] = [];
    for (let t = 0; t < 200; t++) {
      const team = schedule.next();
      choices.push(team);
      clock.time += team ? 3.3 : 2.7;
      schedule.done(!team);
    }
    expect(choices.slice(-64).filter((team) => team).length).toBeLessThanOrEqual(2 * (ThreadSchedule.EXPLORE_TRIALS + ThreadSchedule.MAX_ABSENT));
    expect(schedule.estimates().team).toBeCloseTo(3.3, 10);
  });

  it('with a core budget: the helpers only when their cores are free, given back after each trial', () => {
    const clock = { time: 0 };
    const cores = createCoreBudget(3);
    const schedule = new ThreadSchedule(16, () => clock.time, cores.budget, 2);
    cores.budget.take(1); // this run's own thread
    let choices = simulate(schedule, clock, { team: 1, solo: 2 }, 30);
    expect(choices.slice(-8).every((team) => team)).toBe(true);
    expect(cores.budget.free()).toBe(2);
    // another run holds a core: 2 helpers no longer fit, so every trial runs alone — forced or not
    cores.budget.take(1);
    choices = simulate(schedule, clock, { team: 1, solo: 2 }, 30);
    expect(choices.every((team) => !team)).toBe(true);
    schedule.force = 'team';
    expect(simulate(schedule, clock, { team: 1, solo: 2 }, 6)).toEqual(Array(6).fill(false));
    schedule.force = null;
    expect(cores.budget.free()).toBe(1);
    // it ends: back to every core, and the estimate it had of them was kept
    cores.budget.give(1);
    choices = simulate(schedule, clock, { team: 1, solo: 2 }, 8);
    expect(choices.every((team) => team)).toBe(true);
    expect(cores.budget.free()).toBe(2);
  });
});

describe('CoreBudget', () => {
  it('takes only what is free with tryTake, always with take (going negative), and counts gives', () => {
    const { budget, memory } = createCoreBudget(2);
    expect(budget.tryTake(3)).toBe(false);
    expect(budget.tryTake(2)).toBe(true);
    expect(budget.tryTake(1)).toBe(false);
    budget.take(1);
    expect(budget.free()).toBe(-1);
    budget.give(3);
    expect(budget.free()).toBe(2);
    // the state is the shared memory's one Int32 (what worker threads see)
    expect(new Int32Array(memory)[0]).toBe(2);
  });
});
