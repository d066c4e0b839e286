/**
 * Finite differences for gradient tests: the independent truth an adjoint gradient is checked
 * against (compares the whole gradient vector at once through ∇E·d along a direction d).
 */

/** Anything with E(θ). */
export interface HasValue {
  value(theta: Float64Array): number;
}

/** Central difference of E along direction d: (E(θ + h d) − E(θ − h d)) / 2h. */
export function directionalDifference(problem: HasValue, theta: Float64Array, direction: Float64Array, step: number): number {
  const probe = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) probe[i] = theta[i] + step * direction[i];
  const plus = problem.value(probe);
  for (let i = 0; i < theta.length; i++) probe[i] = theta[i] - step * direction[i];
  const minus = problem.value(probe);
  return (plus - minus) / (2 * step);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
