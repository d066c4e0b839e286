/**
 * WebAssembly (f64x2 SIMD) trial kernels, float64 throughout (assembly/dynamics.ts):
 *  - 'wasm-sparse': W as shared-E-weight index sums + CSR of the rest, scalar gathers;
 *  - 'wasm-dense-i': the same sparse E part, plus the I columns as a dense row-major block
 *    multiplied 4 rows × 2 columns at a time with f64x2 (the I block of an SOC network is ~80 %
 *    dense, so dense SIMD beats gathers there).
 * Rates use the Padé-based tanh (few-ulp error). States agree with the reference to ~1e-15 relative.
 */
import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { stepLength } from '../params.js';
import { instantiateDynamicsWasm, type DynamicsWasmExports } from '../wasm/loader.js';
import { splitSparse } from './sparseStructure.js';
import type { TrialKernel } from './types.js';

export type WasmKernelLayout = 'sparse' | 'dense-i';

export class WasmKernel implements TrialKernel {
  readonly name: string;
  private readonly wasm: DynamicsWasmExports;
  private readonly n: number;
  private readonly nPad: number;
  private readonly params: DynamicsParams;
  private readonly ptr: Record<'gains' | 'x0' | 'x' | 'probe' | 'acc' | 'y' | 'r' | 'rates' | 'states', number>;
  private readonly gainsView: Float64Array;
  private readonly x0View: Float64Array;
  private readonly ratesView: Float64Array;
  private readonly statesView: Float64Array;

  constructor(network: Network, params: DynamicsParams, layout: WasmKernelLayout) {
    this.name = layout === 'sparse' ? 'wasm-sparse' : 'wasm-dense-i';
    const n = network.n;
    this.n = n;
    this.nPad = (n + 1) & ~1;
    this.params = params;
    const wasm = instantiateDynamicsWasm();
    this.wasm = wasm;
    const denseFrom = layout === 'dense-i' ? network.nE : n;
    // Sparse part: every column for 'sparse'; only the E columns for 'dense-i'.
    const masked = layout === 'dense-i' ? maskColumns(network.W, n, denseFrom) : network.W;
    const sparse = splitSparse(masked, n, network.nE);
    const denseWidth = n - denseFrom;
    const denseWidthPad = (denseWidth + 1) & ~1;

    const f64 = (count: number) => wasm.allocate(8 * Math.max(count, 2));
    const i32 = (count: number) => wasm.allocate(4 * Math.max(count, 1));
    const eRowStart = i32(n + 1);
    const eCols = i32(sparse.eCols.length);
    const rowStart = i32(n + 1);
    const cols = i32(sparse.cols.length);
    const values = f64(sparse.values.length);
    const dense = denseWidth > 0 ? f64(n * denseWidthPad + 2) : 0;
    const nPad = this.nPad;
    // r is read past n by the dense block's padding column: allocate and keep it zero.
    this.ptr = {
      gains: f64(nPad),
      x0: f64(nPad),
      x: f64(nPad),
      probe: f64(nPad),
      acc: f64(nPad),
      y: f64(nPad),
      r: f64(nPad + 2),
      rates: f64(params.nSamples * n),
      states: f64(params.nSamples * n),
    };
    // All allocation is done: views stay valid from here on.
    const buffer = wasm.memory.buffer;
    new Int32Array(buffer, eRowStart, n + 1).set(sparse.eRowStart);
    // Column entries as byte offsets into the rate vector (the kernel does no index arithmetic).
    new Int32Array(buffer, eCols, sparse.eCols.length).set(sparse.eCols.map((j) => 8 * j));
    new Int32Array(buffer, rowStart, n + 1).set(sparse.rowStart);
    new Int32Array(buffer, cols, sparse.cols.length).set(sparse.cols.map((j) => 8 * j));
    new Float64Array(buffer, values, sparse.values.length).set(sparse.values);
    if (dense) {
      const block = new Float64Array(buffer, dense, n * denseWidthPad);
      block.fill(0);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < denseWidth; j++) block[i * denseWidthPad + j] = network.W[i * n + denseFrom + j];
      }
    }
    for (const key of ['gains', 'x0', 'x', 'probe', 'acc', 'y'] as const) new Float64Array(buffer, this.ptr[key], nPad).fill(0);
    new Float64Array(buffer, this.ptr.r, nPad + 2).fill(0);
    wasm.setNetwork(n, sparse.sharedWeight, eRowStart, eCols, rowStart, cols, values, dense, denseFrom, denseWidthPad);
    this.gainsView = new Float64Array(buffer, this.ptr.gains, n);
    this.x0View = new Float64Array(buffer, this.ptr.x0, n);
    this.ratesView = new Float64Array(buffer, this.ptr.rates, params.nSamples * n);
    this.statesView = new Float64Array(buffer, this.ptr.states, params.nSamples * n);
  }

  run(gains: Float64Array, x0: Float64Array, ratesOut: Float64Array | null, statesOut: Float64Array | null): Float64Array {
    const p = this.params;
    this.gainsView.set(gains.subarray(0, this.n));
    this.x0View.set(x0.subarray(0, this.n));
    const linear = p.gainFunction === 'linear' ? 1 : 0;
    const ptr = this.ptr;
    this.wasm.trial(
      p.nSamples,
      stepLength(p),
      1 / p.tau,
      p.r0,
      p.rmax - p.r0,
      linear,
      ptr.gains,
      ptr.x0,
      ptr.x,
      ptr.probe,
      ptr.acc,
      ptr.y,
      ptr.r,
      ptr.rates,
      statesOut ? ptr.states : 0,
    );
    if (statesOut) statesOut.set(this.statesView);
    if (ratesOut) {
      ratesOut.set(this.ratesView);
      return ratesOut;
    }
    return this.ratesView;
  }
}

function maskColumns(W: Float64Array, n: number, from: number): Float64Array {
  const masked = W.slice();
  for (let i = 0; i < n; i++) masked.fill(0, i * n + from, (i + 1) * n);
  return masked;
}
