/**
 * Joint evaluation over several initial conditions (model-spec §10): one gain pattern, m
 * conditions each with its own x0 and target, error E = Σ_m E_m.
 *
 * All conditions share the network and the gains, so one batched pass over W (BatchTrialEvaluator,
 * one "session" per condition) evaluates them together. The concatenated output, condition after
 * condition, has the layout of a channel-major output with m·channels channels, so this evaluator
 * satisfies the reward rule's GainTrialEvaluator with `channels = m · readout.channels` (the rule
 * only uses channels × nSamples as the length of the output it records).
 */
import { BatchTrialEvaluator, type BatchKernelName } from '../model/batchSimulator.js';
import type { Network } from '../model/network.js';
import type { DynamicsParams } from '../model/params.js';
import type { GainTrialEvaluator, SessionsEvaluator } from '../model/rewardRule.js';

export interface JointCondition {
  /** Initial condition (default network.x0). */
  x0?: Float64Array;
  /** channel-major readout.channels × nSamples */
  target: Float64Array;
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
  private readonly batch: BatchTrialEvaluator;
  private readonly x0s: Float64Array[];
  private readonly gainsList: Float64Array[];
  private readonly conditionOutputLength: number;

  constructor(network: Network, params: DynamicsParams, conditions: readonly JointCondition[], options: { kernel?: BatchKernelName } = {}) {
    if (conditions.length < 1) throw new RangeError('joint evaluator: at least one condition is needed');
    this.network = network;
    this.params = { ...params };
    this.conditionCount = conditions.length;
    this.channels = conditions.length * network.readout.channels;
    this.nSamples = params.nSamples;
    this.conditionOutputLength = network.readout.channels * params.nSamples;
    this.x0s = conditions.map((c, m) => {
      const x0 = c.x0 ?? network.x0;
      if (x0.length !== network.n) throw new RangeError(`joint evaluator: x0 of condition ${m} has ${x0.length} values, expected ${network.n}`);
      return x0;
    });
    this.batch = new BatchTrialEvaluator(
      network,
      params,
      conditions.map((c) => c.target),
      conditions.length,
      { kernel: options.kernel ?? 'auto' },
    );
    this.conditionErrors = new Float64Array(conditions.length);
    this.output = new Float64Array(conditions.length * this.conditionOutputLength);
    this.gainsList = new Array<Float64Array>(conditions.length);
  }

  /** Σ_m E_m(gains). */
  error(gains: Float64Array): number {
    return this.run(gains);
  }

  /** Σ_m E_m(gains); the concatenated output goes to this.output (and outputOut when given). */
  run(gains: Float64Array, outputOut?: Float64Array): number {
    for (let m = 0; m < this.conditionCount; m++) this.gainsList[m] = gains;
    this.batch.errors(this.gainsList, this.conditionErrors, this.x0s);
    this.trials++;
    let total = 0;
    for (let m = 0; m < this.conditionCount; m++) {
      total += this.conditionErrors[m];
      this.batch.output(m, this.output.subarray(m * this.conditionOutputLength, (m + 1) * this.conditionOutputLength));
    }
    if (outputOut) outputOut.set(this.output);
    return total;
  }

  dispose(): void {
    this.batch.dispose();
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
 * sessions of a two-condition task would otherwise run one after the other.
 */
export class JointSessionsEvaluator implements SessionsEvaluator {
  readonly sessions: number;
  readonly conditionCount: number;
  readonly outputLength: number;
  private readonly batch: BatchTrialEvaluator;
  private readonly x0s: Float64Array[];
  private readonly slotGains: Float64Array[];
  private readonly slotErrors: Float64Array;
  private readonly conditionOutputLength: number;

  constructor(network: Network, params: DynamicsParams, conditionsPerSession: ReadonlyArray<readonly JointCondition[]>, options: { kernel?: BatchKernelName } = {}) {
    const K = conditionsPerSession.length;
    if (K < 1) throw new RangeError('joint sessions evaluator: at least one session is needed');
    const m = conditionsPerSession[0].length;
    if (m < 1) throw new RangeError('joint sessions evaluator: at least one condition is needed');
    for (const c of conditionsPerSession) if (c.length !== m) throw new RangeError(`joint sessions evaluator: every session needs ${m} conditions`);
    this.sessions = K;
    this.conditionCount = m;
    this.conditionOutputLength = network.readout.channels * params.nSamples;
    this.outputLength = m * this.conditionOutputLength;
    const slots = conditionsPerSession.flat();
    this.x0s = slots.map((c, s) => {
      const x0 = c.x0 ?? network.x0;
      if (x0.length !== network.n) throw new RangeError(`joint sessions evaluator: x0 of slot ${s} has ${x0.length} values, expected ${network.n}`);
      return x0;
    });
    this.batch = new BatchTrialEvaluator(network, params, slots.map((c) => c.target), slots.length, { kernel: options.kernel ?? 'auto' });
    this.slotGains = new Array<Float64Array>(slots.length);
    this.slotErrors = new Float64Array(slots.length);
  }

  errors(gains: readonly Float64Array[], errorsOut: Float64Array): Float64Array {
    const m = this.conditionCount;
    for (let k = 0; k < this.sessions; k++) for (let c = 0; c < m; c++) this.slotGains[k * m + c] = gains[k];
    this.batch.errors(this.slotGains, this.slotErrors, this.x0s);
    for (let k = 0; k < this.sessions; k++) {
      let total = 0;
      for (let c = 0; c < m; c++) total += this.slotErrors[k * m + c];
      errorsOut[k] = total;
    }
    return errorsOut;
  }

  output(k: number, out: Float64Array): Float64Array {
    const m = this.conditionCount;
    const L = this.conditionOutputLength;
    for (let c = 0; c < m; c++) this.batch.output(k * m + c, out.subarray(c * L, (c + 1) * L));
    return out;
  }
}
