/**
 * The reward-based learning rule (model-spec §5) [paper code, train_neuronal_gains.m]:
 *
 *   init   g = 1, ḡ = g, Ē = E(g), R = 0
 *   trial  ξ ~ N(0, σ²), one draw per modulatory group (groups 0..G−1, drawn in that order)
 *          g ← g + R·(g − ḡ) + ξ[group(i)]
 *          E_k = E(g);  R = sign(Ē − E_k)
 *          Ē ← α·Ē + (1−α)·E_k;  ḡ ← α·ḡ + (1−α)·g
 *   result the gains of the trial with the lowest error (the initial g = 1 included).
 *
 * Trial numbering: errors[0] is E at g = 1 (the paper's iteration 1), errors[k] the error after
 * the k-th update, k = 1..trials. The paper's num_iterations = 5000 corresponds to trials = 4999;
 * GainLab's default of 5000 trials runs one more. A non-finite error counts as worse than any
 * other (R = −1), so a diverging trial pushes the gains back instead of poisoning them with NaN.
 *
 * No allocation per trial: all buffers are made up front; the evaluator must not allocate either
 * (TrialEvaluator does not).
 *
 * Speed without a change of numbers: several sessions share one batched pass over W (lockstep),
 * and an evaluator with helper threads computes two trials at once — the next session's, or for
 * one session the next trial's with R guessed ("Concurrent trials", below).
 */
import { BatchTrialEvaluator, type BatchKernelName } from './batchSimulator.js';
import type { Network } from './network.js';
import type { DynamicsParams } from './params.js';
import { Rng } from './rng.js';
import { ThreadSchedule, whileOffered } from './kernels/threads.js';

// The rule's two per-neuron updates, written once: perturb(), accept() and speculate() must do the
// same operations in the same order for concurrent trials to give the plain loop's bits.
/** g + R·(g − ḡ) + ξ: a gain of the next trial. */
const steppedGain = (g: number, gBar: number, R: number, xi: number): number => g + R * (g - gBar) + xi;
/** α·ḡ + (1 − α)·g: the low-passed gain after a trial. */
const lowPassed = (gBar: number, g: number, alpha: number): number => alpha * gBar + (1 - alpha) * g;

/** What the rule needs from a trial evaluator (TrialEvaluator satisfies it). */
export interface GainTrialEvaluator {
  readonly network: { readonly n: number };
  readonly channels: number;
  readonly nSamples: number;
  /** E(gains) */
  error(gains: Float64Array): number;
  /** E(gains), copying the channel-major output into outputOut when given. */
  run(gains: Float64Array, outputOut?: Float64Array): number;
  /**
   * Optional (TrialEvaluator with helper threads): start E(gains) on another core while this one
   * evaluates another trial; false when nothing was started. See "Concurrent trials" below.
   */
  offer?(gains: Float64Array): boolean;
  /** After offer() returned true and this thread's own trial: its error (output into outputOut), or null when it was withdrawn. */
  offeredError?(outputOut?: Float64Array): number | null;
}

export interface RewardRuleOptions {
  /** Perturbed trials after the initial evaluation; default 5000. */
  trials?: number;
  /** Standard deviation σ of the per-group gain noise; default 0.001. */
  sigma?: number;
  /** Low-pass factor α of Ē and ḡ; default 0.3. */
  alpha?: number;
  /** Group label 0..G−1 of every neuron (default: neuron-specific, label i for neuron i). */
  groups?: Int32Array;
  /** Starting gains (default all 1, as in the paper). */
  initialGains?: Float64Array;
  seed: number;
  /** Trials (0 = initial) whose outputs are recorded, e.g. for "outputs over training". */
  recordAt?: number[];
  /** Call onProgress every this many trials (default 50). */
  progressEvery?: number;
  /**
   * Whether an evaluator that can offer trials to another core (GainTrialEvaluator.offer) computes
   * two at once ("Concurrent trials" below) when that has lately been faster (true, the default),
   * on every trial ('always': benchmarks) or never (false). The same numbers either way.
   */
  concurrentTrials?: boolean | 'always';
}

export interface RewardRuleProgress {
  trial: number;
  trials: number;
  error: number;
  bestError: number;
}

export interface RecordedOutput {
  trial: number;
  /** channel-major channels × nSamples */
  output: Float64Array;
}

export interface RewardRuleResult {
  /** errors[k] for k = 0..trialsDone (index 0: gains at their start, all 1 by default). */
  errors: Float64Array;
  bestGains: Float64Array;
  bestError: number;
  /** Index into errors of the best trial. */
  bestTrial: number;
  /** Output of the best gains, channel-major. */
  bestOutput: Float64Array;
  /** Final gains (of the last trial run). */
  finalGains: Float64Array;
  outputsAt: RecordedOutput[];
  /** Perturbed trials actually run (less than requested when stopped). */
  trialsDone: number;
  stopped: boolean;
  seed: number;
  sigma: number;
  alpha: number;
  groupCount: number;
}

interface ResolvedOptions {
  trials: number;
  sigma: number;
  alpha: number;
  groups: Int32Array;
  groupCount: number;
  initialGains: Float64Array | undefined;
  seed: number;
  recordAt: Set<number>;
  progressEvery: number;
}

function resolveOptions(n: number, options: RewardRuleOptions): ResolvedOptions {
  const trials = options.trials ?? 5000;
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`reward rule: trials must be a non-negative integer, got ${trials}`);
  const sigma = options.sigma ?? 0.001;
  if (!Number.isFinite(sigma) || sigma < 0) throw new RangeError(`reward rule: sigma must be ≥ 0, got ${sigma}`);
  const alpha = options.alpha ?? 0.3;
  if (!Number.isFinite(alpha) || alpha < 0 || alpha >= 1) throw new RangeError(`reward rule: alpha must be in [0, 1), got ${alpha}`);
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`reward rule: seed must be a safe integer, got ${options.seed}`);
  let groups = options.groups;
  if (groups === undefined) {
    groups = new Int32Array(n);
    for (let i = 0; i < n; i++) groups[i] = i;
  }
  if (groups.length !== n) throw new RangeError(`reward rule: groups has ${groups.length} labels, expected n = ${n}`);
  let groupCount = 0;
  for (let i = 0; i < n; i++) {
    const label = groups[i];
    if (!Number.isInteger(label) || label < 0) throw new RangeError(`reward rule: group label ${label} of neuron ${i} is not a non-negative integer`);
    if (label + 1 > groupCount) groupCount = label + 1;
  }
  if (options.initialGains && options.initialGains.length !== n) {
    throw new RangeError(`reward rule: initialGains has ${options.initialGains.length} values, expected n = ${n}`);
  }
  const progressEvery = Math.max(1, Math.floor(options.progressEvery ?? 50));
  return {
    trials,
    sigma,
    alpha,
    groups,
    groupCount,
    initialGains: options.initialGains,
    seed: options.seed,
    recordAt: new Set(options.recordAt ?? []),
    progressEvery,
  };
}

/**
 * The state of one learning session, advanced one trial at a time. runRewardRule drives one;
 * runRewardRuleSessions drives several in lockstep (so a batch simulator can evaluate their
 * trials together).
 */
export class RewardRuleSession {
  readonly n: number;
  readonly options: ResolvedOptions;
  readonly gains: Float64Array;
  readonly errors: Float64Array;
  readonly bestGains: Float64Array;
  readonly outputsAt: RecordedOutput[] = [];
  bestError = Infinity;
  bestTrial = 0;
  /** Trials completed (0 after init). */
  trial = 0;
  private readonly gainsBar: Float64Array;
  private readonly noise: Float64Array;
  private readonly rng: Rng;
  private errorBar = 0;
  private modulation = 0;
  /** Whether `noise` holds the next trial's ξ already (drawn by speculate, used by perturb). */
  private noiseDrawn = false;

  constructor(n: number, options: RewardRuleOptions) {
    this.n = n;
    this.options = resolveOptions(n, options);
    this.gains = new Float64Array(n);
    if (this.options.initialGains) this.gains.set(this.options.initialGains);
    else this.gains.fill(1);
    this.gainsBar = new Float64Array(this.gains);
    this.bestGains = new Float64Array(this.gains);
    this.errors = new Float64Array(this.options.trials + 1);
    this.noise = new Float64Array(this.options.groupCount);
    this.rng = new Rng(this.options.seed);
  }

  get done(): boolean {
    return this.trial >= this.options.trials;
  }

  /** Whether the output of trial `trial` is to be recorded. */
  records(trial: number): boolean {
    return this.options.recordAt.has(trial);
  }

  /** Record the initial error (trial 0, gains as they start). */
  initialise(error: number): void {
    this.errors[0] = error;
    this.errorBar = error;
    this.modulation = 0;
    this.bestError = Number.isFinite(error) ? error : Infinity;
    this.bestTrial = 0;
    this.bestGains.set(this.gains);
  }

  /** Perturb the gains for the next trial: g ← g + R·(g − ḡ) + ξ[group]. */
  perturb(): void {
    const { groups } = this.options;
    const noise = this.nextNoise();
    this.noiseDrawn = false;
    const g = this.gains;
    const gBar = this.gainsBar;
    const R = this.modulation;
    for (let i = 0; i < this.n; i++) g[i] = steppedGain(g[i], gBar[i], R, noise[groups[i]]);
  }

  /** The next trial's ξ: drawn now (one draw per group, in group order) unless speculate drew it. */
  private nextNoise(): Float64Array {
    if (!this.noiseDrawn) {
      const { sigma, groupCount } = this.options;
      for (let k = 0; k < groupCount; k++) this.noise[k] = sigma * this.rng.normal();
      this.noiseDrawn = true;
    }
    return this.noise;
  }

  /** The modulation R of the last accepted trial (0 before the first): sign(Ē − E), −1 for NaN. */
  get lastModulation(): number {
    return this.modulation;
  }

  /**
   * Between perturb() and accept() of a trial: the gains the next trial will have if this trial's
   * R turns out to be `modulation` — g + R·(g − ḡ′) + ξ with ḡ′ = α·ḡ + (1 − α)·g as accept() will
   * make it, the same operations in the same order, so the same bits as accept() then perturb().
   * Draws the next trial's ξ (perturb() then uses it: the random sequence does not change).
   */
  speculate(modulation: number, out: Float64Array): void {
    const { alpha, groups } = this.options;
    const noise = this.nextNoise();
    const g = this.gains;
    const gBar = this.gainsBar;
    for (let i = 0; i < this.n; i++) out[i] = steppedGain(g[i], lowPassed(gBar[i], g[i], alpha), modulation, noise[groups[i]]);
  }

  /**
   * After accept(): if its R was `modulation`, the next trial's gains are `speculated`
   * (speculate(modulation, speculated)) and become this session's gains in place of perturb();
   * returns whether they did.
   */
  adopt(modulation: number, speculated: Float64Array): boolean {
    if (this.modulation !== modulation || !this.noiseDrawn) return false;
    this.gains.set(speculated);
    this.noiseDrawn = false;
    return true;
  }

  /** Take the error of the perturbed gains: R, Ē, ḡ and the best trial are updated. */
  accept(error: number): void {
    const k = ++this.trial;
    this.errors[k] = error;
    if (error < this.bestError) {
      this.bestError = error;
      this.bestTrial = k;
      this.bestGains.set(this.gains);
    }
    const { alpha } = this.options;
    this.modulation = Number.isNaN(error) ? -1 : Math.sign(this.errorBar - error);
    if (Number.isFinite(error)) this.errorBar = alpha * this.errorBar + (1 - alpha) * error;
    const g = this.gains;
    const gBar = this.gainsBar;
    for (let i = 0; i < this.n; i++) gBar[i] = lowPassed(gBar[i], g[i], alpha);
  }

  result(bestOutput: Float64Array, stopped: boolean): RewardRuleResult {
    return {
      errors: this.errors.slice(0, this.trial + 1),
      bestGains: new Float64Array(this.bestGains),
      bestError: this.bestError,
      bestTrial: this.bestTrial,
      bestOutput,
      finalGains: new Float64Array(this.gains),
      outputsAt: this.outputsAt,
      trialsDone: this.trial,
      stopped,
      seed: this.options.seed,
      sigma: this.options.sigma,
      alpha: this.options.alpha,
      groupCount: this.options.groupCount,
    };
  }
}

/** The error of a trial offered for `session` (evaluator.offer), its output recorded if wanted; null: withdrawn. */
function collectOffered(session: RewardRuleSession, evaluator: GainTrialEvaluator, trial: number, outputLength: number): number | null {
  const output = session.records(trial) ? new Float64Array(outputLength) : undefined;
  const error = evaluator.offeredError!(output);
  if (error !== null && output) session.outputsAt.push({ trial, output });
  return error;
}

/**
 * Concurrent trials. A session's trials depend on each other only through R = sign(Ē − E) of the
 * trial before, which is +1 or −1: the next trial's gains are one of two vectors known before the
 * trial's error is (RewardRuleSession.speculate). So while this thread computes trial t, another
 * core computes trial t + 1 for a guessed R; when the guess holds, two trials are done in the time
 * of one, else the guess is dropped and trial t + 1 runs with the right R. Either way every trial's
 * gains and error are the ones the plain loop computes, bit for bit (the same operations, the
 * same random draws in the same order; tests/model/concurrentTrials.test.ts), and shouldStop and
 * sessionStopRequested are asked before every trial. The guess is the last R: on the published
 * network and novel target it holds for 62–64 % of trials (seeds 1–3, neuron-specific and 10
 * groups), so a session runs about 1.6 trials in the time of one when the other core is free.
 * Several sessions on one evaluator (evaluateAll) need no guess: the next session's trial runs on
 * the other core.
 */
function speculativeTrials(
  session: RewardRuleSession,
  evaluator: GainTrialEvaluator,
  outputLength: number,
  hooks: LockstepHooks,
  schedule: ThreadSchedule,
): 'done' | 'stopped' | 'session stopped' {
  const { trials } = session.options;
  const guessed = new Float64Array(session.n);
  // guesses checked and right so far (one of each assumed to begin with)
  let guesses = 2;
  let hits = 1;
  const stopAsked = (): 'stopped' | 'session stopped' | null =>
    hooks.shouldStop?.() ? 'stopped' : hooks.sessionStopRequested?.(0) ? 'session stopped' : null;
  while (session.trial < trials) {
    const stop = stopAsked();
    if (stop) return stop;
    session.perturb();
    const trial = session.trial + 1;
    // the last trial has no next one to guess; the schedule decides the others
    const asked = trial < trials;
    const together = asked && schedule.next();
    // the guess: this trial's R is the last one's (+1 before any)
    const guess = session.lastModulation === -1 ? -1 : 1;
    let offered = false;
    if (together) {
      session.speculate(guess, guessed);
      offered = evaluator.offer!(guessed);
    }
    const error = whileOffered(offered, () => evaluate(session, evaluator, trial, outputLength), () => evaluator.offeredError!());
    session.accept(error);
    const output = offered && session.records(trial + 1) ? new Float64Array(outputLength) : undefined;
    const next = offered ? evaluator.offeredError!(output) : null;
    hooks.onTrial?.(0, trial, error, session.gains);
    if (!offered) {
      // alone by choice (timed as such), or no core or helper for the offer (not counted against it)
      if (asked) schedule.done(!together);
      continue;
    }
    // a wrong guess (or a trial its helper never began): trial + 1 runs next with the right R
    const adopted = next !== null && session.lastModulation === guess;
    if (next !== null) {
      guesses++;
      if (adopted) hits++;
    }
    // timed per trial at the run's rate of right guesses: a step takes about as long either way,
    // so its median is steady where the trials it completes (one or two) are not
    schedule.done(next !== null, 1 + hits / guesses);
    if (!adopted) continue;
    const stopNext = stopAsked();
    if (stopNext) return stopNext;
    session.adopt(guess, guessed);
    if (output) session.outputsAt.push({ trial: trial + 1, output });
    session.accept(next);
    hooks.onTrial?.(0, trial + 1, next, session.gains);
  }
  return 'done';
}

function evaluate(session: RewardRuleSession, evaluator: GainTrialEvaluator, trial: number, outputLength: number): number {
  if (!session.records(trial)) return evaluator.error(session.gains);
  const output = new Float64Array(outputLength);
  const error = evaluator.run(session.gains, output);
  session.outputsAt.push({ trial, output });
  return error;
}

/**
 * Run the reward-based rule on one evaluator: rewardRuleLockstep with one session. Returns the
 * partial result (stopped: true) when shouldStop() turns true; shouldStop is checked before every
 * trial, onProgress is called every `progressEvery` trials and once at the end.
 */
export function runRewardRule(
  evaluator: GainTrialEvaluator,
  options: RewardRuleOptions,
  onProgress?: (progress: RewardRuleProgress) => void,
  shouldStop?: () => boolean,
): RewardRuleResult {
  const trials = options.trials ?? 5000;
  const progressEvery = Math.max(1, Math.floor(options.progressEvery ?? 50));
  let best = Infinity;
  let reported = -1;
  const { sessions } = rewardRuleLockstep({ kind: 'each', evaluator }, { ...options, sessions: 1, seeds: [options.seed] }, {
    shouldStop,
    onTrial: (_k, trial, error) => {
      if (error < best) best = error;
      if (onProgress && trial > 0 && trial % progressEvery === 0) {
        reported = trial;
        onProgress({ trial, trials, error, bestError: best });
      }
    },
  });
  const result = sessions[0];
  if (onProgress && result.trialsDone !== reported) {
    onProgress({ trial: result.trialsDone, trials, error: result.errors[result.trialsDone], bestError: result.bestError });
  }
  return result;
}

/**
 * Evaluates K sessions' gains in one batched pass, each session on its own task (a joint
 * evaluator over several initial conditions per session, speed/jointEvaluator.ts, is one).
 */
export interface SessionsEvaluator {
  /** errorsOut[k] = E(gains[k]) of session k. */
  errors(gains: readonly Float64Array[], errorsOut: Float64Array): Float64Array;
  /** Session k's output of the last errors() call (channel-major; condition after condition). */
  output(k: number, out: Float64Array): Float64Array;
  /** Length of one session's output. */
  readonly outputLength: number;
  dispose?(): void;
}

export interface RewardRuleSessionsOptions extends Omit<RewardRuleOptions, 'seed'> {
  /** Independent sessions (the paper runs 10 per condition). Session k uses seed Rng.derive(seed, k). */
  sessions: number;
  seed: number;
  /** Batch kernel (default 'auto': WebAssembly float64 batch, K separate CSR kernels without SIMD). */
  kernel?: BatchKernelName;
  /** Seeds of the sessions (default Rng.derive(seed, k) for session k). */
  sessionSeeds?: readonly number[];
  /** Group labels per session (e.g. random groups drawn per session); overrides `groups`. */
  sessionGroups?: readonly Int32Array[];
  /**
   * Evaluator of the sessions, each on its own task (default: BatchTrialEvaluator on `target`,
   * one target for all sessions or one per session). With it, `target` is ignored.
   */
  evaluator?: SessionsEvaluator;
}

export interface RewardRuleSessionsProgress extends RewardRuleProgress {
  sessions: number;
  /** Best error over all sessions so far. */
  bestError: number;
}

export interface RewardRuleSessionsResult {
  sessions: RewardRuleResult[];
  /** Index of the session with the lowest best error. */
  bestSession: number;
  seed: number;
  stopped: boolean;
}

/**
 * How the sessions' trials are evaluated: every session's trial in one batched pass over W (the
 * sessions share the bytes of W: batchSimulator.ts), or one after another on one evaluator (a
 * joint evaluator over several initial conditions, or a single session).
 */
export type SessionEvaluation =
  | { kind: 'batch'; network: Network; params: DynamicsParams; target: Float64Array | readonly Float64Array[]; kernel?: BatchKernelName }
  | { kind: 'each'; evaluator: GainTrialEvaluator }
  | { kind: 'sessions'; n: number; evaluator: SessionsEvaluator };

/** What the caller sees of the run as it goes, and how it stops it. */
export interface LockstepHooks {
  /** After every trial of every active session (trial 0: the starting gains). */
  onTrial?: (session: number, trial: number, error: number, gains: Float64Array) => void;
  /** Checked before every trial: stop all sessions (the result is partial). */
  shouldStop?: () => boolean;
  /** Checked before every trial: stop this session alone; the others go on. */
  sessionStopRequested?: (session: number) => boolean;
}

/**
 * THE loop of the reward rule: K independent sessions advanced trial by trial together (session k
 * seeded Rng.derive(seed, k), its own RewardRuleSession state). runRewardRule (one session) and
 * runRewardRuleSessions are this loop; the app's training task, the CLI, recipes and the
 * experiments all run it, so the same settings give the same numbers everywhere.
 *
 * A session stopped on its own keeps its state (and, batched, is still evaluated with its last
 * gains, which costs little next to the shared pass over W). The result of a session that was
 * stopped is marked stopped.
 */
export function rewardRuleLockstep(
  evaluation: SessionEvaluation,
  options: RewardRuleSessionsOptions & { /** Session seeds (default Rng.derive(seed, k) for session k). */ seeds?: readonly number[] },
  hooks: LockstepHooks = {},
): RewardRuleSessionsResult {
  const K = options.sessions;
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`reward rule: sessions must be a positive integer, got ${K}`);
  const n = evaluation.kind === 'batch' ? evaluation.network.n : evaluation.kind === 'sessions' ? evaluation.n : evaluation.evaluator.network.n;
  const seeds = options.seeds ?? options.sessionSeeds ?? Array.from({ length: K }, (_, k) => Rng.derive(options.seed, k));
  if (seeds.length !== K) throw new RangeError(`reward rule: ${seeds.length} seeds for ${K} sessions`);
  if (options.sessionGroups && options.sessionGroups.length !== K) throw new RangeError(`reward rule: ${options.sessionGroups.length} group labellings for ${K} sessions`);
  const sessions = seeds.map((seed, k) => new RewardRuleSession(n, { ...options, seed, groups: options.sessionGroups?.[k] ?? options.groups }));
  const outputLength =
    evaluation.kind === 'batch'
      ? evaluation.network.readout.channels * evaluation.params.nSamples
      : evaluation.kind === 'sessions'
        ? evaluation.evaluator.outputLength
        : evaluation.evaluator.channels * evaluation.evaluator.nSamples;
  const batch: SessionsEvaluator | null =
    evaluation.kind === 'batch' ? batchSessionsEvaluator(evaluation.network, evaluation.params, evaluation.target, K, evaluation.kernel ?? 'auto') : evaluation.kind === 'sessions' ? evaluation.evaluator : null;
  const evaluator = evaluation.kind === 'each' ? evaluation.evaluator : null;
  const gains = sessions.map((session) => session.gains);
  const errors = new Float64Array(K);
  const { trials } = sessions[0].options;
  const active = new Array<boolean>(K).fill(true);
  let activeCount = K;

  // concurrent trials, when they have lately been faster than the evaluator alone
  const concurrent = evaluator !== null && options.concurrentTrials !== false && typeof evaluator.offer === 'function' ? new ThreadSchedule() : null;
  if (concurrent && options.concurrentTrials === 'always') concurrent.force = 'team';
  const evaluateAll = (trial: number) => {
    if (batch) {
      batch.errors(gains, errors);
      if (sessions[0].records(trial)) for (let k = 0; k < K; k++) if (active[k]) sessions[k].outputsAt.push({ trial, output: batch.output(k, new Float64Array(outputLength)) });
      return;
    }
    const together = concurrent !== null && activeCount > 1 && concurrent.next();
    let withdrawn = false;
    for (let k = 0; k < K; k++) {
      if (!active[k]) continue;
      // the next active session's trial on the other core meanwhile
      let next = k + 1;
      while (next < K && !active[next]) next++;
      const offered = together && next < K && evaluator!.offer!(sessions[next].gains);
      errors[k] = whileOffered(offered, () => evaluate(sessions[k], evaluator!, trial, outputLength), () => evaluator!.offeredError!());
      if (!offered) continue;
      const error = collectOffered(sessions[next], evaluator!, trial, outputLength);
      if (error === null) {
        withdrawn = true;
        continue;
      }
      errors[next] = error;
      k = next;
    }
    if (concurrent !== null && activeCount > 1) concurrent.done(!withdrawn);
  };

  try {
    evaluateAll(0);
    for (let k = 0; k < K; k++) {
      sessions[k].initialise(errors[k]);
      hooks.onTrial?.(k, 0, errors[k], sessions[k].gains);
    }
    let stopped = false;
    const stoppedAlone = new Array<boolean>(K).fill(false);
    if (K === 1 && concurrent) {
      const end = speculativeTrials(sessions[0], evaluator!, outputLength, hooks, concurrent);
      stopped = end === 'stopped';
      stoppedAlone[0] = end === 'session stopped';
    } else for (let trial = 1; trial <= trials; trial++) {
      if (hooks.shouldStop?.()) {
        stopped = true;
        break;
      }
      if (hooks.sessionStopRequested) {
        for (let k = 0; k < K; k++) {
          if (active[k] && hooks.sessionStopRequested(k)) {
            active[k] = false;
            stoppedAlone[k] = true;
            activeCount--;
          }
        }
        if (activeCount === 0) break;
      }
      for (let k = 0; k < K; k++) if (active[k]) sessions[k].perturb();
      evaluateAll(trial);
      for (let k = 0; k < K; k++) {
        if (!active[k]) continue;
        sessions[k].accept(errors[k]);
        hooks.onTrial?.(k, trial, errors[k], sessions[k].gains);
      }
    }
    // every session's best output: one more batched pass, or one run each
    const results: RewardRuleResult[] = [];
    if (batch) {
      batch.errors(sessions.map((session) => session.bestGains), errors);
      sessions.forEach((session, k) => results.push(session.result(batch.output(k, new Float64Array(outputLength)), stopped || stoppedAlone[k])));
    } else {
      for (let k = 0; k < K; k++) {
        const bestOutput = new Float64Array(outputLength);
        evaluator!.run(sessions[k].bestGains, bestOutput);
        results.push(sessions[k].result(bestOutput, stopped || stoppedAlone[k]));
      }
    }
    let bestSession = 0;
    for (let k = 1; k < K; k++) if (results[k].bestError < results[bestSession].bestError) bestSession = k;
    return { sessions: results, bestSession, seed: options.seed, stopped };
  } finally {
    batch?.dispose?.();
  }
}

/** The default sessions evaluator: one BatchTrialEvaluator, one target for all sessions or one each. */
function batchSessionsEvaluator(network: Network, params: DynamicsParams, target: Float64Array | readonly Float64Array[], sessions: number, kernel: BatchKernelName): SessionsEvaluator & { dispose(): void } {
  const batch = new BatchTrialEvaluator(network, params, target, sessions, { kernel });
  return {
    outputLength: network.readout.channels * params.nSamples,
    errors: (gains, errorsOut) => batch.errors(gains, errorsOut),
    output: (k, out) => batch.output(k, out),
    dispose: () => batch.dispose(),
  };
}

/**
 * Several independent sessions of the rule, advanced in lockstep so one batched pass over W
 * (BatchTrialEvaluator) evaluates every session's trial: rewardRuleLockstep with batch
 * evaluation. shouldStop is checked before every trial; onProgress is called every
 * `progressEvery` trials with session 0's latest error and the best error over all sessions.
 */
export function runRewardRuleSessions(
  network: Network,
  params: DynamicsParams,
  target: Float64Array | readonly Float64Array[],
  options: RewardRuleSessionsOptions,
  onProgress?: (progress: RewardRuleSessionsProgress) => void,
  shouldStop?: () => boolean,
): RewardRuleSessionsResult {
  const K = options.sessions;
  const progressEvery = Math.max(1, Math.floor(options.progressEvery ?? 50));
  const trials = options.trials ?? 5000;
  let best = Infinity;
  let latest = 0;
  let reported = -1;
  const evaluation: SessionEvaluation = options.evaluator ? { kind: 'sessions', n: network.n, evaluator: options.evaluator } : { kind: 'batch', network, params, target, kernel: options.kernel };
  const result = rewardRuleLockstep(evaluation, options, {
    shouldStop,
    onTrial: (k, trial, error) => {
      if (error < best) best = error;
      if (k === 0) latest = error;
      if (onProgress && k === K - 1 && trial > 0 && trial % progressEvery === 0) {
        reported = trial;
        onProgress({ trial, trials, sessions: K, error: latest, bestError: best });
      }
    },
  });
  const done = result.sessions[0].trialsDone;
  if (onProgress && done !== reported) onProgress({ trial: done, trials, sessions: K, error: result.sessions[0].errors[done], bestError: best });
  return result;
}
