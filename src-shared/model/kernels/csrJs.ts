/**
 * Plain-TypeScript fast kernel (the fallback where WebAssembly SIMD is unavailable): split sparse W (shared E weight as index sums + CSR for the
 * rest, see ./sparseStructure.ts), 4 accumulators, fastTanh, and the RK4 stages fused into the
 * row loop: while computing slope k_m for row i we also update the RK4 sum, the next probe
 * state and its rate, so each stage is one pass (rates are double-buffered; the final stage
 * writes straight into the caller's time-major rates/states rows).
 * Same arithmetic as the reference except the order of the sum over j, the factoring of wE
 * and tanh (≤ 7.5e-16 relative): states agree with the reference to ~1e-15 relative.
 */
import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { stepLength } from '../params.js';
import { fastTanh } from './fastTanh.js';
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

    // Rate of a state, f(v; g_i) — kept inline-able for V8.
    const rateOf = (v: number, g: number): number => {
      if (linear) return g * v;
      const c = v < 0 ? cNeg : cPos;
      return c * fastTanh((g * v) / c);
    };

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
          // Σ_j W_ij r_j: shared-weight E indices, then the CSR rest, 4 accumulators each.
          let e0 = 0;
          let e1 = 0;
          let e2 = 0;
          let e3 = 0;
          let p = eRowStart[i];
          const pEnd = eRowStart[i + 1];
          for (; p + 3 < pEnd; p += 4) {
            e0 += r[eCols[p]];
            e1 += r[eCols[p + 1]];
            e2 += r[eCols[p + 2]];
            e3 += r[eCols[p + 3]];
          }
          for (; p < pEnd; p++) e0 += r[eCols[p]];
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let q = rowStart[i];
          const qEnd = rowStart[i + 1];
          for (; q + 3 < qEnd; q += 4) {
            s0 += values[q] * r[cols[q]];
            s1 += values[q + 1] * r[cols[q + 1]];
            s2 += values[q + 2] * r[cols[q + 2]];
            s3 += values[q + 3] * r[cols[q + 3]];
          }
          for (; q < qEnd; q++) s0 += values[q] * r[cols[q]];
          const input = sharedWeight * (e0 + e1 + (e2 + e3)) + (s0 + s1 + (s2 + s3));
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
