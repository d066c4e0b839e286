/**
 * The rate nonlinearity of model-spec §1, relative to baseline:
 *   f(x; g) = r0·tanh(g·x/r0)                  for x < 0
 *           = (rmax − r0)·tanh(g·x/(rmax − r0))  for x ≥ 0
 * or, with gainFunction 'linear', f(x; g) = g·x.
 * With c = r0 (x < 0) or rmax − r0 (x ≥ 0) and u = tanh(g·x/c):
 *   ∂f/∂x = g·(1 − u²),   ∂f/∂g = x·(1 − u²).
 * At x = 0 both branches have slope g, so f is C¹ there.
 */
import type { DynamicsParams } from './params.js';

type RateParams = Pick<DynamicsParams, 'r0' | 'rmax' | 'gainFunction'>;

export function rate(x: number, g: number, params: RateParams): number {
  if (params.gainFunction === 'linear') return g * x;
  const c = x < 0 ? params.r0 : params.rmax - params.r0;
  return c * Math.tanh((g * x) / c);
}

/** ∂f/∂x */
export function rateDerivative(x: number, g: number, params: RateParams): number {
  if (params.gainFunction === 'linear') return g;
  const c = x < 0 ? params.r0 : params.rmax - params.r0;
  const u = Math.tanh((g * x) / c);
  return g * (1 - u * u);
}

/** ∂f/∂g */
export function rateGainDerivative(x: number, g: number, params: RateParams): number {
  if (params.gainFunction === 'linear') return x;
  const c = x < 0 ? params.r0 : params.rmax - params.r0;
  const u = Math.tanh((g * x) / c);
  return x * (1 - u * u);
}

/** out[i] = f(x[xOffset + i]; gains[i]) for i < n (exact, Math.tanh). */
export function ratesInto(
  x: Float64Array,
  gains: Float64Array,
  n: number,
  params: RateParams,
  out: Float64Array,
  xOffset = 0,
  outOffset = 0,
): void {
  if (params.gainFunction === 'linear') {
    for (let i = 0; i < n; i++) out[outOffset + i] = gains[i] * x[xOffset + i];
    return;
  }
  const cNeg = params.r0;
  const cPos = params.rmax - params.r0;
  for (let i = 0; i < n; i++) {
    const xi = x[xOffset + i];
    const c = xi < 0 ? cNeg : cPos;
    out[outOffset + i] = c * Math.tanh((gains[i] * xi) / c);
  }
}
