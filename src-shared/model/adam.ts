/**
 * Adam (Kingma & Ba 2015, Algorithm 1) on a flat Float64Array, updated in place.
 *
 *   m ← β1·m + (1−β1)·grad,   v ← β2·v + (1−β2)·grad²
 *   m̂ = m / (1−β1^t),         v̂ = v / (1−β2^t)
 *   θ ← θ − lr · m̂ / (√v̂ + ε)
 *
 * Defaults are the spec's (model-spec §6): lr 1e-2, β1 0.9, β2 0.999, ε 1e-8.
 * The moment buffers are allocated once; `step` allocates nothing.
 */

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export const DEFAULT_ADAM: Required<AdamOptions> = {
  lr: 1e-2,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

export class Adam {
  readonly size: number;
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** First-moment estimate m. */
  readonly firstMoment: Float64Array;
  /** Second-moment estimate v. */
  readonly secondMoment: Float64Array;
  /** Number of steps taken (t in the paper). */
  stepCount = 0;
  // β^t kept as running products rather than Math.pow each step.
  private beta1Power = 1;
  private beta2Power = 1;

  constructor(size: number, options: AdamOptions = {}) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`Adam size must be a non-negative integer, got ${size}`);
    // `?? default` per field: an explicit `undefined` in options means "use the default".
    const lr = options.lr ?? DEFAULT_ADAM.lr;
    const beta1 = options.beta1 ?? DEFAULT_ADAM.beta1;
    const beta2 = options.beta2 ?? DEFAULT_ADAM.beta2;
    const epsilon = options.epsilon ?? DEFAULT_ADAM.epsilon;
    if (!(lr > 0)) throw new RangeError(`Adam lr must be positive, got ${lr}`);
    if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`Adam beta1 must be in [0, 1), got ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`Adam beta2 must be in [0, 1), got ${beta2}`);
    if (!(epsilon >= 0)) throw new RangeError(`Adam epsilon must be non-negative, got ${epsilon}`);
    this.size = size;
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.firstMoment = new Float64Array(size);
    this.secondMoment = new Float64Array(size);
  }

  /** One Adam update of `params` (in place) with gradient `grad` of the loss at `params`. */
  step(params: Float64Array, grad: Float64Array): void {
    const size = this.size;
    if (params.length !== size || grad.length !== size) {
      throw new RangeError(`Adam.step: expected length ${size}, got params ${params.length}, grad ${grad.length}`);
    }
    this.stepCount++;
    this.beta1Power *= this.beta1;
    this.beta2Power *= this.beta2;
    const beta1 = this.beta1;
    const beta2 = this.beta2;
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const firstCorrection = 1 / (1 - this.beta1Power);
    const secondCorrection = 1 / (1 - this.beta2Power);
    const lr = this.lr;
    const epsilon = this.epsilon;
    const m = this.firstMoment;
    const v = this.secondMoment;
    for (let i = 0; i < size; i++) {
      const gi = grad[i];
      const mi = beta1 * m[i] + oneMinusBeta1 * gi;
      const vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (lr * (mi * firstCorrection)) / (Math.sqrt(vi * secondCorrection) + epsilon);
    }
  }

  /** Forget the moments and the step count (start a fresh optimisation). */
  reset(): void {
    this.firstMoment.fill(0);
    this.secondMoment.fill(0);
    this.stepCount = 0;
    this.beta1Power = 1;
    this.beta2Power = 1;
  }
}
