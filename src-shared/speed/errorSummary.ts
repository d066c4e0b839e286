/**
 * The one definition of the numbers a speed manifold is reported by (model-spec §10), shared by
 * the job card (main's job summary), the speed view's status line and its per-speed list, so the
 * three never disagree: per speed, the joint error Σₘ Eₘ of its learned pattern over the m
 * initial conditions; for the job as a whole, that joint error at the slowest speed learned.
 * The fastest speed's targets are the network's own outputs with g = 1, so its error is zero up to
 * round-off (e.g. 3.9e-30): it is reported as 0.
 */

/** What the numbers are called wherever they are shown. */
export const SPEED_ERROR_LABEL = 'joint error Σₘ Eₘ';

/** Below this an error is round-off of an exact fit, not a number worth printing. */
export const ROUNDOFF_ERROR = 1e-12;

export interface SpeedError {
  /** Duration factor s (the speed lasts s·T). */
  factor: number;
  /** Σₘ Eₘ of this speed's pattern (0 when only round-off). */
  error: number;
}

function cleaned(error: number): number {
  return Number.isFinite(error) && Math.abs(error) < ROUNDOFF_ERROR ? 0 : error;
}

/** Every learned speed's joint error, fastest first (as many as both arrays hold: a cancelled job has fewer). */
export function speedErrors(result: { factors: readonly number[]; errors: readonly number[] }): SpeedError[] {
  const count = Math.min(result.factors.length, result.errors.length);
  return Array.from({ length: count }, (_, k) => ({ factor: result.factors[k], error: cleaned(result.errors[k]) }));
}

/** The job's headline number: the joint error at the slowest speed learned (null before any slow speed). */
export function slowestSpeedError(result: { factors: readonly number[]; errors: readonly number[] }): SpeedError | null {
  const all = speedErrors(result);
  const last = all[all.length - 1];
  return all.length > 1 && Number.isFinite(last.error) ? last : null;
}

/** "5T", "1.5T": a speed by its duration factor. */
export function factorLabel(factor: number): string {
  return `${Number(factor.toPrecision(3))}T`;
}

/**
 * When the slow end of a manifold is "much worse" than its fast end: the slowest speed's error is
 * above SLOW_END_MIN_ERROR and more than SLOW_END_RATIO times the fast end's. The fast end is the
 * fastest speed after 1T (1T is the network's own movement, g = 1, error 0 by construction). Seen
 * on the published network (gradient, 7 speeds to 5×, 150 iterations, each speed from g = 1):
 * 1.67T 0.0069, 4.33T 0.797, 5T 0.550 — the slow end had not converged in the budget.
 */
export const SLOW_END_RATIO = 5;
export const SLOW_END_MIN_ERROR = 0.1;

export interface SlowEndGap {
  /** The fastest speed learned (after 1T). */
  fast: SpeedError;
  /** The slow speeds that end much worse than the fast end, fastest first (the slowest is last). */
  slow: SpeedError[];
}

/** The slow end's shortfall against the fast end (null when the slowest speed is not much worse, or fewer than two speeds after 1T). */
export function slowEndGap(result: { factors: readonly number[]; errors: readonly number[] }): SlowEndGap | null {
  const learned = speedErrors(result).filter((s) => s.factor > 1);
  if (learned.length < 2) return null;
  const fast = learned[0];
  const muchWorse = (s: SpeedError) => Number.isFinite(s.error) && s.error > SLOW_END_MIN_ERROR && s.error > SLOW_END_RATIO * fast.error;
  let first = learned.length;
  while (first > 1 && muchWorse(learned[first - 1])) first--;
  return first < learned.length ? { fast, slow: learned.slice(first) } : null;
}

/** The most slow speeds a hint names one by one. */
const NAMED_SLOW_SPEEDS = 3;

/** "a, b and c" */
function listed(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * One line for the manifold's card when its slow end is much worse than its fast end (null
 * otherwise), naming the speeds, their errors and what to try for the rule it was learned with:
 * "5T ended at E = 0.550, the fast end (1.67T) at 0.0300: try more iterations per speed."
 * More than three such speeds are given as a range: "6 speeds from 1.44T to 2T ended at E = 0.369
 * to 0.764, …".
 */
export function slowEndHint(
  result: { factors: readonly number[]; errors: readonly number[] },
  rule: string | null,
  format: (error: number) => string = (error) => error.toPrecision(3),
): string | null {
  const gap = slowEndGap(result);
  if (!gap) return null;
  const slow = gap.slow;
  const errors = slow.map((s) => s.error);
  // up to NAMED_SLOW_SPEEDS named one by one; more (a manifold of up to 20 speeds) as a range, to stay one line
  const ended =
    slow.length <= NAMED_SLOW_SPEEDS
      ? `${listed(slow.map((s) => factorLabel(s.factor)))} ended at E = ${listed(errors.map(format))}`
      : `${slow.length} speeds from ${factorLabel(slow[0].factor)} to ${factorLabel(slow[slow.length - 1].factor)} ended at E = ${format(Math.min(...errors))} to ${format(Math.max(...errors))}`;
  const advice =
    rule === 'gradient'
      ? 'more iterations per speed'
      : rule === 'reward'
        ? 'more trials per speed, or the gradient rule'
        : 'more iterations (gradient) or trials (reward) per speed';
  return `${ended}, the fast end (${factorLabel(gap.fast.factor)}) at ${format(gap.fast.error)}: try ${advice}.`;
}
