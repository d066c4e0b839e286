/**
 * Plain-TypeScript fast kernel (the fallback where WebAssembly SIMD is unavailable): split sparse
 * W (shared E weight as index sums + CSR for the rest, see ./sparseStructure.ts), summed in the
 * order of every fast kernel (./layout.ts), the kernels' rate function (./fastTanh.ts), and the
 * RK4 stages fused into the row loop: while computing slope k_m for row i we also update the RK4
 * sum, the next probe state and its rate, so each stage is one pass (rates are double-buffered;
 * the final stage writes straight into the caller's time-major rates/states rows).
 * The same bits as the WebAssembly kernels; states agree with the reference to ~1e-15 relative.
 */
import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { stepLength } from '../params.js';
import { fastRate } from './fastTanh.js';
import { splitSparse, type SplitSparse } from './sparseStructure.js';
import type { TrialKernel } from './types.js';

export class CsrJsKernel implements TrialKernel {
  readonly name = 'csr';
  private readonly n: number;
  private readonly sparse: SplitSparse;
  private readonly params: DynamicsParams;
  private readonly x: Float64Array;
  private readonly probe: Float64Array;
  private readonly acc: Float64Array;
  private readonly rA: Float64Array;
  private readonly rB: Float64Array;
  private readonly scratchStates: Float64Array;
  private readonly ownRates: Float64Array;

  constructor(network: Network, params: DynamicsParams) {
    this.n = network.n;
    this.params = params;
    this.sparse = splitSparse(network.W, network.n, network.nE);
    this.x = new Float64Array(this.n);
    this.probe = new Float64Array(this.n);
    this.acc = new Float64Array(this.n);
    this.rA = new Float64Array(this.n);
    this.rB = new Float64Array(this.n);
    this.scratchStates = new Float64Array(this.n);
    this.ownRates = new Float64Array(params.nSamples * this.n);
  }

  run(gains: Float64Array, x0: Float64Array, ratesBuffer: Float64Array | null, statesOut: Float64Array | null): Float64Array {
    const ratesOut = ratesBuffer ?? this.ownRates;
    const n = this.n;
    const nSamples = this.params.nSamples;
    const h = stepLength(this.params);
    const halfH = 0.5 * h;
    const sixthH = h / 6;
    const invTau = 1 / this.params.tau;
    const linear = this.params.gainFunction === 'linear';
    const cNeg = this.params.r0;
    const cPos = this.params.rmax - this.params.r0;
    const { sharedWeight, eRowStart, eCols, rowStart, cols, values } = this.sparse;
    const x = this.x;
    const probe = this.probe;
    const acc = this.acc;

    const twoOverNeg = 2 / cNeg;
    const twoOverPos = 2 / cPos;
    // Rate of a state, f(v; g_i) — kept inline-able for V8.
    const rateOf = (v: number, g: number): number => (linear ? g * v : fastRate(v, g, cNeg, cPos, twoOverNeg, twoOverPos));

    for (let i = 0; i < n; i++) {
      x[i] = x0[i];
      probe[i] = x0[i];
      ratesOut[i] = rateOf(x0[i], gains[i]);
      if (statesOut) statesOut[i] = x0[i];
    }

    // r holds f(probe) for the current stage: a view of the rates row for stage 1.
    for (let k = 0; k < nSamples - 1; k++) {
      let r: Float64Array = ratesOut.subarray(k * n, (k + 1) * n);
      let next = this.rA;
      for (let stage = 0; stage < 4; stage++) {
        const nextRow = stage === 3 ? ratesOut.subarray((k + 1) * n, (k + 2) * n) : next;
        const stateRow = stage === 3 ? (statesOut ? statesOut.subarray((k + 1) * n, (k + 2) * n) : this.scratchStates) : null;
        const probeScale = stage === 2 ? h : halfH;
        for (let i = 0; i < n; i++) {
          // Σ_j W_ij r_j in the kernels' order (./layout.ts): y = wE·Σ_E r, then + w·r per I entry.
          let e = 0;
          for (let p = eRowStart[i]; p < eRowStart[i + 1]; p++) e += r[eCols[p]];
          let input = sharedWeight * e;
          for (let q = rowStart[i]; q < rowStart[i + 1]; q++) input += values[q] * r[cols[q]];
          const slope = (-probe[i] + input) * invTau;
          let v: number;
          if (stage === 0) {
            acc[i] = slope;
            v = x[i] + halfH * slope;
          } else if (stage < 3) {
            acc[i] = acc[i] + 2 * slope;
            v = x[i] + probeScale * slope;
          } else {
            v = x[i] + sixthH * (acc[i] + slope);
            x[i] = v;
            stateRow![i] = v;
          }
          probe[i] = v;
          nextRow[i] = rateOf(v, gains[i]);
        }
        if (stage < 3) {
          r = nextRow;
          next = next === this.rA ? this.rB : this.rA;
        }
      }
    }
    return ratesOut;
  }
}
