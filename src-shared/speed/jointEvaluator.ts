/**
 * Joint evaluation over several initial conditions (model-spec §10): one gain pattern, m
 * conditions each with its own x0 and target, error E = Σ_m E_m.
 *
 * All conditions share the network and the gains, so one batched pass over W (BatchTrialEvaluator,
 * one "session" per condition) evaluates them together. The concatenated output, condition after
 * condition, has the layout of a channel-major output with m·channels channels, so this evaluator
 * satisfies the reward rule's GainTrialEvaluator with `channels = m · readout.channels` (the rule
 * only uses channels × nSamples as the length of the output it records).
 *
 * Two simulations (m = 2 initial conditions, as in Fig. 6; or two sessions of one condition,
 * Supp. Fig. 8's slow tasks) can also run as two one-session trials at once, the second
 * on another core (TrialEvaluator.offer), meeting once per trial. A batch of two costs one thread
 * ~1.5 one-session trials (published network: 4.1 against 2.6 ms), and split by rows it meets at
 * every RK4 stage, which on a VM with a slow hand-over between cores costs more than it saves;
 * the two side by side took 2.8–3.0 ms. A ThreadSchedule times both ways and takes the faster;
 * every kernel gives the same bits (kernels/layout.ts), so the choice never changes a number.
 */
import { BatchTrialEvaluator, type BatchKernelName } from '../model/batchSimulator.js';
import { TrialEvaluator } from '../model/dynamics.js';
import { defaultKernelThreads, ThreadSchedule, whileOffered, type KernelThreads } from '../model/kernels/threads.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import type { GainTrialEvaluator, SessionsEvaluator } from '../model/rewardRule.js';

export interface JointCondition {
  /** Initial condition (default network.x0). */
  x0?: Float64Array;
  /** channel-major readout.channels × nSamples */
  target: Float64Array;
}

export interface JointEvaluatorOptions {
  kernel?: BatchKernelName;
  /** Helper threads (default the host's defaultKernelThreads(); null: this thread only). */
  threads?: KernelThreads | null;
  /**
   * Two conditions side by side on two cores (see the header): when timed faster (true, the
   * default), on every trial a core is free ('always'), or never (false).
   */
  sideBySide?: boolean | 'always';
}

/**
 * Simulations of one network ("slots"), each with its own initial condition, target and gains,
 * evaluated together: one batched pass over W, or — two slots, with helper threads — side by side
 * on two cores (see the header). The evaluation behind both joint evaluators below.
 */
class SlotEvaluator {
  /** Each slot's error of the last run. */
  readonly errors: Float64Array;
  /** Trials whose slot 1 ran on another core beside slot 0. */
  sideBySideTrials = 0;
  private readonly batch: BatchTrialEvaluator;
  private readonly x0s: Float64Array[];
  private readonly targets: Float64Array[];
  /** Two slots with helper threads: slot 0's one-session evaluator, which offers slot 1. */
  private readonly pair: { evaluator: TrialEvaluator; schedule: ThreadSchedule; outputs: Float64Array[] } | null = null;
  /** Whether the last run went through the batch (else the outputs are the pair's). */
  private batched = true;

  constructor(network: Network, params: DynamicsParams, slots: readonly JointCondition[], options: JointEvaluatorOptions, what: string) {
    this.x0s = slots.map((c, s) => {
      const x0 = c.x0 ?? network.x0;
      if (x0.length !== network.n) throw new RangeError(`${what} ${s}: x0 has ${x0.length} values, expected n = ${network.n}`);
      return x0;
    });
    this.targets = slots.map((c) => c.target);
    this.batch = new BatchTrialEvaluator(network, params, this.targets, slots.length, {
      kernel: options.kernel ?? 'auto',
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    });
    this.errors = new Float64Array(slots.length);
    const threads = options.threads === undefined ? defaultKernelThreads() : options.threads;
    const sideBySide = options.sideBySide ?? true;
    if (slots.length === 2 && sideBySide !== false && (options.kernel ?? 'auto') === 'auto' && threads && threads.helpers >= 1) {
      // no budget here: the offer takes its core itself (a schedule with the budget would hold the
      // only free core and leave none for the offer)
      const schedule = new ThreadSchedule();
      if (sideBySide === 'always') schedule.force = 'team';
      const length = network.readout.channels * params.nSamples;
      this.pair = {
        evaluator: new TrialEvaluator(network, params, this.targets[0], { x0: this.x0s[0], threads }),
        schedule,
        outputs: [new Float64Array(length), new Float64Array(length)],
      };
    }
  }

  /** errors[s] = E(gains[s]) of slot s. */
  run(gains: readonly Float64Array[]): void {
    const pair = this.pair;
    if (pair !== null && pair.schedule.next()) {
      // both at once, or (no core free, or its helper late) as the batch does them
      pair.schedule.done(this.runSideBySide(pair.evaluator, pair.outputs, gains));
    } else {
      this.runBatch(gains);
      pair?.schedule.done(true);
    }
  }

  /** Slot s's output of the last run. */
  output(s: number, out: Float64Array): Float64Array {
    if (this.batched) return this.batch.output(s, out);
    out.set(this.pair!.outputs[s]);
    return out;
  }

  private runBatch(gains: readonly Float64Array[]): void {
    this.batch.errors(gains, this.errors, this.x0s);
    this.batched = true;
  }

  /** Slot 1 offered to another core while slot 0 runs here; whether the offered trial ran there. */
  private runSideBySide(evaluator: TrialEvaluator, outputs: Float64Array[], gains: readonly Float64Array[]): boolean {
    if (!evaluator.offer(gains[1], this.x0s[1])) {
      this.runBatch(gains);
      return false;
    }
    this.batched = false;
    this.errors[0] = whileOffered(true, () => evaluator.run(gains[0], outputs[0]), () => evaluator.offeredError());
    const offered = evaluator.offeredError(outputs[1], this.targets[1]);
    if (offered !== null) {
      this.errors[1] = offered;
      this.sideBySideTrials++;
      return true;
    }
    // withdrawn (its helper had not begun it): slot 1 here
    evaluator.setInitialCondition(this.x0s[1]);
    evaluator.setTarget(this.targets[1]);
    try {
      this.errors[1] = evaluator.run(gains[1], outputs[1]);
    } finally {
      evaluator.setInitialCondition(this.x0s[0]);
      evaluator.setTarget(this.targets[0]);
    }
    return false;
  }

  dispose(): void {
    this.batch.dispose();
    this.pair?.evaluator.dispose();
  }
}

export class JointTrialEvaluator implements GainTrialEvaluator {
  readonly network: Network;
  readonly params: DynamicsParams;
  /** m · readout.channels: the concatenated output reads as that many channels. */
  readonly channels: number;
  readonly nSamples: number;
  readonly conditionCount: number;
  /** Per-condition errors of the last evaluation. */
  readonly conditionErrors: Float64Array;
  /** Concatenated output of the last evaluation (condition-major). */
  readonly output: Float64Array;
  trials = 0;
  private readonly slots: SlotEvaluator;
  private readonly gainsList: Float64Array[];
  private readonly conditionOutputLength: number;

  constructor(network: Network, params: DynamicsParams, conditions: readonly JointCondition[], options: JointEvaluatorOptions = {}) {
    if (conditions.length < 1) throw new RangeError('joint evaluator: at least one condition is needed');
    this.network = network;
    this.params = { ...params };
    this.conditionCount = conditions.length;
    this.channels = conditions.length * network.readout.channels;
    this.nSamples = params.nSamples;
    this.conditionOutputLength = network.readout.channels * params.nSamples;
    this.slots = new SlotEvaluator(network, params, conditions, options, 'joint evaluator: condition');
    this.conditionErrors = this.slots.errors;
    this.output = new Float64Array(conditions.length * this.conditionOutputLength);
    this.gainsList = new Array<Float64Array>(conditions.length);
  }

  /** Trials whose condition 1 ran on another core beside condition 0 (m = 2 only). */
  get sideBySideTrials(): number {
    return this.slots.sideBySideTrials;
  }

  /** Σ_m E_m(gains). */
  error(gains: Float64Array): number {
    return this.run(gains);
  }

  /** Σ_m E_m(gains); the concatenated output goes to this.output (and outputOut when given). */
  run(gains: Float64Array, outputOut?: Float64Array): number {
    for (let m = 0; m < this.conditionCount; m++) this.gainsList[m] = gains;
    this.slots.run(this.gainsList);
    this.trials++;
    let total = 0;
    for (let m = 0; m < this.conditionCount; m++) {
      total += this.conditionErrors[m];
      this.slots.output(m, this.conditionOutput(m));
    }
    if (outputOut) outputOut.set(this.output);
    return total;
  }

  dispose(): void {
    this.slots.dispose();
  }

  /** Condition m's output of the last evaluation (a view into this.output). */
  conditionOutput(m: number): Float64Array {
    return this.output.subarray(m * this.conditionOutputLength, (m + 1) * this.conditionOutputLength);
  }
}

/**
 * K sessions, each one gain pattern over its own m conditions (same m for all), evaluated in one
 * batched pass of K·m simulations: E_k = Σ_m E_km. The sessions evaluator of the reward rule's
 * lockstep loop (rewardRule.ts runRewardRuleSessions `evaluator`) for the speed tasks, where ten
 * sessions of a two-condition task would otherwise run one after the other. K·m = 2 may run side
 * by side on two cores (see the header).
 */
export class JointSessionsEvaluator implements SessionsEvaluator {
  readonly sessions: number;
  readonly conditionCount: number;
  readonly outputLength: number;
  private readonly slots: SlotEvaluator;
  private readonly slotGains: Float64Array[];
  private readonly conditionOutputLength: number;

  constructor(network: Network, params: DynamicsParams, conditionsPerSession: ReadonlyArray<readonly JointCondition[]>, options: JointEvaluatorOptions = {}) {
    const K = conditionsPerSession.length;
    if (K < 1) throw new RangeError('joint sessions evaluator: at least one session is needed');
    const m = conditionsPerSession[0].length;
    if (m < 1) throw new RangeError('joint sessions evaluator: at least one condition is needed');
    for (const c of conditionsPerSession) if (c.length !== m) throw new RangeError(`joint sessions evaluator: every session needs ${m} conditions`);
    this.sessions = K;
    this.conditionCount = m;
    this.conditionOutputLength = network.readout.channels * params.nSamples;
    this.outputLength = m * this.conditionOutputLength;
    this.slots = new SlotEvaluator(network, params, conditionsPerSession.flat(), options, 'joint sessions evaluator: slot');
    this.slotGains = new Array<Float64Array>(K * m);
  }

  /** Trials whose second simulation ran on another core beside the first (K·m = 2 only). */
  get sideBySideTrials(): number {
    return this.slots.sideBySideTrials;
  }

  errors(gains: readonly Float64Array[], errorsOut: Float64Array): Float64Array {
    const m = this.conditionCount;
    for (let k = 0; k < this.sessions; k++) for (let c = 0; c < m; c++) this.slotGains[k * m + c] = gains[k];
    this.slots.run(this.slotGains);
    for (let k = 0; k < this.sessions; k++) {
      let total = 0;
      for (let c = 0; c < m; c++) total += this.slots.errors[k * m + c];
      errorsOut[k] = total;
    }
    return errorsOut;
  }

  output(k: number, out: Float64Array): Float64Array {
    const m = this.conditionCount;
    const L = this.conditionOutputLength;
    for (let c = 0; c < m; c++) this.slots.output(k * m + c, out.subarray(c * L, (c + 1) * L));
    return out;
  }

  dispose(): void {
    this.slots.dispose();
  }
}
