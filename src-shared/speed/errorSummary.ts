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
