/**
 * The exact float64 reference integrator (scheme documented in ../dynamics.ts):
 * dense matrix-vector products summed j = 0..n−1 and Math.tanh. Fast kernels are tested against it.
 */
import { ratesInto } from '../gainFunction.js';
import type { DynamicsParams } from '../params.js';
import { stepLength } from '../params.js';

export interface SimulationResult {
  /** nSamples × n, time-major */
  states: Float64Array;
  /** nSamples × n, time-major */
  rates: Float64Array;
}

/** Exact float64 RK4 reference (see the file comment). Writes into `out` buffers when given. */
export function simulateReference(
  W: Float64Array,
  n: number,
  x0: Float64Array,
  gains: Float64Array,
  params: DynamicsParams,
  out: { states?: Float64Array; rates?: Float64Array } = {},
): SimulationResult {
  const nSamples = params.nSamples;
  const states = out.states ?? new Float64Array(nSamples * n);
  const rates = out.rates ?? new Float64Array(nSamples * n);
  if (states.length < nSamples * n || rates.length < nSamples * n) {
    throw new RangeError(`simulateReference: output buffers need nSamples × n = ${nSamples * n} values`);
  }
  const h = stepLength(params);
  const invTau = 1 / params.tau;
  const x = new Float64Array(n);
  const probe = new Float64Array(n);
  const r = new Float64Array(n);
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);

  // slope[i] = (−probe_i + Σ_j W_ij f(probe_j; g_j)) / τ
  const derivative = (state: Float64Array, slope: Float64Array) => {
    ratesInto(state, gains, n, params, r);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) sum += W[row + j] * r[j];
      slope[i] = (-state[i] + sum) * invTau;
    }
  };

  x.set(x0.subarray(0, n));
  states.set(x, 0);
  ratesInto(x, gains, n, params, rates, 0, 0);
  for (let k = 0; k < nSamples - 1; k++) {
    derivative(x, k1);
    for (let i = 0; i < n; i++) probe[i] = x[i] + 0.5 * h * k1[i];
    derivative(probe, k2);
    for (let i = 0; i < n; i++) probe[i] = x[i] + 0.5 * h * k2[i];
    derivative(probe, k3);
    for (let i = 0; i < n; i++) probe[i] = x[i] + h * k3[i];
    derivative(probe, k4);
    for (let i = 0; i < n; i++) x[i] += (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    states.set(x, (k + 1) * n);
    ratesInto(x, gains, n, params, rates, 0, (k + 1) * n);
  }
  return { states, rates };
}

