/**
 * A trial kernel integrates the dynamics of one network for one trial (RK4, one step per grid
 * interval — the scheme documented in ../dynamics.ts) and writes time-major rates (and states
 * when a buffer is given). Kernels are built once per network and own their scratch buffers.
 */
export interface TrialKernel {
  readonly name: string;
  run(gains: Float64Array, x0: Float64Array, ratesOut: Float64Array, statesOut: Float64Array | null): void;
  dispose?(): void;
}
