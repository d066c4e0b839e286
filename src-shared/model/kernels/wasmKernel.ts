/**
 * WebAssembly (f64x2 SIMD) trial kernels, float64 throughout (assembly/dynamics.ts):
 *  - 'wasm-pairs' (the default): rows paired and processed in the two f64x2 lanes, entries of
 *    a pair side by side (weights as one v128, u16 column offsets as one u32), the shorter row
 *    padded with zero weights; E part as shared-weight index sums;
 *  - 'wasm-sparse': W as shared-E-weight index sums + CSR of the rest, scalar gathers;
 *  - 'wasm-dense-i': the same sparse E part, plus the I columns as a dense row-major block
 *    multiplied 4 rows × 2 columns at a time with f64x2.
 * Rates use the Padé-based tanh (few-ulp error). States agree with the reference to ~1e-15 relative.
 */
import type { Network } from '../network.js';
import type { DynamicsParams } from '../params.js';
import { stepLength } from '../params.js';
import { instantiateDynamicsWasm, type DynamicsWasmExports } from '../wasm/loader.js';
import { splitSparse, type SplitSparse } from './sparseStructure.js';
import type { TrialKernel } from './types.js';

export type WasmKernelLayout = 'sparse' | 'dense-i' | 'pairs';

/** Column byte offsets j·8 are stored as u16. */
export const WASM_KERNEL_MAX_N = 8191;

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
    this.name = `wasm-${layout}`;
    const n = network.n;
    if (n > WASM_KERNEL_MAX_N) throw new RangeError(`${this.name} handles n ≤ ${WASM_KERNEL_MAX_N} (u16 column offsets), got ${n}`);
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
    const u16 = (count: number) => wasm.allocate(2 * count + 8); // + 8: the u64 reads stay inside
    const eRowStart = i32(n + 1);
    const eCols = u16(sparse.eCols.length);
    const rowStart = i32(n + 1);
    const cols = u16(sparse.cols.length);
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
    // Column entries as u16 byte offsets into the rate vector (read four per u64 load).
    new Uint16Array(buffer, eCols, sparse.eCols.length).set(sparse.eCols.map((j) => 8 * j));
    new Int32Array(buffer, rowStart, n + 1).set(sparse.rowStart);
    new Uint16Array(buffer, cols, sparse.cols.length).set(sparse.cols.map((j) => 8 * j));
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
    if (layout === 'pairs') setRowPairs(wasm, sparse, n, this.nPad);
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

/**
 * Row-pair layout (assembly/dynamics.ts pairsMatvec): rows sorted by their number of CSR entries
 * and paired with a neighbour in that order (least padding); each pair's entries side by side,
 * the shorter row padded with weight 0 at the zero slot r[nPad].
 */
function setRowPairs(wasm: DynamicsWasmExports, sparse: SplitSparse, n: number, nPad: number): void {
  const zeroOffset = 8 * nPad;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => sparse.rowStart[a + 1] - sparse.rowStart[a] - (sparse.rowStart[b + 1] - sparse.rowStart[b]),
  );
  if (n % 2) order.push(n); // lone last row pairs with the padding slot y[n] (n < nPad)
  const pairCount = order.length / 2;
  const eLength = (row: number) => (row < n ? sparse.eRowStart[row + 1] - sparse.eRowStart[row] : 0);
  const iLength = (row: number) => (row < n ? sparse.rowStart[row + 1] - sparse.rowStart[row] : 0);
  const eStart = new Int32Array(pairCount + 1);
  const iStart = new Int32Array(pairCount + 1);
  for (let p = 0; p < pairCount; p++) {
    const a = order[2 * p];
    const b = order[2 * p + 1];
    eStart[p + 1] = eStart[p] + Math.max(eLength(a), eLength(b));
    iStart[p + 1] = iStart[p] + Math.max(iLength(a), iLength(b));
  }
  const rowsPtr = wasm.allocate(4 * 2 * pairCount);
  const eStartPtr = wasm.allocate(4 * (pairCount + 1));
  const iStartPtr = wasm.allocate(4 * (pairCount + 1));
  const eOffsetsPtr = wasm.allocate(4 * Math.max(eStart[pairCount], 1));
  const iOffsetsPtr = wasm.allocate(4 * Math.max(iStart[pairCount], 1));
  const iWeightsPtr = wasm.allocate(16 * Math.max(iStart[pairCount], 1));
  const buffer = wasm.memory.buffer;
  const rows = new Int32Array(buffer, rowsPtr, 2 * pairCount);
  const eOffsets = new Uint32Array(buffer, eOffsetsPtr, eStart[pairCount]);
  const iOffsets = new Uint32Array(buffer, iOffsetsPtr, iStart[pairCount]);
  const iWeights = new Float64Array(buffer, iWeightsPtr, 2 * iStart[pairCount]);
  new Int32Array(buffer, eStartPtr, pairCount + 1).set(eStart);
  new Int32Array(buffer, iStartPtr, pairCount + 1).set(iStart);
  for (let p = 0; p < pairCount; p++) {
    const ab = [order[2 * p], order[2 * p + 1]];
    rows[2 * p] = ab[0];
    rows[2 * p + 1] = ab[1];
    for (let k = 0; k < eStart[p + 1] - eStart[p]; k++) {
      const offsets = ab.map((row) => (k < eLength(row) ? 8 * sparse.eCols[sparse.eRowStart[row] + k] : zeroOffset));
      eOffsets[eStart[p] + k] = offsets[0] | (offsets[1] << 16);
    }
    for (let k = 0; k < iStart[p + 1] - iStart[p]; k++) {
      const entry = iStart[p] + k;
      const offsets = ab.map((row, lane) => {
        if (k < iLength(row)) {
          iWeights[2 * entry + lane] = sparse.values[sparse.rowStart[row] + k];
          return 8 * sparse.cols[sparse.rowStart[row] + k];
        }
        iWeights[2 * entry + lane] = 0;
        return zeroOffset;
      });
      iOffsets[entry] = (offsets[0] | (offsets[1] << 16)) >>> 0;
    }
  }
  wasm.setPairs(pairCount, rowsPtr, eStartPtr, eOffsetsPtr, iStartPtr, iOffsetsPtr, iWeightsPtr);
}

function maskColumns(W: Float64Array, n: number, from: number): Float64Array {
  const masked = W.slice();
  for (let i = 0; i < n; i++) masked.fill(0, i * n + from, (i + 1) * n);
  return masked;
}
